//! The plans' problems in Korean and English.

use domain::QuotaKind;
use domain::class::ClassProblem;
use domain::series::{Ends, Foresight, Repeat, RepeatProblem, RepeatRule};
use serde_json::{Value, json};
use web::Lang;

use super::service::SeriesProblems;
use crate::meetings::words::{bad_invitees_words, problem_words};

pub fn class_problem(p: &ClassProblem, lang: Lang) -> String {
    match p {
        ClassProblem::NameEmpty => lang.t("반 이름을 적어 주세요.", "Give the class a name.").into(),
        ClassProblem::NameTooLong { max, .. } => format!(
            "{} {max}{}",
            lang.t("반 이름은 최대", "A class name has at most"),
            lang.t("자입니다.", " characters.")
        ),
        ClassProblem::NameControlCharacters => lang
            .t(
                "반 이름에 쓸 수 없는 글자가 있습니다.",
                "The name has characters that cannot be used.",
            )
            .into(),
        ClassProblem::TooManyMembers { max, .. } => format!(
            "{} {max}{}",
            lang.t("한 반은 최대", "A class has at most"),
            lang.t("명입니다.", " members.")
        ),
        ClassProblem::NotAFriend(_) | ClassProblem::MemberUnreadable(_) => lang
            .t(
                "카카오 친구가 아닌 사람이 있습니다. 친구 목록을 동기화해 보세요.",
                "Someone picked is not a Kakao friend. Try syncing your friends.",
            )
            .into(),
        ClassProblem::NameTaken(name) => format!(
            "{} ({name})",
            lang.t(
                "같은 이름의 반이 이미 있습니다",
                "Another class already has this name"
            )
        ),
    }
}

pub fn repeat_problem(p: &RepeatProblem, lang: Lang) -> String {
    let ko = match p {
        RepeatProblem::KindUnknown(_) => "반복 방식을 골라 주세요.",
        RepeatProblem::EveryOutOfRange(_) => "반복 간격은 1부터 99까지입니다.",
        RepeatProblem::WeekdayUnknown(_) => "요일을 다시 골라 주세요.",
        RepeatProblem::EndsUnknown(_) => "끝나는 방식을 골라 주세요.",
        RepeatProblem::UntilUnreadable(_) => "마지막 날짜를 2027-02-28 처럼 적어 주세요.",
        RepeatProblem::UntilBeforeStart => "마지막 날짜가 첫 수업보다 앞입니다.",
        RepeatProblem::CountOutOfRange(_) => "반복 횟수는 1부터 730까지입니다.",
        RepeatProblem::FifthWeekday(_) => "다섯째 요일은 없는 달이 있습니다. '마지막 요일'을 골라 주세요.",
        RepeatProblem::NoOccurrence => "이 규칙으로는 열리는 날이 없습니다.",
    };
    match lang {
        Lang::Ko => ko.to_owned(),
        Lang::En => p.to_string(),
    }
}

pub fn series_problems(problems: &SeriesProblems, lang: Lang) -> Vec<Value> {
    let mut list: Vec<Value> = problems
        .meeting
        .iter()
        .map(|p| json!({ "field": p.field().as_str(), "code": p.code(), "message": problem_words(p, lang), "detail": p.to_string() }))
        .collect();
    list.extend(
        problems.repeat.iter().map(
            |p| json!({ "field": "repeat", "message": repeat_problem(p, lang), "detail": p.to_string() }),
        ),
    );
    if !problems.bad_invitees.is_empty() {
        list.push(json!({ "field": "invitees", "code": "unknown_invitee", "message": bad_invitees_words(lang), "invitees": problems.bad_invitees }));
    }
    if !problems.bad_classes.is_empty() {
        list.push(json!({ "field": "classes", "code": "unknown_class", "message": lang.t("없거나 보관된 반이 있습니다.", "A class picked does not exist or is archived."), "classes": problems.bad_classes }));
    }
    list
}

/// The same problems as the lines a page lists.
pub fn series_problem_lines(problems: &SeriesProblems, lang: Lang) -> Vec<String> {
    series_problems(problems, lang)
        .iter()
        .filter_map(|p| p["message"].as_str().map(str::to_owned))
        .collect()
}

/// Why a plan may not fit Kakao's daily limits, in a sentence.
pub fn quota_warning(f: &Foresight, lang: Lang) -> String {
    let mut parts = Vec::new();
    for kind in f.exceeded() {
        match (kind, &f.busiest_day, &f.busiest_pair) {
            (QuotaKind::Sender, Some((day, n)), _) => parts.push(match lang {
                Lang::Ko => format!("{day}에는 알림이 최대 {n}개 필요할 수 있는데, 하루에 보낼 수 있는 알림은 {}개입니다.", f.sender_limit),
                Lang::En => format!("On {day} up to {n} reminders may be needed; one sender may send {} a day.", f.sender_limit),
            }),
            (QuotaKind::Pair, _, Some((_, day, n))) => parts.push(match lang {
                Lang::Ko => format!("{day}에는 한 사람에게 알림이 최대 {n}개 갈 수 있는데, 한 사람에게는 하루 {}개까지입니다.", f.pair_limit),
                Lang::En => format!("On {day} one person may need up to {n} reminders; one person may get {} a day from you.", f.pair_limit),
            }),
            _ => {}
        }
    }
    parts.push(
        lang.t(
            "그래도 저장하면 넘치는 알림은 보내지 않고 그 이유를 기록합니다.",
            "Saved anyway, reminders over the limit are not sent and the log says why.",
        )
        .to_owned(),
    );
    parts.join(" ")
}

/// Monday to Sunday, the order the pages list days in.
pub const WEEK: [chrono::Weekday; 7] = [
    chrono::Weekday::Mon,
    chrono::Weekday::Tue,
    chrono::Weekday::Wed,
    chrono::Weekday::Thu,
    chrono::Weekday::Fri,
    chrono::Weekday::Sat,
    chrono::Weekday::Sun,
];

/// A weekday's short name: "화" / "Tue".
pub fn weekday(day: chrono::Weekday, lang: Lang) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Ko => ["월", "화", "수", "목", "금", "토", "일"][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

/// A rule as a person says it: "매주 화·목, 10번" / "Every week on Tue, Thu, 10 times".
pub fn repeat_words(rule: &RepeatRule, lang: Lang) -> String {
    let day = |d: chrono::Weekday| weekday(d, lang);
    let nth = |n: i8| -> String {
        match (lang, n) {
            (Lang::Ko, -1) => "마지막".into(),
            (Lang::Ko, n) => format!("{n}번째"),
            (Lang::En, -1) => "last".into(),
            (Lang::En, 1) => "1st".into(),
            (Lang::En, 2) => "2nd".into(),
            (Lang::En, 3) => "3rd".into(),
            (Lang::En, n) => format!("{n}th"),
        }
    };
    let every = |n: u16, ko: &str, en: &str| -> String {
        match (lang, n) {
            (Lang::Ko, 1) => format!("매{ko}"),
            (Lang::Ko, n) => format!("{n}{ko}마다"),
            (Lang::En, 1) => format!("every {en}"),
            (Lang::En, n) => format!("every {n} {en}s"),
        }
    };
    let how = match &rule.repeat {
        Repeat::Daily { every: n } => every(*n, "일", "day"),
        Repeat::Weekdays => lang.t("평일마다", "every weekday").to_owned(),
        Repeat::Weekly { every: n, on } => {
            let days: Vec<&str> = on.iter().map(|d| day(*d)).collect();
            match lang {
                Lang::Ko => format!("{} {}", every(*n, "주", "week"), days.join("·")),
                Lang::En => format!("{} on {}", every(*n, "week", "week"), days.join(", ")),
            }
        }
        Repeat::MonthlyOnDate { every: n, day: date } => match lang {
            Lang::Ko => format!("{} {date}일", every(*n, "달", "month")),
            Lang::En => format!("{} on day {date}", every(*n, "month", "month")),
        },
        Repeat::MonthlyOnWeekday {
            every: n,
            nth: k,
            weekday,
        } => match lang {
            Lang::Ko => format!("{} {} {}요일", every(*n, "달", "month"), nth(*k), day(*weekday)),
            Lang::En => format!(
                "{} on the {} {}",
                every(*n, "month", "month"),
                nth(*k),
                day(*weekday)
            ),
        },
    };
    let ends = match (&rule.ends, lang) {
        (Ends::Never, _) => String::new(),
        (Ends::OnDate { date }, Lang::Ko) => format!(", {}까지", date.format("%Y-%m-%d")),
        (Ends::OnDate { date }, Lang::En) => format!(", until {}", date.format("%Y-%m-%d")),
        (Ends::AfterCount { count }, Lang::Ko) => format!(", {count}번"),
        (Ends::AfterCount { count }, Lang::En) => format!(", {count} times"),
    };
    format!("{how}{ends}")
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Weekday};

    use super::*;

    #[test]
    fn rules_read_as_people_say_them() {
        let tue_thu = RepeatRule {
            repeat: Repeat::Weekly {
                every: 1,
                on: vec![Weekday::Tue, Weekday::Thu],
            },
            ends: Ends::AfterCount { count: 10 },
        };
        assert_eq!(repeat_words(&tue_thu, Lang::Ko), "매주 화·목, 10번");
        assert_eq!(
            repeat_words(&tue_thu, Lang::En),
            "every week on Tue, Thu, 10 times"
        );
        let last_friday = RepeatRule {
            repeat: Repeat::MonthlyOnWeekday {
                every: 2,
                nth: -1,
                weekday: Weekday::Fri,
            },
            ends: Ends::OnDate {
                date: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
            },
        };
        assert_eq!(
            repeat_words(&last_friday, Lang::Ko),
            "2달마다 마지막 금요일, 2027-06-30까지"
        );
        assert_eq!(
            repeat_words(&last_friday, Lang::En),
            "every 2 months on the last Fri, until 2027-06-30"
        );
    }
}

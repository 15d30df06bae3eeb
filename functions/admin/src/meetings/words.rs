//! Meeting problems in the admin's language (the domain's own messages are English, for logs
//! and the API's `detail`).

use domain::meeting::MeetingProblem;
use web::Lang;

pub fn problem_words(problem: &MeetingProblem, lang: Lang) -> String {
    use MeetingProblem::*;
    if lang == Lang::En {
        return problem.to_string();
    }
    match problem {
        TitleEmpty => "모임 이름을 써 주세요.".into(),
        TitleTooLong { max, .. } => format!("모임 이름은 {max}자까지입니다."),
        TitleControlCharacters => "모임 이름에 쓸 수 없는 문자가 있습니다.".into(),
        StartUnreadable(_) => "시작 시각을 2026-11-21T19:00 처럼 써 주세요.".into(),
        StartDoesNotExist(_) => "그 시각은 이 시간대에 없습니다 (서머타임으로 건너뜀).".into(),
        StartInPast => "시작 시각이 이미 지났습니다.".into(),
        StartTooFar => format!(
            "모임은 앞으로 {}일 안에 시작해야 합니다.",
            domain::meeting::MAX_DAYS_AHEAD
        ),
        TimeZoneUnknown(_) => "알 수 없는 시간대입니다. Asia/Seoul 같은 이름을 써 주세요.".into(),
        DurationOutOfRange(_) => "모임 길이는 1분에서 24시간(1440분) 사이입니다.".into(),
        JoinUrlNotHttps => "참여 링크는 https:// 로 시작해야 합니다.".into(),
        JoinUrlInvalid => {
            "참여 링크가 올바른 주소가 아닙니다 (https, 이름으로 된 주소, 사용자 이름 없이).".into()
        }
        JoinHostUnconfirmed(host) => format!(
            "{host}는 똑똑이 아는 화상 회의 서비스(Zoom, Google Meet, Teams, Webex 등)가 아닙니다. 이 주소가 맞으면 아래 칸에 표시해 주세요."
        ),
        ZoomMeetingIdInvalid(_) => "Zoom 회의 ID는 숫자 9~13자리입니다 (띄어쓰기는 괜찮습니다).".into(),
        TooManyInvitees { count, max } => format!("초대는 {max}명까지입니다 (지금 {count}명)."),
        DuplicateInvitee(_) => "같은 친구를 두 번 골랐습니다.".into(),
        NotAFriend(_) => "회원님의 카카오톡 친구가 아닌 사람이 있습니다.".into(),
        TooManyRounds { max, .. } => format!("알림은 {max}번까지 보낼 수 있습니다."),
        RoundUnreadable(_) => "알림 시점은 시작 후 분 단위 숫자로 써 주세요 (예: 5, 15).".into(),
        RoundNotAfterStart(_) => "알림은 시작 1분 뒤부터 보낼 수 있습니다.".into(),
        RoundAfterEnd { minutes } => format!("시작 {minutes}분 뒤에는 모임이 이미 끝났습니다."),
        RoundRepeated(m) => format!("{m}분 알림이 두 번 있습니다."),
        QuietHoursUnreadable(_) => "방해 금지 시간은 22:00 처럼 써 주세요.".into(),
        QuietHoursEmpty => "방해 금지 시작과 끝이 같습니다.".into(),
        SendModeUnknown(_) => "보내는 방식을 골라 주세요.".into(),
        TemplateEmpty => "메시지를 써 주세요.".into(),
        TemplateTooLong { max, .. } => format!("메시지는 {max}자까지입니다."),
        TemplateUnknownVariable(name) => {
            format!(
                "{{{name}}}은(는) 없는 항목입니다. {{이름}}, {{모임}}, {{시작}}, {{경과}}를 쓸 수 있습니다."
            )
        }
        TemplateUnclosedBrace => "'{' 가 닫히지 않았습니다. 글자 그대로 쓰려면 '{{' 로 쓰세요.".into(),
        TemplateTooLongAfterSubstitution {
            chars,
            max,
            longest_name,
        } => {
            format!(
                "가장 긴 이름({longest_name})을 넣으면 {chars}자가 되어 카카오톡 한도 {max}자를 넘습니다."
            )
        }
    }
}

/// Invitee ids that are not even well-formed.
pub fn bad_invitees_words(lang: Lang) -> &'static str {
    lang.t(
        "알 수 없는 친구가 들어 있습니다.",
        "Some invitees are not friends we know.",
    )
}

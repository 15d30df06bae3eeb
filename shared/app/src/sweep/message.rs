//! The reminder as Kakao gets it: the meeting's template filled in for one invitee (never over
//! 200 characters: a grown nickname is shortened), tapping it opens the join link, and two
//! buttons: join, and "stop these reminders".

use chrono::{DateTime, Utc};
use domain::TemplateText;
use domain::meeting::{MessageTemplate, TemplateVars};
use kakao::{Button, Buttons, Link, Template, TextTemplate, WebLink};
use store::model::{LinkButton, LinkToken, Meeting};
use url::Url;

/// The join button's title.
pub const JOIN_BUTTON: &str = "지금 참여하기";
/// The opt-out button's title.
pub const STOP_BUTTON: &str = "알림 그만 받기";
/// The confirm memo's button.
pub const CONFIRM_BUTTON: &str = "이대로 보내기";
/// The summary memo's button.
pub const SUMMARY_BUTTON: &str = "모임 보기";

/// Where a reminder's buttons go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReminderLinks {
    /// `/j/{token}.{join secret}` and `/stop/{token}.{stop secret}` on the tracked-link origin.
    Tracked { join: WebLink, stop: WebLink },
    /// The meeting's own join URL, no opt-out button.
    Direct { join: WebLink },
}

impl ReminderLinks {
    /// The invitee's tracked buttons on `base` (an https origin).
    pub fn tracked(base: &Url, token: &LinkToken) -> Option<Self> {
        let join = WebLink::parse(
            base.join(&format!("/j/{}", token.path_part(LinkButton::Join)))
                .ok()?
                .as_str(),
        )
        .ok()?;
        let stop = WebLink::parse(
            base.join(&format!("/stop/{}", token.path_part(LinkButton::Stop)))
                .ok()?
                .as_str(),
        )
        .ok()?;
        Some(Self::Tracked { join, stop })
    }

    /// The meeting's own join URL, if Kakao takes it (https).
    pub fn direct(meeting: &Meeting) -> Option<Self> {
        WebLink::parse(meeting.draft.join_url.as_str())
            .ok()
            .map(|join| Self::Direct { join })
    }
}

/// The meeting's message template, as `domain::meeting::StoredTemplate` reads the stored text.
pub fn message_template(meeting: &Meeting) -> MessageTemplate {
    let stored = meeting.draft.template();
    if let Some(problem) = stored.problem() {
        tracing::warn!(meeting = %meeting.id, %problem, "the meeting's text is not a valid template; sent as written");
    }
    stored.template().clone()
}

/// The text for `name` at `now`.
pub fn reminder_text(
    meeting: &Meeting,
    template: &MessageTemplate,
    name: &str,
    now: DateTime<Utc>,
) -> TemplateText {
    let schedule = meeting.draft.schedule();
    let vars = TemplateVars {
        name,
        meeting: &meeting.draft.title,
        start: &schedule.start_hhmm(),
        minutes_late: schedule.minutes_late(now),
    };
    template
        .render_fitted(&vars)
        .or_else(|_| TemplateText::parse(&meeting.draft.title))
        .or_else(|_| TemplateText::parse("모임이 시작했어요."))
        .unwrap_or_else(|_| unreachable!("a short constant text parses"))
}

/// The whole message.
pub fn reminder(text: TemplateText, buttons: &ReminderLinks) -> Template {
    let (join, stop) = match buttons {
        ReminderLinks::Tracked { join, stop } => (join, Some(stop)),
        ReminderLinks::Direct { join } => (join, None),
    };
    let mut list = Vec::new();
    if let Ok(b) = Button::new(JOIN_BUTTON, Link::to(join.clone())) {
        list.push(b);
    }
    if let Some(stop) = stop
        && let Ok(b) = Button::new(STOP_BUTTON, Link::to(stop.clone()))
    {
        list.push(b);
    }
    let message = TextTemplate::new(text, Link::to(join.clone()));
    match Buttons::new(list) {
        Ok(buttons) => message.with_buttons(buttons).into(),
        Err(_) => message.into(),
    }
}

/// A memo to the admin with one button.
pub fn memo(text: TemplateText, link: &str, button: &str) -> Option<Template> {
    let link = Link::to(WebLink::parse(link).ok()?);
    let button = Button::new(button, link.clone()).ok()?;
    let buttons = Buttons::new(vec![button]).ok()?;
    Some(TextTemplate::new(text, link).with_buttons(buttons).into())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::{KakaoUserId, MeetingId};
    use serde_json::Value;
    use store::model::{JoinUrl, MeetingDraft, MeetingSettings, MeetingStatus, Version};

    use super::*;

    fn meeting(template: Option<&str>) -> Meeting {
        let start = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
        Meeting {
            admin: KakaoUserId::new(1).unwrap(),
            id: MeetingId::new_v7(),
            draft: MeetingDraft {
                title: "수학 수업".into(),
                starts_at: start,
                ends_at: start + chrono::Duration::hours(1),
                time_zone: chrono_tz::Asia::Seoul,
                join_url: JoinUrl::parse("https://zoom.us/j/1").unwrap(),
                zoom_meeting_id: None,
                status: MeetingStatus::Scheduled,
                next_round: None,
                settings: MeetingSettings {
                    template: template.map(|t| TemplateText::parse(t).unwrap()),
                    ..MeetingSettings::default()
                },
            },
            version: Version::INITIAL,
            created_at: start,
            updated_at: start,
        }
    }

    #[test]
    fn the_text_is_filled_in_for_the_invitee_at_the_time_of_sending() {
        let m = meeting(Some("{이름}님, {모임} {시작} 시작, {경과}분 지났어요"));
        let now = m.draft.starts_at + chrono::Duration::minutes(5);
        let text = reminder_text(&m, &message_template(&m), "민지", now);
        assert_eq!(text.as_str(), "민지님, 수학 수업 19:00 시작, 5분 지났어요");
        let default = reminder_text(&meeting(None), &message_template(&meeting(None)), "준호", now);
        assert!(
            default
                .as_str()
                .starts_with("준호님, '수학 수업' 모임이 19:00에 시작했어요"),
            "{default}"
        );
        let old = meeting(Some("{숙제} 가져오세요"));
        let text = reminder_text(&old, &message_template(&old), "민지", now);
        assert_eq!(
            text.as_str(),
            "{숙제} 가져오세요",
            "a stored text that no longer parses is sent as written, as the form shows it"
        );
    }

    #[test]
    fn tracked_reminders_carry_join_and_stop_buttons() {
        let base = Url::parse("https://tt.example.com").unwrap();
        let token = LinkToken::generate();
        let buttons = ReminderLinks::tracked(&base, &token).unwrap();
        let template = reminder(TemplateText::parse("hi").unwrap(), &buttons);
        let json: Value = serde_json::from_str(&template.to_json().unwrap()).unwrap();
        let join = format!("https://tt.example.com/j/{}", token.path_part(LinkButton::Join));
        assert_eq!(json["link"]["web_url"], join.as_str());
        assert_eq!(json["buttons"][0]["title"], JOIN_BUTTON);
        assert_eq!(json["buttons"][0]["link"]["mobile_web_url"], join.as_str());
        assert_eq!(
            json["buttons"][1]["link"]["web_url"],
            format!(
                "https://tt.example.com/stop/{}",
                token.path_part(LinkButton::Stop)
            )
            .as_str()
        );
        let direct = ReminderLinks::direct(&meeting(None)).unwrap();
        let json: Value = serde_json::from_str(
            &reminder(TemplateText::parse("hi").unwrap(), &direct)
                .to_json()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(json["buttons"].as_array().map(Vec::len), Some(1));
        assert!(ReminderLinks::tracked(&Url::parse("http://127.0.0.1:3000").unwrap(), &token).is_none());
    }

    #[test]
    fn a_memo_needs_an_https_link() {
        let text = TemplateText::parse("확인").unwrap();
        assert!(memo(text.clone(), "https://tt.example.com/meetings/x", CONFIRM_BUTTON).is_some());
        assert!(memo(text, "http://127.0.0.1:3000/meetings/x", CONFIRM_BUTTON).is_none());
    }
}

//! A reminder as the admin writes it: the friend, the text (200 characters at most, as Kakao's
//! text template allows) and the link the message's button opens. Parsed once, at the edge, so
//! the send never sees a bad value; every problem is reported at once, per field.

use domain::{FriendUuid, TemplateText};
use kakao::WebLink;
use serde::{Deserialize, Serialize};
use store::model::JoinUrl;
use web::Lang;

/// The title of the message's button.
pub const BUTTON_TITLE: &str = "참여하기";

/// Texts the admin can pick and then edit.
pub const PRESETS: [&str; 3] = [
    "모임이 시작되었어요. 아래 버튼을 눌러 바로 참여해 주세요!",
    "수업이 곧 시작합니다. 준비되면 아래 버튼으로 들어와 주세요.",
    "The meeting has started. Tap the button below to join.",
];

/// What the form (or the JSON API) sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReminderInput {
    #[serde(default)]
    pub friend: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub link: String,
}

/// A reminder ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub friend: FriendUuid,
    pub text: TemplateText,
    /// The button's link, as Kakao takes it (https).
    pub link: WebLink,
    /// The same link as the store keeps it (the manual send's meeting).
    pub join_url: JoinUrl,
}

/// One field that is not right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum FieldProblem {
    NoFriend,
    TextEmpty,
    TextTooLong { chars: usize },
    LinkNotHttps,
}

impl FieldProblem {
    /// The form field it belongs to.
    pub fn field(self) -> &'static str {
        match self {
            FieldProblem::NoFriend => "friend",
            FieldProblem::TextEmpty | FieldProblem::TextTooLong { .. } => "text",
            FieldProblem::LinkNotHttps => "link",
        }
    }

    pub fn message(self, lang: Lang) -> String {
        match self {
            FieldProblem::NoFriend => lang
                .t("알림을 보낼 친구를 골라 주세요.", "Pick the friend to remind.")
                .to_owned(),
            FieldProblem::TextEmpty => lang.t("보낼 내용을 써 주세요.", "Write the message.").to_owned(),
            FieldProblem::TextTooLong { chars } => match lang {
                Lang::Ko => format!("카카오톡 메시지는 200자까지입니다. 지금 {chars}자입니다."),
                Lang::En => format!("A KakaoTalk message holds 200 characters; this one has {chars}."),
            },
            FieldProblem::LinkNotHttps => lang
                .t(
                    "버튼 링크는 https:// 로 시작하는 주소여야 합니다 (예: https://zoom.us/j/…).",
                    "The button link must be an https:// address (for example https://zoom.us/j/…).",
                )
                .to_owned(),
        }
    }
}

impl ReminderInput {
    pub fn parse(&self) -> Result<Reminder, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let friend = FriendUuid::parse(self.friend.trim())
            .map_err(|_| problems.push(FieldProblem::NoFriend))
            .ok();
        let text = match TemplateText::parse(self.text.trim_end()) {
            Ok(text) => Some(text),
            Err(domain::InvalidValue::TemplateTextTooLong { chars, .. }) => {
                problems.push(FieldProblem::TextTooLong { chars });
                None
            }
            Err(_) => {
                problems.push(FieldProblem::TextEmpty);
                None
            }
        };
        let link = self.link.trim();
        let links = WebLink::parse(link).ok().zip(JoinUrl::parse(link).ok());
        if links.is_none() {
            problems.push(FieldProblem::LinkNotHttps);
        }
        match (friend, text, links) {
            (Some(friend), Some(text), Some((link, join_url))) if problems.is_empty() => Ok(Reminder {
                friend,
                text,
                link,
                join_url,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(friend: &str, text: &str, link: &str) -> ReminderInput {
        ReminderInput {
            friend: friend.into(),
            text: text.into(),
            link: link.into(),
        }
    }

    #[test]
    fn a_complete_reminder_parses() {
        let reminder = input("Lm2b9Xc_4TnQ8vRk1sYe0w", "수업 시작!", "https://zoom.us/j/123")
            .parse()
            .unwrap();
        assert_eq!(reminder.friend.as_str(), "Lm2b9Xc_4TnQ8vRk1sYe0w");
        assert_eq!(reminder.link.as_str(), "https://zoom.us/j/123");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = input("", &"가".repeat(201), "http://zoom.us/j/1")
            .parse()
            .unwrap_err();
        assert_eq!(
            problems,
            vec![
                FieldProblem::NoFriend,
                FieldProblem::TextTooLong { chars: 201 },
                FieldProblem::LinkNotHttps
            ]
        );
        let problems = input("a b", "  ", "javascript:alert(1)").parse().unwrap_err();
        assert_eq!(
            problems,
            vec![
                FieldProblem::NoFriend,
                FieldProblem::TextEmpty,
                FieldProblem::LinkNotHttps
            ]
        );
        assert!(
            FieldProblem::TextTooLong { chars: 201 }
                .message(Lang::En)
                .contains("201")
        );
    }

    #[test]
    fn two_hundred_characters_fit() {
        assert!(
            input("u1", &"가".repeat(200), "https://a.example/x")
                .parse()
                .is_ok()
        );
    }
}

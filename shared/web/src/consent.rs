//! Kakao consent items in plain words: what each is, and what ttokttok needs it for.
//!
//! Shown on the "one more step" page, on the client onboarding pages and on the dashboard, so
//! a person always reads the same explanation of the same item.

use crate::lang::Lang;

/// What an admin (and a client) must agree to: Kakao lists only friends who agreed to `friends`
/// and messages only people who agreed to `talk_message`.
pub const REQUIRED_SCOPES: [&str; 2] = ["friends", "talk_message"];

/// One consent item, explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentItem {
    pub id: &'static str,
    /// Its name, as a person would say it.
    pub name: &'static str,
    /// What an admin needs it for.
    pub admin_need: &'static str,
    /// What a client misses without it.
    pub client_need: &'static str,
}

/// The explanation of scope `id` in `lang`; unknown ids are named as they are.
pub fn explain(id: &str, lang: Lang) -> ConsentItem {
    match id {
        "friends" => ConsentItem {
            id: "friends",
            name: lang.t(
                "카카오톡 친구 목록 (프로필 사진, 닉네임)",
                "Your KakaoTalk friends list (profile photo, nickname)",
            ),
            admin_need: lang.t(
                "알림을 받을 친구를 고르려면 필요합니다. 똑똑을 함께 쓰는 친구만 보입니다.",
                "Needed to pick who gets a reminder. Only friends who also use ttokttok appear.",
            ),
            client_need: lang.t(
                "이 항목이 없으면 선생님(관리자)의 친구 목록에 회원님이 보이지 않아 알림을 보낼 수 없습니다.",
                "Without it you do not appear in the organiser's friend list, so they cannot send you reminders.",
            ),
        },
        "talk_message" => ConsentItem {
            id: "talk_message",
            name: lang.t("카카오톡 메시지 전송", "Sending KakaoTalk messages"),
            admin_need: lang.t(
                "모임에 아직 들어오지 않은 친구에게 회원님 이름으로 카카오톡 알림을 보내려면 필요합니다.",
                "Needed to send a KakaoTalk reminder in your name to friends who have not joined yet.",
            ),
            client_need: lang.t(
                "이 항목이 없으면 모임이 시작되어도 카카오톡 알림을 받을 수 없습니다.",
                "Without it you will not get a KakaoTalk reminder when a meeting starts.",
            ),
        },
        "profile_nickname" => ConsentItem {
            id: "profile_nickname",
            name: lang.t("닉네임", "Nickname"),
            admin_need: lang.t("화면에 회원님 이름을 보여 줍니다.", "Shows your name on the pages."),
            client_need: lang.t("알림에 회원님 이름을 씁니다.", "Used to address you."),
        },
        _ => ConsentItem {
            id: "other",
            name: lang.t("기타 동의 항목", "Another consent item"),
            admin_need: "",
            client_need: "",
        },
    }
}

/// The required scopes missing from `granted`, in [`REQUIRED_SCOPES`] order.
pub fn missing<S: AsRef<str>>(granted: &[S]) -> Vec<&'static str> {
    REQUIRED_SCOPES
        .into_iter()
        .filter(|needed| !granted.iter().any(|g| g.as_ref() == *needed))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_scopes_are_the_required_ones_not_granted() {
        assert_eq!(missing(&["profile_nickname", "friends"]), ["talk_message"]);
        assert_eq!(missing::<&str>(&[]), ["friends", "talk_message"]);
        assert!(missing(&["talk_message", "friends"]).is_empty());
    }

    #[test]
    fn each_required_item_is_explained_in_both_languages() {
        for id in REQUIRED_SCOPES {
            let ko = explain(id, Lang::Ko);
            let en = explain(id, Lang::En);
            assert_eq!(ko.id, id);
            assert_ne!(ko.name, en.name);
            assert!(!ko.admin_need.is_empty() && !en.client_need.is_empty());
        }
    }
}

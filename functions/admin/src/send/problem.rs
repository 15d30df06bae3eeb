//! Why a reminder could not go, in terms an admin can act on, and the words each is shown with.
//!
//! Kakao answers `-530` both for a friend who never agreed to receive messages from ttokttok and
//! for one who turned messages off. ttokttok tells them apart by what it knows: a friend who
//! joined through an invite link and agreed to `talk_message` has turned messages off; anyone
//! else has not agreed yet, and the fix is the invite link.

use chrono::{DateTime, Utc};
use domain::sweep::{ClientStanding, Unreachable};
use domain::{KakaoAppStop, KstDay, QuotaKind};
use kakao::{ExceededQuota, FailureReason};
use serde::Serialize;
use web::Lang;
use web::time::{kst_minute, relative};

/// Which of Kakao's message quotas is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaScope {
    /// The app's 30,000 a day.
    App,
    /// The admin's 100 a day.
    Sender,
    /// The friend's 100 a day from this app.
    Recipient,
    /// 20 a day from this admin to this friend.
    Pair,
    /// The admin's monthly quota (Kakao does not publish its size).
    SenderMonthly,
}

impl From<QuotaKind> for QuotaScope {
    fn from(kind: QuotaKind) -> Self {
        match kind {
            QuotaKind::App => QuotaScope::App,
            QuotaKind::Sender => QuotaScope::Sender,
            QuotaKind::Recipient => QuotaScope::Recipient,
            QuotaKind::Pair => QuotaScope::Pair,
        }
    }
}

impl From<ExceededQuota> for QuotaScope {
    fn from(quota: ExceededQuota) -> Self {
        match quota.daily_kind() {
            Some(kind) => kind.into(),
            None => QuotaScope::SenderMonthly,
        }
    }
}

/// Why a reminder did not go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum SendProblem {
    /// The friend has not agreed (to ttokttok's `talk_message`), as far as ttokttok knows.
    NotAgreed,
    /// The friend disconnected ttokttok in KakaoTalk.
    Disconnected,
    /// The friend joined, agreed, and still refuses messages (turned them off).
    RefusesMessages,
    /// A quota is used up; daily ones reset at 00:00 KST.
    QuotaUsedUp {
        quota: QuotaScope,
        resets_at: Option<DateTime<Utc>>,
    },
    /// Not KakaoTalk friends any more (or Kakao no longer knows this friend's id).
    NotFriends,
    /// The admin must agree to more items first.
    AdminNeedsConsent { missing: Vec<String> },
    /// The admin's Kakao login has ended.
    AdminNeedsLogin,
    /// The Kakao app lacks the friends/message permission (only team members can be messaged).
    NoPermission,
    /// The request reached Kakao but no answer came back: it may or may not have arrived.
    OutcomeUnknown,
    /// Kakao did not answer (or the message never left); nothing was sent.
    KakaoUnavailable,
    /// Kakao has stopped the whole app (`-12` blocked, `-13` suspended): nothing goes to
    /// anyone until the operator has it restored.
    KakaoAppStopped { stop: KakaoAppStop },
    /// Kakao refused it for another reason.
    Refused { code: Option<i64> },
}

impl SendProblem {
    /// A per-receiver failure from Kakao, with what ttokttok knows about the friend.
    pub fn from_failure(reason: &FailureReason, client: ClientStanding, now: DateTime<Utc>) -> Self {
        match reason {
            FailureReason::NotAFriend | FailureReason::InvalidReceivers => SendProblem::NotFriends,
            FailureReason::RefusesMessages => match Unreachable::refused(client) {
                Unreachable::RefusesMessages => SendProblem::RefusesMessages,
                Unreachable::NoConsent | Unreachable::NotAFriend => SendProblem::NotAgreed,
            },
            FailureReason::QuotaExceeded(quota) => Self::quota((*quota).into(), now),
            FailureReason::InsufficientScope { required_scopes } => SendProblem::AdminNeedsConsent {
                missing: required_scopes.clone(),
            },
            FailureReason::AccessTokenInvalid => SendProblem::AdminNeedsLogin,
            FailureReason::PermissionDenied => SendProblem::NoPermission,
            FailureReason::NotSent => SendProblem::KakaoUnavailable,
            FailureReason::AppStopped(stop) => SendProblem::KakaoAppStopped { stop: *stop },
            other => SendProblem::Refused {
                code: other.kakao_code(),
            },
        }
    }

    /// A quota refusal, ours or Kakao's.
    pub fn quota(quota: QuotaScope, now: DateTime<Utc>) -> Self {
        let resets_at = match quota {
            QuotaScope::SenderMonthly => None,
            _ => Some(KstDay::containing(now).resets_at()),
        };
        SendProblem::QuotaUsedUp { quota, resets_at }
    }

    /// A stable id (the dialog's `data-problem`, the API's `problem`).
    pub fn id(&self) -> &'static str {
        match self {
            SendProblem::NotAgreed => "not_agreed",
            SendProblem::Disconnected => "disconnected",
            SendProblem::RefusesMessages => "refuses_messages",
            SendProblem::QuotaUsedUp { .. } => "quota_used_up",
            SendProblem::NotFriends => "not_friends",
            SendProblem::AdminNeedsConsent { .. } => "admin_needs_consent",
            SendProblem::AdminNeedsLogin => "admin_needs_login",
            SendProblem::NoPermission => "no_permission",
            SendProblem::OutcomeUnknown => "outcome_unknown",
            SendProblem::KakaoUnavailable => "kakao_unavailable",
            SendProblem::KakaoAppStopped { .. } => "kakao_app_stopped",
            SendProblem::Refused { .. } => "refused",
        }
    }

    /// Whether the invite link is the fix (the dialog shows it with a copy button).
    pub fn offers_invite_link(&self) -> bool {
        matches!(self, SendProblem::NotAgreed | SendProblem::Disconnected)
    }

    /// The dialog's title and explanation, naming the friend.
    pub fn words(&self, lang: Lang, friend: &str, now: DateTime<Utc>) -> (String, String) {
        let ko = matches!(lang, Lang::Ko);
        match self {
            SendProblem::NotAgreed => (
                lang.t("아직 알림을 받을 수 없는 친구입니다", "This friend cannot get reminders yet").to_owned(),
                if ko {
                    format!("{friend}님이 똑똑의 카카오톡 메시지 받기에 아직 동의하지 않았습니다. 다른 친구를 고르거나, 초대 링크를 보내 동의를 받아 주세요.")
                } else {
                    format!("{friend} has not agreed to receive KakaoTalk messages from ttokttok yet. Choose another friend, or send them your invite link so they can agree.")
                },
            ),
            SendProblem::Disconnected => (
                lang.t("똑똑 연결을 끊은 친구입니다", "This friend disconnected ttokttok").to_owned(),
                if ko {
                    format!("{friend}님이 카카오톡에서 똑똑 연결을 끊었습니다. 다시 받으려면 초대 링크로 다시 동의해야 합니다.")
                } else {
                    format!("{friend} disconnected ttokttok in KakaoTalk. To get reminders again they must agree again through your invite link.")
                },
            ),
            SendProblem::RefusesMessages => (
                lang.t("메시지를 받지 않는 친구입니다", "This friend does not accept messages").to_owned(),
                if ko {
                    format!("{friend}님이 카카오톡 메시지 받기를 꺼 두었습니다. 다른 방법으로 연락하거나 다른 친구를 골라 주세요.")
                } else {
                    format!("{friend} has turned off messages in KakaoTalk. Reach them another way, or choose another friend.")
                },
            ),
            SendProblem::QuotaUsedUp { quota, resets_at } => {
                let whose = match (quota, ko) {
                    (QuotaScope::Sender, true) => "오늘 보낼 수 있는 메시지(하루 100건)를 모두 썼습니다.".to_owned(),
                    (QuotaScope::Sender, false) => "You have used all of today's messages (100 a day).".to_owned(),
                    (QuotaScope::Pair, true) => format!("오늘 {friend}님에게 보낼 수 있는 메시지(하루 20건)를 모두 썼습니다."),
                    (QuotaScope::Pair, false) => format!("You have sent {friend} as many messages as Kakao allows today (20 a day)."),
                    (QuotaScope::Recipient, true) => format!("{friend}님이 오늘 받을 수 있는 메시지(하루 100건)가 다 찼습니다."),
                    (QuotaScope::Recipient, false) => format!("{friend} has received as many messages as Kakao allows today (100 a day)."),
                    (QuotaScope::App, true) => "똑똑 전체의 오늘 메시지 한도가 다 찼습니다.".to_owned(),
                    (QuotaScope::App, false) => "ttokttok as a whole has reached today's message limit.".to_owned(),
                    (QuotaScope::SenderMonthly, true) => "이번 달에 보낼 수 있는 메시지를 모두 썼습니다.".to_owned(),
                    (QuotaScope::SenderMonthly, false) => "You have used this month's messages.".to_owned(),
                };
                let when = match resets_at {
                    Some(at) if ko => format!(" {} ({})에 다시 보낼 수 있습니다.", kst_minute(*at), relative(*at, now, lang)),
                    Some(at) => format!(" Sending opens again at {} ({}).", kst_minute(*at), relative(*at, now, lang)),
                    None if ko => " 다음 달에 다시 보낼 수 있습니다.".to_owned(),
                    None => " Sending opens again next month.".to_owned(),
                };
                (lang.t("오늘 보낼 수 있는 양을 다 썼습니다", "The message limit is reached").to_owned(), whose + &when)
            }
            SendProblem::NotFriends => (
                lang.t("더 이상 카카오톡 친구가 아닙니다", "Not KakaoTalk friends any more").to_owned(),
                if ko {
                    format!("카카오가 {friend}님을 친구로 알지 못합니다. 친구 목록을 새로 고친 뒤 다시 시도해 주세요. 방금 친구가 되었다면 카카오에 반영되기까지 잠시 걸릴 수 있습니다.")
                } else {
                    format!("Kakao does not know {friend} as your friend. Sync your friends and try again. If you just became friends, Kakao may take a while to catch up.")
                },
            ),
            SendProblem::AdminNeedsConsent { .. } => (
                lang.t("동의가 더 필요합니다", "More consent is needed").to_owned(),
                lang.t(
                    "메시지를 보내려면 카카오에서 '카카오톡 메시지 전송'과 '친구 목록'에 동의해 주셔야 합니다.",
                    "To send messages, agree to 'Sending KakaoTalk messages' and 'friends list' on Kakao.",
                )
                .to_owned(),
            ),
            SendProblem::AdminNeedsLogin => (
                lang.t("다시 로그인해 주세요", "Please log in again").to_owned(),
                lang.t(
                    "카카오 로그인이 끝났습니다. 다시 로그인하면 바로 보낼 수 있습니다.",
                    "Your Kakao login has ended. Log in again and you can send right away.",
                )
                .to_owned(),
            ),
            SendProblem::NoPermission => (
                lang.t("카카오 권한이 없습니다", "Kakao permission missing").to_owned(),
                lang.t(
                    "이 서비스는 아직 카카오의 '카카오톡 친구/메시지' 권한을 받지 못해 팀원에게만 보낼 수 있습니다. 운영자에게 알려 주세요.",
                    "This service does not have Kakao's friends/message permission yet, so it can only message team members. Please tell the operator.",
                )
                .to_owned(),
            ),
            SendProblem::OutcomeUnknown => (
                lang.t("전송 결과를 알 수 없습니다", "We could not confirm the send").to_owned(),
                if ko {
                    format!("카카오가 답하지 않아 {friend}님에게 메시지가 갔는지 알 수 없습니다. 두 번 보내지 않도록 자동으로 다시 보내지 않습니다. 발송 기록을 확인해 주세요.")
                } else {
                    format!("Kakao did not answer, so we cannot tell whether {friend} got the message. To avoid sending twice it is not resent automatically; see the delivery log.")
                },
            ),
            SendProblem::KakaoUnavailable => (
                lang.t("카카오가 응답하지 않습니다", "Kakao is not answering").to_owned(),
                lang.t(
                    "메시지는 보내지지 않았습니다. 잠시 후 다시 시도해 주세요.",
                    "Nothing was sent. Please try again in a moment.",
                )
                .to_owned(),
            ),
            SendProblem::KakaoAppStopped { stop } => (
                lang.t("지금은 카카오로 보낼 수 없습니다", "Kakao has stopped ttokttok for now").to_owned(),
                kakao_app_stop_words(lang, *stop).to_owned(),
            ),
            SendProblem::Refused { code } => (
                lang.t("카카오가 전송을 거절했습니다", "Kakao refused the message").to_owned(),
                match (code, ko) {
                    (Some(code), true) => format!("카카오가 이 메시지를 거절했습니다 (코드 {code}). 잠시 후 다시 시도하거나 운영자에게 알려 주세요."),
                    (Some(code), false) => format!("Kakao refused this message (code {code}). Try again later, or tell the operator."),
                    (None, true) => "카카오가 이 메시지를 거절했습니다. 운영자에게 알려 주세요.".to_owned(),
                    (None, false) => "Kakao refused this message. Please tell the operator.".to_owned(),
                },
            ),
        }
    }
}

/// What every admin is told while Kakao has stopped the app (the send dialog, the dashboard).
pub fn kakao_app_stop_words(lang: Lang, stop: KakaoAppStop) -> &'static str {
    match stop {
        KakaoAppStop::Blocked => lang.t(
            "카카오가 똑똑 앱을 제한해 지금은 아무에게도 메시지를 보낼 수 없습니다. 자동 알림도 멈췄습니다. 운영자가 카카오에 해결을 요청했으며, 풀리면 알림이 저절로 다시 나갑니다.",
            "Kakao has restricted the ttokttok app, so no messages can go to anyone right now, and automatic reminders are paused. The operator has been alerted; reminders resume by themselves once Kakao lifts it.",
        ),
        KakaoAppStop::Suspended => lang.t(
            "카카오가 똑똑 앱을 '장기 미사용'으로 멈춰 지금은 아무에게도 메시지를 보낼 수 없습니다. 자동 알림도 멈췄습니다. 운영자가 카카오 개발자 콘솔에서 다시 켜면 알림이 저절로 다시 나갑니다.",
            "Kakao has suspended the ttokttok app for long disuse, so no messages can go to anyone right now, and automatic reminders are paused. Once the operator re-activates it in Kakao's developer console, reminders resume by themselves.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
    }

    #[test]
    fn minus_530_means_not_agreed_unless_the_friend_joined_and_agreed() {
        let reason = FailureReason::RefusesMessages;
        assert_eq!(
            SendProblem::from_failure(&reason, ClientStanding::Unknown, now()),
            SendProblem::NotAgreed
        );
        assert_eq!(
            SendProblem::from_failure(&reason, ClientStanding::AgreedToMessages, now()),
            SendProblem::RefusesMessages
        );
        assert!(SendProblem::NotAgreed.offers_invite_link());
        assert!(!SendProblem::RefusesMessages.offers_invite_link());
    }

    #[test]
    fn quota_refusals_say_when_sending_opens_again() {
        let problem = SendProblem::from_failure(
            &FailureReason::QuotaExceeded(ExceededQuota::SenderDaily),
            ClientStanding::Unknown,
            now(),
        );
        let midnight = Utc.with_ymd_and_hms(2026, 11, 21, 15, 0, 0).unwrap();
        assert_eq!(
            problem,
            SendProblem::QuotaUsedUp {
                quota: QuotaScope::Sender,
                resets_at: Some(midnight)
            }
        );
        let (_, message) = problem.words(Lang::En, "이서연", now());
        assert!(message.contains("2026-11-22 00:00 KST"), "{message}");
        assert!(message.contains("in 12 hours"), "{message}");
        let monthly = SendProblem::quota(QuotaScope::SenderMonthly, now());
        assert_eq!(
            monthly,
            SendProblem::QuotaUsedUp {
                quota: QuotaScope::SenderMonthly,
                resets_at: None
            }
        );
    }

    #[test]
    fn each_refusal_maps_to_what_the_admin_can_do() {
        let map =
            |reason: FailureReason| SendProblem::from_failure(&reason, ClientStanding::Unknown, now()).id();
        assert_eq!(map(FailureReason::NotAFriend), "not_friends");
        assert_eq!(map(FailureReason::PermissionDenied), "no_permission");
        assert_eq!(map(FailureReason::AccessTokenInvalid), "admin_needs_login");
        assert_eq!(map(FailureReason::NotSent), "kakao_unavailable");
        assert_eq!(
            map(FailureReason::InsufficientScope {
                required_scopes: vec!["talk_message".into()]
            }),
            "admin_needs_consent"
        );
    }

    #[test]
    fn the_words_name_the_friend_in_both_languages() {
        for problem in [
            SendProblem::NotAgreed,
            SendProblem::NotFriends,
            SendProblem::OutcomeUnknown,
        ] {
            let (_, ko) = problem.words(Lang::Ko, "이서연", now());
            let (_, en) = problem.words(Lang::En, "이서연", now());
            assert!(ko.contains("이서연") && en.contains("이서연"));
            assert_ne!(ko, en);
        }
    }
}

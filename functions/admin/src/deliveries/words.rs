//! Deliveries in words an admin reads: each state, Kakao's codes, and why a reminder was skipped.
//! Korean first, English beside it; Kakao's codes are always explained, never shown bare.

use domain::QuotaKind;
use domain::delivery::{DeliveryState, KakaoErrorCode};
use domain::sweep::{SkipReason, Unreachable};
use web::Lang;

/// A delivery's state in one short phrase.
pub fn state(lang: Lang, state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Reserved => lang.t("승인 대기", "Waiting for your approval"),
        DeliveryState::Sending => lang.t("보내는 중", "Sending"),
        DeliveryState::Sent => lang.t("보냄", "Sent"),
        DeliveryState::Failed { .. } => lang.t("보내지 못함", "Not delivered"),
        DeliveryState::Unknown => lang.t("전달 여부 모름", "Outcome unknown"),
        DeliveryState::Cancelled => lang.t("보내지 않음", "Not sent"),
    }
}

/// What a state means, for the line under it (failed ones get their code's words instead).
pub fn state_detail(lang: Lang, state: DeliveryState) -> Option<&'static str> {
    match state {
        DeliveryState::Reserved => Some(lang.t(
            "확인 후 보내기를 누르면 보냅니다. 모임이 끝나면 보내지 않습니다.",
            "Goes out when you approve it; not sent if the meeting ends first.",
        )),
        DeliveryState::Unknown => Some(lang.t(
            "카카오의 답을 받지 못해 도착했는지 알 수 없습니다. 두 번 보내지 않도록 다시 보내지 않습니다.",
            "Kakao's answer was lost, so it may or may not have arrived. It is not sent again, so no one gets it twice.",
        )),
        DeliveryState::Cancelled => Some(lang.t(
            "보내기 전에 멈췄습니다 (승인하지 않았거나, 로그인·연결 문제). 발송 한도는 돌려받았습니다.",
            "Stopped before it left (not approved, or a login or connection problem). Its quota was given back.",
        )),
        DeliveryState::Sending | DeliveryState::Sent | DeliveryState::Failed { .. } => None,
    }
}

/// Kakao's code in words.
pub fn kakao_code(lang: Lang, code: KakaoErrorCode) -> String {
    let words = match code.get() {
        -10 => lang.t(
            "앱 전체의 하루 발송 한도가 찼습니다",
            "the app's daily message limit was reached",
        ),
        -531 => lang.t(
            "내 한 달 발송 한도가 찼습니다",
            "your monthly message limit was reached",
        ),
        -532 => lang.t(
            "내 하루 발송 한도(100건)가 찼습니다",
            "your daily limit (100 messages) was reached",
        ),
        -533 => lang.t(
            "받는 사람의 하루 수신 한도(100건)가 찼습니다",
            "this friend's daily limit (100 messages) was reached",
        ),
        -536 => lang.t(
            "이 친구에게 보내는 하루 한도(20건)가 찼습니다",
            "your daily limit to this friend (20 messages) was reached",
        ),
        -502 => lang.t(
            "카카오톡 친구가 아닙니다",
            "not your KakaoTalk friend (as Kakao sees it)",
        ),
        -530 => lang.t(
            "메시지를 받지 않습니다 (똑똑 알림에 동의하지 않았거나 메시지를 껐습니다)",
            "does not take messages (has not agreed to ttokttok's reminders, or turned messages off)",
        ),
        -2 => lang.t(
            "받는 사람 정보가 맞지 않습니다",
            "Kakao did not accept this friend's id",
        ),
        -5 => lang.t(
            "앱에 친구에게 메시지를 보낼 권한이 없습니다",
            "the app lacks Kakao's permission to message friends",
        ),
        -3 => lang.t(
            "앱 설정에서 필요한 동의 항목이 꺼져 있습니다",
            "a consent item is switched off in the app's Kakao settings",
        ),
        -401 => lang.t("카카오 로그인이 만료되었습니다", "your Kakao login had expired"),
        -12 => lang.t("카카오가 앱을 제한했습니다", "Kakao had restricted the app"),
        -13 => lang.t(
            "카카오가 앱을 장기 미사용으로 멈췄습니다",
            "Kakao had suspended the app for long disuse",
        ),
        -402 => lang.t(
            "필요한 동의가 빠져 있습니다",
            "a consent you need to give is missing",
        ),
        -1 | -7 | -603 | -9798 => lang.t(
            "카카오에 일시적인 문제가 있었습니다",
            "Kakao had a temporary problem",
        ),
        _ => lang.t("카카오가 거절했습니다", "Kakao refused it"),
    };
    format!("{words} ({} {})", lang.t("카카오 코드", "Kakao code"), code.get())
}

/// A skipped invitee's reason.
pub fn skip(lang: Lang, reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Cancelled => lang.t("모임이 취소되었습니다", "the meeting was cancelled"),
        SkipReason::MeetingOver => lang.t("모임이 끝났습니다", "the meeting had ended"),
        SkipReason::Joined => lang.t("이미 참여했습니다", "already joined"),
        SkipReason::AlreadyReminded { .. } => {
            lang.t("이번 차수에 이미 보냈습니다", "already reminded this round")
        }
        SkipReason::OptedOut => lang.t("알림을 그만 받겠다고 했습니다", "asked not to be reminded"),
        SkipReason::Unreachable {
            why: Unreachable::NoConsent,
        } => lang.t(
            "알림 받기에 동의하지 않았습니다",
            "has not agreed to get reminders",
        ),
        SkipReason::Unreachable {
            why: Unreachable::RefusesMessages,
        } => lang.t("메시지를 껐습니다", "turned messages off"),
        SkipReason::Unreachable {
            why: Unreachable::NotAFriend,
        } => lang.t("카카오톡 친구가 아닙니다", "not your KakaoTalk friend"),
        SkipReason::KakaoAppStopped => lang.t(
            "카카오가 앱을 멈춰 아무에게도 보낼 수 없었습니다",
            "Kakao had stopped the app: nothing could go to anyone",
        ),
        SkipReason::AdminNeedsLogin => lang.t(
            "카카오 로그인이 필요합니다",
            "you need to log in with Kakao again",
        ),
        SkipReason::AdminNeedsConsent => {
            lang.t("카카오 동의가 필요합니다", "you need to give a Kakao consent")
        }
        SkipReason::QuietHours => lang.t("방해 금지 시간이었습니다", "it was quiet hours"),
        SkipReason::Quota { kind: QuotaKind::App } => lang.t(
            "앱 전체의 하루 한도가 찼습니다",
            "the app's daily limit was reached",
        ),
        SkipReason::Quota {
            kind: QuotaKind::Sender,
        } => lang.t("내 하루 발송 한도가 찼습니다", "your daily limit was reached"),
        SkipReason::Quota {
            kind: QuotaKind::Recipient,
        } => lang.t(
            "받는 사람의 하루 한도가 찼습니다",
            "this friend's daily limit was reached",
        ),
        SkipReason::Quota {
            kind: QuotaKind::Pair,
        } => lang.t(
            "이 친구에게 보내는 하루 한도가 찼습니다",
            "your daily limit to this friend was reached",
        ),
    }
}

/// The outcome of a delivery in full: its state, and for a failure Kakao's code in words.
pub fn outcome(lang: Lang, delivery: DeliveryState) -> (String, Option<String>) {
    let head = state(lang, delivery).to_owned();
    let detail = match delivery.failure_code() {
        Some(code) => Some(kakao_code(lang, code)),
        None => state_detail(lang, delivery).map(str::to_owned),
    };
    (head, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kakaos_codes_are_explained_with_the_code_kept() {
        let refuses = kakao_code(Lang::Ko, KakaoErrorCode::RECEIVER_REFUSES);
        assert!(
            refuses.starts_with("메시지를 받지 않습니다") && refuses.ends_with("(카카오 코드 -530)"),
            "{refuses}"
        );
        let pair = kakao_code(Lang::En, KakaoErrorCode::PAIR_DAILY_QUOTA);
        assert_eq!(
            pair,
            "your daily limit to this friend (20 messages) was reached (Kakao code -536)"
        );
        let odd = kakao_code(Lang::En, KakaoErrorCode::new(-4).unwrap());
        assert_eq!(odd, "Kakao refused it (Kakao code -4)");
    }

    #[test]
    fn a_failed_delivery_reads_as_its_code_and_others_as_their_state() {
        let failed = DeliveryState::Failed {
            code: KakaoErrorCode::NOT_FRIEND,
        };
        let (head, detail) = outcome(Lang::En, failed);
        assert_eq!(head, "Not delivered");
        assert!(detail.unwrap().contains("not your KakaoTalk friend"));
        let (head, detail) = outcome(Lang::Ko, DeliveryState::Unknown);
        assert_eq!(head, "전달 여부 모름");
        assert!(detail.unwrap().contains("다시 보내지 않습니다"));
        assert_eq!(outcome(Lang::En, DeliveryState::Sent), ("Sent".to_owned(), None));
    }

    #[test]
    fn every_skip_reason_has_words_in_both_languages() {
        let reasons = [
            SkipReason::Joined,
            SkipReason::OptedOut,
            SkipReason::QuietHours,
            SkipReason::AdminNeedsLogin,
            SkipReason::Quota {
                kind: QuotaKind::Pair,
            },
        ];
        for reason in reasons {
            assert_ne!(skip(Lang::Ko, reason), skip(Lang::En, reason));
        }
    }
}

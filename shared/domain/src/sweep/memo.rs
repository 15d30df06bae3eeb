//! What the admin reads in KakaoTalk ("send to me" memos), always within Kakao's 200 characters:
//! the confirm-first question ([`confirm_memo_text`]) and the round summary
//! ([`summary_memo_text`]). Korean, as the admin's KakaoTalk is.
//!
//! Long titles are shortened with `…` and long name lists end in "외 N명", so a memo always
//! fits; the numbers are never cut.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::planner::RoundPlan;
use super::reason::{SkipReason, Unreachable};
use crate::delivery::{DeliveryState, KakaoErrorCode, Round};
use crate::{FriendUuid, QuotaKind, TemplateText};

const MAX: usize = TemplateText::MAX_CHARS;
/// A title longer than this is shortened first.
const TITLE_CHARS: usize = 40;

/// The confirm-first memo: who is absent, and that the button sends to them. `names` are the
/// prepared batch's display names, in order.
pub fn confirm_memo_text(title: &str, round: Round, names: &[&str]) -> TemplateText {
    let title = shorten(title, TITLE_CHARS);
    let count = names.len();
    let build = |shown: usize| {
        let mut list = names[..shown].join(", ");
        if shown < count {
            if !list.is_empty() {
                list.push(' ');
            }
            list.push_str(&format!("외 {}명", count - shown));
        }
        format!(
            "[똑똑] '{title}' {round}차 알림을 보낼까요? 아직 들어오지 않은 {count}명: {list}. \
             아래 버튼을 누르면 이 {count}명에게 보냅니다."
        )
    };
    let text = (0..=count)
        .rev()
        .map(build)
        .find(|t| t.chars().count() <= MAX)
        .unwrap_or_else(|| build(0));
    fitted(&text)
}

/// A round's result, for the summary memo and the metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundSummary {
    pub round: u16,
    /// Kakao accepted the message.
    pub reminded: usize,
    /// Reminded in an earlier round of this meeting and joined since.
    pub joined_since: usize,
    /// Kakao refused, by code.
    pub failed: BTreeMap<i32, usize>,
    /// Sent, but the answer was lost: may or may not have arrived.
    pub unknown: usize,
    /// Absent, wanted a nudge, and none went ([`SkipReason::is_missed`]), by reason.
    pub missed: BTreeMap<SkipReason, usize>,
}

impl RoundSummary {
    /// The summary of `plan` (after the reservation's refusals were folded in) and what Kakao
    /// said about the recipients.
    pub fn new(
        round: Round,
        plan: &RoundPlan,
        sent: usize,
        failed: &[KakaoErrorCode],
        unknown: usize,
        joined_since: usize,
    ) -> Self {
        let mut failures = BTreeMap::new();
        for code in failed {
            *failures.entry(code.get()).or_insert(0) += 1;
        }
        Self {
            round: round.get(),
            reminded: sent,
            joined_since,
            failed: failures,
            unknown,
            missed: plan
                .skipped()
                .into_iter()
                .filter(|(reason, _)| reason.is_missed())
                .collect(),
        }
    }

    /// How many absent invitees got nothing: missed ones and Kakao's refusals.
    pub fn could_not_reach(&self) -> usize {
        self.missed.values().sum::<usize>() + self.failed.values().sum::<usize>()
    }

    /// Whether anything happened worth telling the admin.
    pub fn is_empty(&self) -> bool {
        self.reminded == 0 && self.unknown == 0 && self.joined_since == 0 && self.could_not_reach() == 0
    }
}

/// Invitees reminded (sent) in an earlier round than `round` who have joined since.
pub fn joined_since(
    deliveries: impl IntoIterator<Item = (FriendUuid, Round, DeliveryState)>,
    joined: &BTreeSet<FriendUuid>,
    round: Round,
) -> usize {
    let reminded: BTreeSet<FriendUuid> = deliveries
        .into_iter()
        .filter(|(_, r, state)| *r < round && *state == DeliveryState::Sent)
        .map(|(friend, _, _)| friend)
        .collect();
    reminded.intersection(joined).count()
}

/// The round summary memo: "reminded N, joined since M, could not reach K and why".
pub fn summary_memo_text(title: &str, summary: &RoundSummary) -> TemplateText {
    let title = shorten(title, TITLE_CHARS);
    let mut why: Vec<String> = summary
        .missed
        .iter()
        .map(|(reason, n)| format!("{} {n}", reason_ko(*reason)))
        .collect();
    why.extend(
        summary
            .failed
            .iter()
            .map(|(code, n)| format!("카카오 거절({code}) {n}")),
    );
    let mut text = format!(
        "[똑똑] '{title}' {}차 알림 결과: {}명에게 보냄, 지난 알림 뒤 {}명 참여, {}명 못 보냄",
        summary.round,
        summary.reminded,
        summary.joined_since,
        summary.could_not_reach()
    );
    if !why.is_empty() {
        text.push_str(&format!(" ({})", why.join(", ")));
    }
    if summary.unknown > 0 {
        text.push_str(&format!(", 전달 확인 안 됨 {}명", summary.unknown));
    }
    text.push('.');
    fitted(&text)
}

fn reason_ko(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Cancelled => "취소됨",
        SkipReason::MeetingOver => "모임 끝남",
        SkipReason::Joined => "참여함",
        SkipReason::AlreadyReminded { .. } => "이미 보냄",
        SkipReason::OptedOut => "알림 거부",
        SkipReason::Unreachable {
            why: Unreachable::NoConsent,
        } => "동의 안 함",
        SkipReason::Unreachable {
            why: Unreachable::RefusesMessages,
        } => "메시지 차단",
        SkipReason::Unreachable {
            why: Unreachable::NotAFriend,
        } => "친구 아님",
        SkipReason::KakaoAppStopped => "카카오가 앱을 멈춤",
        SkipReason::AdminNeedsLogin => "다시 로그인 필요",
        SkipReason::AdminNeedsConsent => "동의 필요",
        SkipReason::QuietHours => "방해 금지 시간",
        SkipReason::Quota { kind: QuotaKind::App } => "앱 일일 한도",
        SkipReason::Quota {
            kind: QuotaKind::Sender,
        } => "내 일일 한도",
        SkipReason::Quota {
            kind: QuotaKind::Recipient,
        } => "받는 사람 일일 한도",
        SkipReason::Quota {
            kind: QuotaKind::Pair,
        } => "같은 사람에게 일일 한도",
    }
}

/// `s` cut to `max` characters, the last being `…`.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The text as Kakao takes it: cut to 200 characters if it is longer (it never is with a
/// shortened title, but a memo must never fail to build).
fn fitted(text: &str) -> TemplateText {
    TemplateText::parse(&shorten(text, MAX))
        .or_else(|_| TemplateText::parse("[똑똑]"))
        .unwrap_or_else(|_| unreachable!("a short constant text parses"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::planner::{Decision, RoundStatus};

    fn uuid(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    #[test]
    fn the_confirm_memo_names_the_absent_and_fits_however_many_there_are() {
        let text = confirm_memo_text("수학 수업", Round::FIRST, &["민지", "준호"]);
        assert_eq!(
            text.as_str(),
            "[똑똑] '수학 수업' 1차 알림을 보낼까요? 아직 들어오지 않은 2명: 민지, 준호. \
             아래 버튼을 누르면 이 2명에게 보냅니다."
        );
        let names: Vec<String> = (0..60).map(|i| format!("이름이긴친구{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let long = confirm_memo_text(&"제목".repeat(100), Round::new(2).unwrap(), &refs);
        assert!(long.as_str().chars().count() <= 200);
        assert!(long.as_str().contains("60명"), "{long}");
        assert!(long.as_str().contains("외 "), "{long}");
        assert!(long.as_str().contains('…'), "the title is shortened: {long}");
    }

    #[test]
    fn the_summary_counts_reminded_joined_since_and_who_could_not_be_reached_and_why() {
        let plan = RoundPlan {
            status: RoundStatus::Due,
            decisions: vec![
                Decision {
                    friend: uuid("a"),
                    skip: None,
                },
                Decision {
                    friend: uuid("b"),
                    skip: Some(SkipReason::Joined),
                },
                Decision {
                    friend: uuid("c"),
                    skip: Some(SkipReason::Unreachable {
                        why: Unreachable::NoConsent,
                    }),
                },
                Decision {
                    friend: uuid("d"),
                    skip: Some(SkipReason::Quota {
                        kind: QuotaKind::Pair,
                    }),
                },
                Decision {
                    friend: uuid("e"),
                    skip: None,
                },
            ],
        };
        let summary = RoundSummary::new(
            Round::new(2).unwrap(),
            &plan,
            1,
            &[KakaoErrorCode::RECEIVER_REFUSES],
            0,
            1,
        );
        assert_eq!(summary.could_not_reach(), 3);
        assert_eq!(
            summary_memo_text("수학 수업", &summary).as_str(),
            "[똑똑] '수학 수업' 2차 알림 결과: 1명에게 보냄, 지난 알림 뒤 1명 참여, 3명 못 보냄 \
             (동의 안 함 1, 같은 사람에게 일일 한도 1, 카카오 거절(-530) 1)."
        );
        assert!(!summary.is_empty());
        assert!(RoundSummary::default().is_empty());
    }

    #[test]
    fn joined_since_counts_only_earlier_reminders_that_worked() {
        let joined: BTreeSet<FriendUuid> = [uuid("a"), uuid("b"), uuid("c")].into();
        let two = Round::new(2).unwrap();
        let deliveries = vec![
            (uuid("a"), Round::FIRST, DeliveryState::Sent),
            (uuid("b"), Round::FIRST, DeliveryState::Unknown),
            (uuid("c"), two, DeliveryState::Sent),
            (uuid("d"), Round::FIRST, DeliveryState::Sent),
        ];
        assert_eq!(joined_since(deliveries, &joined, two), 1);
    }
}

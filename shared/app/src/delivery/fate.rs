//! Kakao's answer for one group of recipients, judged once for every caller: what happened to
//! each recipient, what their delivery records, and what Kakao's refusal means.

use domain::FriendUuid;
use domain::delivery::KakaoErrorCode;
use kakao::{FailureReason, ReceiverOutcome, ReceiverResult};
use store::model::DeliveryOutcome;

use crate::TokenError;

/// What became of one recipient of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Kakao delivered it.
    Sent,
    /// Kakao refused it, with a code to keep; `releases_quota`: Kakao did not count it, so its
    /// slots go back.
    Failed {
        code: KakaoErrorCode,
        releases_quota: bool,
        reason: FailureReason,
    },
    /// Kakao's answer was lost (or a refusal came without a code): it may have arrived, so it
    /// is recorded `unknown` and never sent again. Kakao's reason, when it gave one.
    Unknown(Option<FailureReason>),
    /// Nothing left for this recipient; the reservation goes back (recorded `cancelled`).
    NotSent(NotReached),
}

/// Why nothing left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReached {
    /// The admin's Kakao login is dead (refresh refused): they must log in again.
    AdminNeedsLogin,
    /// The admin has not agreed to these consent items.
    AdminNeedsConsent { missing: Vec<String> },
    /// No working token for another reason (Kakao's token endpoint down, a store failure).
    NoWorkingToken,
    /// Kakao was not reached (no connection, an unusable credential).
    KakaoNotReached,
    /// No message Kakao would take could be made (no link for it).
    NoMessage,
}

impl Fate {
    /// Kakao refused because it has stopped the whole app (`-12`/`-13`).
    pub fn app_stop(&self) -> Option<domain::KakaoAppStop> {
        match self {
            Fate::Failed {
                reason: FailureReason::AppStopped(stop),
                ..
            } => Some(*stop),
            _ => None,
        }
    }

    /// What the delivery records (`None`: nothing was sent; the reservation is given back).
    pub fn outcome(&self) -> Option<DeliveryOutcome> {
        match self {
            Fate::Sent => Some(DeliveryOutcome::Sent),
            Fate::Failed {
                code, releases_quota, ..
            } => Some(DeliveryOutcome::Failed {
                code: *code,
                release_quota: *releases_quota,
            }),
            Fate::Unknown(_) => Some(DeliveryOutcome::Unknown),
            Fate::NotSent(_) => None,
        }
    }
}

/// Each recipient of `group`'s fate, from Kakao's answer to their call (or the token keeper's
/// refusal to make it).
pub fn judge(
    group: &[FriendUuid],
    answer: Result<Vec<ReceiverResult>, TokenError>,
) -> Vec<(FriendUuid, Fate)> {
    let results = match answer {
        Ok(results) => results,
        Err(error) => {
            let why = match error {
                TokenError::NeedsLogin => NotReached::AdminNeedsLogin,
                TokenError::NeedsConsent { missing } => NotReached::AdminNeedsConsent { missing },
                other => {
                    tracing::warn!(error = %other, "nothing sent: no working Kakao token");
                    NotReached::NoWorkingToken
                }
            };
            return group
                .iter()
                .map(|f| (f.clone(), Fate::NotSent(why.clone())))
                .collect();
        }
    };
    group
        .iter()
        .map(|friend| {
            let outcome = results.iter().find(|r| &r.uuid == friend).map(|r| &r.outcome);
            let fate = match outcome {
                Some(ReceiverOutcome::Sent) => Fate::Sent,
                Some(ReceiverOutcome::Failed(FailureReason::NotSent)) => {
                    Fate::NotSent(NotReached::KakaoNotReached)
                }
                Some(ReceiverOutcome::Failed(reason)) => match reason
                    .kakao_code()
                    .and_then(|c| i32::try_from(c).ok())
                    .and_then(|c| KakaoErrorCode::new(c).ok())
                {
                    Some(code) => Fate::Failed {
                        code,
                        releases_quota: !reason.counts_against_quota(),
                        reason: reason.clone(),
                    },
                    // A refusal with no code to keep: recorded as lost rather than invented.
                    None => Fate::Unknown(Some(reason.clone())),
                },
                Some(ReceiverOutcome::Unknown) | None => Fate::Unknown(None),
            };
            (friend.clone(), fate)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    #[test]
    fn every_answer_has_one_fate() {
        let group = [f("a"), f("b"), f("c"), f("d"), f("e")];
        let answer = vec![
            ReceiverResult {
                uuid: f("a"),
                outcome: ReceiverOutcome::Sent,
            },
            ReceiverResult {
                uuid: f("b"),
                outcome: ReceiverOutcome::Failed(FailureReason::RefusesMessages),
            },
            ReceiverResult {
                uuid: f("c"),
                outcome: ReceiverOutcome::Failed(FailureReason::NotSent),
            },
            ReceiverResult {
                uuid: f("d"),
                outcome: ReceiverOutcome::Unknown,
            },
        ];
        let fates = judge(&group, Ok(answer));
        assert_eq!(fates[0].1, Fate::Sent);
        assert!(matches!(fates[1].1, Fate::Failed { code, .. } if code.get() == -530));
        assert_eq!(fates[2].1, Fate::NotSent(NotReached::KakaoNotReached));
        assert_eq!(fates[3].1, Fate::Unknown(None));
        assert_eq!(
            fates[4].1,
            Fate::Unknown(None),
            "a receiver Kakao did not mention"
        );
        assert_eq!(fates[2].1.outcome(), None);
    }

    #[test]
    fn a_dead_login_sends_nothing_to_anyone() {
        let fates = judge(&[f("a"), f("b")], Err(TokenError::NeedsLogin));
        assert!(
            fates
                .iter()
                .all(|(_, fate)| *fate == Fate::NotSent(NotReached::AdminNeedsLogin))
        );
    }
}

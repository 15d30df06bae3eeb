//! Why an invitee gets no reminder in a round, and why one cannot be reached at all.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::facts::{ClientStanding, FriendStanding};
use crate::QuotaKind;
use crate::delivery::{DeliveryStateKind, KakaoErrorCode};

/// Why Kakao would not (or did not) deliver to this invitee, whatever the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreachable {
    /// Has not agreed to receive messages from ttokttok (never linked, or no `talk_message`).
    NoConsent,
    /// Agreed once, and has turned messages off (Kakao `-530` for a client who agreed).
    RefusesMessages,
    /// Not (or no longer) a KakaoTalk friend of the admin as Kakao sees it.
    NotAFriend,
}

impl Unreachable {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoConsent => "no_consent",
            Self::RefusesMessages => "refuses_messages",
            Self::NotAFriend => "not_a_friend",
        }
    }

    /// What Kakao's `-530` says about someone: Kakao answers it both to a person who never
    /// agreed and to one who agreed and turned messages off; only the client record tells them
    /// apart. The sweep and the manual send both read a refusal this way.
    pub fn refused(client: ClientStanding) -> Self {
        if client == ClientStanding::AgreedToMessages {
            Self::RefusesMessages
        } else {
            Self::NoConsent
        }
    }
}

/// Why no reminder of a meeting reaches an invitee, whatever the round: they asked not to be
/// reminded, or Kakao cannot deliver to them. Decided by [`Unreached::of`], which the sweep's
/// planner and the admin's live view both ask; named as `opted_out` or the [`Unreachable`] name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unreached {
    OptedOut,
    Unreachable(Unreachable),
}

impl Unreached {
    /// Asking to stop comes first: it is their choice, whatever Kakao could deliver.
    pub fn of(opted_out: bool, unreachable: Option<Unreachable>) -> Option<Self> {
        if opted_out {
            Some(Self::OptedOut)
        } else {
            unreachable.map(Self::Unreachable)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OptedOut => "opted_out",
            Self::Unreachable(why) => why.as_str(),
        }
    }

    /// The sweep's reason for skipping them in a round.
    pub fn skip_reason(self) -> SkipReason {
        match self {
            Self::OptedOut => SkipReason::OptedOut,
            Self::Unreachable(why) => SkipReason::Unreachable { why },
        }
    }
}

impl Serialize for Unreached {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Why an invitee gets no message in this round. Exactly one reason per invitee: the first that
/// applies, in the order of the variants (facts about the meeting, then about the person, then
/// about sending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum SkipReason {
    /// The meeting was cancelled.
    Cancelled,
    /// The meeting has ended.
    MeetingOver,
    /// They are in the meeting.
    Joined,
    /// A delivery for this round already exists, in this state (sent, failed, in flight,
    /// waiting for the admin, unknown or cancelled): never a second one.
    AlreadyReminded { state: DeliveryStateKind },
    /// They asked not to be reminded (by this meeting's invitee flag or the admin-wide opt-out).
    OptedOut,
    /// Kakao cannot deliver to them.
    Unreachable { why: Unreachable },
    /// Kakao refuses every call of the app (`-12` blocked, `-13` suspended): nothing is sent
    /// for anyone until it serves the app again.
    KakaoAppStopped,
    /// The admin's Kakao login has ended: nothing can be sent for them.
    AdminNeedsLogin,
    /// The admin has not agreed to a consent item sending needs.
    AdminNeedsConsent,
    /// It is quiet hours in the meeting's time zone.
    QuietHours,
    /// This daily counter is full (checked before sending, or refused by the reservation).
    Quota { kind: QuotaKind },
}

impl SkipReason {
    /// A stable name for metrics, logs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::MeetingOver => "meeting_over",
            Self::Joined => "joined",
            Self::AlreadyReminded { .. } => "already_reminded",
            Self::OptedOut => "opted_out",
            Self::Unreachable {
                why: Unreachable::NoConsent,
            } => "unreachable_no_consent",
            Self::Unreachable {
                why: Unreachable::RefusesMessages,
            } => "unreachable_refuses",
            Self::Unreachable {
                why: Unreachable::NotAFriend,
            } => "unreachable_not_a_friend",
            Self::KakaoAppStopped => "kakao_app_stopped",
            Self::AdminNeedsLogin => "admin_needs_login",
            Self::AdminNeedsConsent => "admin_needs_consent",
            Self::QuietHours => "quiet_hours",
            Self::Quota { kind: QuotaKind::App } => "quota_app",
            Self::Quota {
                kind: QuotaKind::Sender,
            } => "quota_sender",
            Self::Quota {
                kind: QuotaKind::Recipient,
            } => "quota_recipient",
            Self::Quota {
                kind: QuotaKind::Pair,
            } => "quota_pair",
        }
    }

    /// Whether this counts as "could not reach" in the round summary: the invitee is absent and
    /// wanted a nudge, and none went (joined, already reminded or a meeting that is over or
    /// cancelled are not failures to reach anyone).
    pub fn is_missed(self) -> bool {
        matches!(
            self,
            Self::OptedOut
                | Self::Unreachable { .. }
                | Self::KakaoAppStopped
                | Self::AdminNeedsLogin
                | Self::AdminNeedsConsent
                | Self::QuietHours
                | Self::Quota { .. }
        )
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an invitee can be reached, from what ttokttok knows: the admin's friend list, the
/// client record (joined through an invite link, or disconnected), and what Kakao answered to
/// earlier reminders of this meeting.
///
/// - not in the friend list, or marked gone by the last sync: not a friend;
/// - disconnected ttokttok in KakaoTalk: no consent (Kakao delivers to no one unlinked);
/// - an earlier `-502` in this meeting: not a friend (Kakao's friend cache may lag; the docs'
///   remedy is to wait, which outlasts a meeting);
/// - an earlier `-530`: see [`Unreachable::refused`].
///
/// Other failures (quota, transient) say nothing about the person and do not make them
/// unreachable.
pub fn reach_from_history(
    standing: FriendStanding,
    client: ClientStanding,
    past_failures: impl IntoIterator<Item = KakaoErrorCode>,
) -> Option<Unreachable> {
    if standing != FriendStanding::Listed {
        return Some(Unreachable::NotAFriend);
    }
    if client == ClientStanding::Unlinked {
        return Some(Unreachable::NoConsent);
    }
    let mut found = None;
    for code in past_failures {
        match code {
            KakaoErrorCode::NOT_FRIEND => return Some(Unreachable::NotAFriend),
            KakaoErrorCode::RECEIVER_REFUSES => found = Some(Unreachable::refused(client)),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: i32) -> KakaoErrorCode {
        KakaoErrorCode::new(c).unwrap()
    }

    #[test]
    fn a_friend_who_is_gone_or_never_listed_is_not_a_friend() {
        assert_eq!(
            reach_from_history(FriendStanding::Gone, ClientStanding::AgreedToMessages, []),
            Some(Unreachable::NotAFriend)
        );
        assert_eq!(
            reach_from_history(FriendStanding::NotListed, ClientStanding::Unknown, []),
            Some(Unreachable::NotAFriend)
        );
        assert_eq!(
            reach_from_history(FriendStanding::Listed, ClientStanding::Unknown, []),
            None
        );
        assert_eq!(
            reach_from_history(FriendStanding::Listed, ClientStanding::Unlinked, []),
            Some(Unreachable::NoConsent),
            "a client who disconnected ttokttok is reached by no admin"
        );
    }

    #[test]
    fn kakaos_earlier_answers_say_who_cannot_be_reached() {
        let listed = FriendStanding::Listed;
        assert_eq!(
            reach_from_history(listed, ClientStanding::Unknown, [code(-530)]),
            Some(Unreachable::NoConsent)
        );
        assert_eq!(
            reach_from_history(listed, ClientStanding::AgreedToMessages, [code(-530)]),
            Some(Unreachable::RefusesMessages)
        );
        assert_eq!(
            reach_from_history(listed, ClientStanding::AgreedToMessages, [code(-530), code(-502)]),
            Some(Unreachable::NotAFriend)
        );
        assert_eq!(
            reach_from_history(
                listed,
                ClientStanding::Unknown,
                [code(-536), code(-1), code(-603)]
            ),
            None,
            "quota and transient failures say nothing about the person"
        );
    }

    #[test]
    fn asking_to_stop_comes_before_what_kakao_could_deliver() {
        assert_eq!(
            Unreached::of(true, Some(Unreachable::NotAFriend)),
            Some(Unreached::OptedOut)
        );
        assert_eq!(
            Unreached::of(false, Some(Unreachable::NotAFriend)),
            Some(Unreached::Unreachable(Unreachable::NotAFriend))
        );
        assert_eq!(Unreached::of(false, None), None);
        assert_eq!(Unreached::OptedOut.skip_reason(), SkipReason::OptedOut);
        let names: Vec<String> = [
            Unreached::OptedOut,
            Unreached::Unreachable(Unreachable::NotAFriend),
        ]
        .iter()
        .map(|u| serde_json::to_string(u).unwrap())
        .collect();
        assert_eq!(names, [r#""opted_out""#, r#""not_a_friend""#]);
    }

    #[test]
    fn reasons_have_stable_names_and_only_some_are_misses() {
        assert_eq!(
            SkipReason::Quota {
                kind: QuotaKind::Pair
            }
            .as_str(),
            "quota_pair"
        );
        assert_eq!(
            SkipReason::AlreadyReminded {
                state: DeliveryStateKind::Sent
            }
            .to_string(),
            "already_reminded"
        );
        assert!(SkipReason::QuietHours.is_missed());
        assert!(!SkipReason::Joined.is_missed());
        assert!(
            !SkipReason::AlreadyReminded {
                state: DeliveryStateKind::Sent
            }
            .is_missed()
        );
        let json = serde_json::to_string(&SkipReason::Unreachable {
            why: Unreachable::NoConsent,
        })
        .unwrap();
        assert_eq!(json, r#"{"reason":"unreachable","why":"no_consent"}"#);
    }
}

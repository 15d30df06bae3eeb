//! Reminder deliveries: rounds, Kakao error codes as stored, and the delivery state machine.
//!
//! A delivery is one message to one recipient for one round of one meeting. It only ever moves
//! forward, so two sweeps racing on the same reminder get exactly one winner:
//!
//! ```text
//! reserved ──> sending ──> sent
//!    │            ├──────> failed(code)
//!    │            ├──────> unknown      (outcome lost: timeout after the request left, crash)
//!    └────────────┴──────> cancelled    (known never sent; quota given back)
//! ```
//!
//! At most once beats twice: nothing moves back to `reserved` or `sending`, and `unknown` is
//! final (it shows on the dashboard instead of being retried blindly).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A delivery value that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDeliveryValue {
    #[error("a reminder round is a whole number from 1 to {max}, got {0:?}", max = Round::MAX)]
    Round(String),
    #[error("a Kakao error code is a negative whole number, got {0:?}")]
    KakaoErrorCode(String),
    #[error("unknown delivery state {0:?}")]
    DeliveryState(String),
}

/// A reminder round of a meeting: 1 for the first nudge after the start, 2 for the next, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Round(u16);

impl Round {
    pub const FIRST: Round = Round(1);
    /// No meeting needs more nudges than this; it keeps keys short and bad input out.
    pub const MAX: u16 = 99;

    pub fn new(n: u16) -> Result<Self, InvalidDeliveryValue> {
        if (1..=Self::MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err(InvalidDeliveryValue::Round(n.to_string()))
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidDeliveryValue> {
        let n = s
            .trim()
            .parse::<u16>()
            .map_err(|_| InvalidDeliveryValue::Round(s.to_owned()))?;
        Self::new(n).map_err(|_| InvalidDeliveryValue::Round(s.to_owned()))
    }

    pub fn get(self) -> u16 {
        self.0
    }

    /// The round after this one, or `None` past [`Round::MAX`].
    pub fn next(self) -> Option<Round> {
        Round::new(self.0 + 1).ok()
    }
}

impl TryFrom<u16> for Round {
    type Error = InvalidDeliveryValue;
    fn try_from(n: u16) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<Round> for u16 {
    fn from(r: Round) -> u16 {
        r.0
    }
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A kapi error code as Kakao returns it (`{"code": -532, ...}`): always negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct KakaoErrorCode(i32);

impl KakaoErrorCode {
    /// App daily quota exceeded (the app-wide 30,000).
    pub const APP_QUOTA: KakaoErrorCode = KakaoErrorCode(-10);
    /// Receiver is not the sender's friend (Kakao's friend cache may lag).
    pub const NOT_FRIEND: KakaoErrorCode = KakaoErrorCode(-502);
    /// Receiver refuses messages.
    pub const RECEIVER_REFUSES: KakaoErrorCode = KakaoErrorCode(-530);
    /// Sender's monthly quota exceeded.
    pub const SENDER_MONTHLY_QUOTA: KakaoErrorCode = KakaoErrorCode(-531);
    /// Sender's daily quota exceeded.
    pub const SENDER_DAILY_QUOTA: KakaoErrorCode = KakaoErrorCode(-532);
    /// Receiver's daily quota exceeded.
    pub const RECIPIENT_DAILY_QUOTA: KakaoErrorCode = KakaoErrorCode(-533);
    /// Sender/receiver pair daily quota exceeded.
    pub const PAIR_DAILY_QUOTA: KakaoErrorCode = KakaoErrorCode(-536);

    pub fn new(code: i32) -> Result<Self, InvalidDeliveryValue> {
        if code < 0 {
            Ok(Self(code))
        } else {
            Err(InvalidDeliveryValue::KakaoErrorCode(code.to_string()))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl TryFrom<i32> for KakaoErrorCode {
    type Error = InvalidDeliveryValue;
    fn try_from(code: i32) -> Result<Self, Self::Error> {
        Self::new(code)
    }
}

impl From<KakaoErrorCode> for i32 {
    fn from(c: KakaoErrorCode) -> i32 {
        c.0
    }
}

impl fmt::Display for KakaoErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DeliveryState {
    /// Quota reserved, waiting for the admin to confirm the batch ("confirm first" mode).
    Reserved,
    /// Quota reserved and the send is under way (or about to be).
    Sending,
    /// Kakao accepted the message for this recipient.
    Sent,
    /// Kakao refused the message for this recipient with this code.
    Failed { code: KakaoErrorCode },
    /// The outcome was lost (timeout after the request left, or a crash mid-send). Final.
    Unknown,
    /// Known never sent (a confirm-first batch not confirmed, or a send abandoned before the
    /// request left); its quota was given back. Final, and never resent.
    Cancelled,
}

/// A [`DeliveryState`] without its payload: what conditions and indexes compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStateKind {
    Reserved,
    Sending,
    Sent,
    Failed,
    Unknown,
    Cancelled,
}

impl DeliveryStateKind {
    pub const ALL: [DeliveryStateKind; 6] = [
        DeliveryStateKind::Reserved,
        DeliveryStateKind::Sending,
        DeliveryStateKind::Sent,
        DeliveryStateKind::Failed,
        DeliveryStateKind::Unknown,
        DeliveryStateKind::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reserved => "reserved",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidDeliveryValue> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| InvalidDeliveryValue::DeliveryState(s.to_owned()))
    }

    /// Whether a delivery may move from `self` to `next`. Only forward, never to itself.
    pub fn may_move_to(self, next: DeliveryStateKind) -> bool {
        use DeliveryStateKind::*;
        matches!(
            (self, next),
            (Reserved, Sending) | (Reserved, Cancelled) | (Sending, Sent | Failed | Unknown | Cancelled)
        )
    }

    /// No move leaves a final state.
    pub fn is_final(self) -> bool {
        Self::ALL.into_iter().all(|next| !self.may_move_to(next))
    }

    /// States that hold quota slots (unless they were given back).
    pub fn holds_quota(self) -> bool {
        matches!(
            self,
            Self::Reserved | Self::Sending | Self::Sent | Self::Failed | Self::Unknown
        )
    }
}

impl fmt::Display for DeliveryStateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl DeliveryState {
    pub fn kind(self) -> DeliveryStateKind {
        match self {
            Self::Reserved => DeliveryStateKind::Reserved,
            Self::Sending => DeliveryStateKind::Sending,
            Self::Sent => DeliveryStateKind::Sent,
            Self::Failed { .. } => DeliveryStateKind::Failed,
            Self::Unknown => DeliveryStateKind::Unknown,
            Self::Cancelled => DeliveryStateKind::Cancelled,
        }
    }

    /// The Kakao code of a failed delivery.
    pub fn failure_code(self) -> Option<KakaoErrorCode> {
        match self {
            Self::Failed { code } => Some(code),
            _ => None,
        }
    }

    pub fn may_move_to(self, next: DeliveryState) -> bool {
        self.kind().may_move_to(next.kind())
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed { code } => write!(f, "failed({code})"),
            other => f.write_str(other.kind().as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryStateKind::*;

    #[test]
    fn rounds_run_from_1_to_99() {
        assert_eq!(Round::parse("1").unwrap(), Round::FIRST);
        assert_eq!(Round::FIRST.next(), Some(Round::new(2).unwrap()));
        assert_eq!(Round::new(99).unwrap().next(), None);
        for bad in ["0", "100", "-1", "x", ""] {
            assert!(Round::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(serde_json::from_str::<Round>("0").is_err());
    }

    #[test]
    fn kakao_error_codes_are_negative() {
        assert_eq!(
            KakaoErrorCode::new(-532).unwrap(),
            KakaoErrorCode::SENDER_DAILY_QUOTA
        );
        assert!(KakaoErrorCode::new(0).is_err());
        assert!(KakaoErrorCode::new(532).is_err());
        assert!(serde_json::from_str::<KakaoErrorCode>("5").is_err());
    }

    #[test]
    fn deliveries_only_move_forward() {
        let allowed = [
            (Reserved, Sending),
            (Reserved, Cancelled),
            (Sending, Sent),
            (Sending, Failed),
            (Sending, Unknown),
            (Sending, Cancelled),
        ];
        for from in DeliveryStateKind::ALL {
            for to in DeliveryStateKind::ALL {
                assert_eq!(
                    from.may_move_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn sent_failed_unknown_and_cancelled_are_final() {
        let finals: Vec<_> = DeliveryStateKind::ALL
            .into_iter()
            .filter(|k| k.is_final())
            .collect();
        assert_eq!(finals, vec![Sent, Failed, Unknown, Cancelled]);
        assert!(!Cancelled.holds_quota());
    }

    #[test]
    fn states_round_trip_through_their_names_and_json() {
        for kind in DeliveryStateKind::ALL {
            assert_eq!(DeliveryStateKind::parse(kind.as_str()).unwrap(), kind);
        }
        assert!(DeliveryStateKind::parse("delivered").is_err());
        let failed = DeliveryState::Failed {
            code: KakaoErrorCode::RECEIVER_REFUSES,
        };
        let json = serde_json::to_string(&failed).unwrap();
        assert_eq!(json, r#"{"state":"failed","code":-530}"#);
        assert_eq!(serde_json::from_str::<DeliveryState>(&json).unwrap(), failed);
        assert_eq!(failed.to_string(), "failed(-530)");
    }
}

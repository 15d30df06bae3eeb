//! ttokttok's functional core.
//!
//! Everything here is a value or a pure decision: no network, no storage, no reading of the
//! wall clock except through the [`Clock`] trait that callers inject. The imperative shell
//! (`store`, `kakao`, the functions) hands values in and acts on what comes out.
//!
//! - [`ids`]: Kakao user ids, friend UUIDs and meeting ids, parsed once at the edge.
//! - [`template`]: message text that fits Kakao's text template (200 characters).
//! - [`quota`]: Kakao days (00:00 Asia/Seoul) and the four daily message limits.
//! - [`clock`]: injected time, so token expiry, quota days and reminder rounds are testable.
//! - [`flood`]: how often one tenant may sync, send by hand, write meetings or log in.
//! - [`kakao_app`]: Kakao stopping the whole app (`-12` blocked, `-13` suspended) and when to ask again.
//! - [`friends`]: an admin's Kakao friends and what a sync changed.
//! - [`class`]: classes (named groups of friends) and invitations naming classes and friends.
//! - [`series`]: meetings that repeat by a rule, their exceptions, and quota foresight.
//! - [`meeting`]: meetings as the admin sets them up, and the rules that make one valid.
//! - [`delivery`]: rounds, Kakao error codes as stored, and the delivery state machine.
//! - [`quota_fit`]: which recipients of a batch fit in the quota left.
//! - [`sweep`]: the reminder sweep's decisions: who gets a nudge in a round, and why not the rest.

pub mod class;
pub mod clock;
pub mod delivery;
pub mod flood;
pub mod friends;
pub mod ids;
pub mod kakao_app;
pub mod meeting;
pub mod quota;
pub mod quota_fit;
pub mod series;
pub mod sweep;
pub mod template;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ids::{ClassId, FriendUuid, KakaoUserId, MeetingId, SeriesId};
pub use kakao_app::{AppStopState, KakaoAppStop};
pub use quota::{KstDay, MAX_RECEIVERS_PER_SEND, QuotaKind, QuotaLimits};
pub use template::TemplateText;

/// A value that failed to parse at the edge. Each variant names the value and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidValue {
    #[error("a Kakao user id must be a positive whole number, got {0:?}")]
    KakaoUserId(String),
    #[error("a Kakao friend UUID must be 1 to 64 characters of letters, digits, '-' or '_', got {0:?}")]
    FriendUuid(String),
    #[error("a meeting id must be a UUID, got {0:?}")]
    MeetingId(String),
    #[error("a class id must be a UUID, got {0:?}")]
    ClassId(String),
    #[error("a series id must be a UUID, got {0:?}")]
    SeriesId(String),
    #[error("message text must not be empty")]
    EmptyTemplateText,
    #[error("message text is {chars} characters; KakaoTalk allows at most {max}")]
    TemplateTextTooLong { chars: usize, max: usize },
    #[error("a Kakao day is written YYYY-MM-DD, got {0:?}")]
    KstDay(String),
}

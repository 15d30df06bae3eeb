//! The records the store reads and writes, one file per concern.
//!
//! Every type here is a parsed value: constructors refuse bad input, so a backend that holds
//! one can write it without checking again. Backends map these to rows or items themselves.
//!
//! `admin`, `tokens`, `oauth`, `friend`, `client`, `meeting`, `attendance`, `participant`
//! (unmatched Zoom participants), `link`, `opt_out`, `preferences`, `plans` (classes and series), `quota` (reservations and
//! Kakao's answers), `delivery` (records that only move forward), and `common` (versions, page
//! cursors, the item size limit): one file per concern, as in [`crate::api`].

pub mod admin;
pub mod attendance;
pub mod client;
pub mod common;
pub mod delivery;
pub mod friend;
pub mod link;
pub mod meeting;
pub mod oauth;
pub mod opt_out;
pub mod participant;
pub mod plans;
pub mod preferences;
pub mod quota;
pub mod tokens;

pub use admin::{AdminLogin, AdminProfile, AdminStatus, PendingDeletion, ScopeId};
pub use attendance::{Attendance, JoinRecorded, JoinSource};
pub use client::{ClientRecord, ClientStatus};
pub use common::{MAX_ITEM_BYTES, Page, PageCursor, Version, check_item_size, check_storable_time};
pub use delivery::{DEFAULT_STALE_SENDING_AGE, DeliveryKey, DeliveryRecord};
pub use friend::{FriendRecord, FriendSyncCounts, SyncOutcome, SyncReport};
pub use link::{LINK_TOKEN_LIFETIME_AFTER_END, LinkButton, LinkTarget, LinkToken, PresentedLink};
pub use meeting::{
    DueEntries, DueMeeting, Email, Invitee, JoinUrl, MatchKeys, Meeting, MeetingDraft, MeetingSettings,
    MeetingStatus, NextRound, ZoomAccountId, ZoomMeetingId,
};
pub use oauth::{OAUTH_STATE_TTL, OAuthPurpose, OAuthState, ReturnPath, StateNonce};
pub use opt_out::{OptOut, OptOutRecorded, OptOutSource};
pub use participant::UnmatchedParticipant;
pub use plans::{
    ClassDraft, ClassPlan, ClassRecord, PlanDocument, SeriesDraft, SeriesPlan, SeriesRecord, Versioned,
};
pub use preferences::AdminPreferences;
pub use quota::{
    BatchRecipients, DeliveryOutcome, InitialState, LinkRequest, QuotaSubject, Refusal, Reservation,
    ReservationRequest,
};
pub use tokens::{KakaoTokens, RefreshedTokens, StoredTokens};

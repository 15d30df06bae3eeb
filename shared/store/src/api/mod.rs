//! The store's contract: async traits, one per concern, that every backend implements and
//! handlers hold as `Arc<dyn ...>`. [`Store`] bundles them all.
//!
//! Rules every backend keeps (the conformance suite in `tests/` checks each one):
//! - every invariant is enforced by the backend atomically (a condition, a transaction),
//!   never by the caller reading and then writing;
//! - everything an admin owns is keyed by that admin: asking with another admin's id is
//!   `NotFound`, never someone else's data;
//! - time is an argument (`now`), never read from the wall clock;
//! - bad input is a typed error and leaves nothing written.
//!
//! One file per concern, each a trait of the same name (its model is in [`crate::model`]):
//! - `admins`: profiles, the paged listing the daily sync walks, unlinking and pending deletions;
//! - `tokens`: an admin's Kakao tokens, sealed at rest, versioned for race-free refresh;
//! - `oauth`: login `state`, created once and consumed once;
//! - `friends`: an admin's friends as the daily sync left them;
//! - `clients`: who joined through an invite link, and who disconnected;
//! - `meetings`: meetings, invitees, the due meetings, the Zoom id lookup;
//! - `meeting_state`: what the sweep reads and writes around one round, together;
//! - `quota`: reserving a batch's daily slots (with its delivery records) and recording answers;
//! - `deliveries`: reading delivery records, confirming reserved batches, giving up lost sends;
//! - `attendance`: who joined; `links`: tracked join/stop links; `opt_outs`: who said stop;
//! - `plans`: classes and series, documents the admin edits whole under a version;
//! - `preferences`: an admin's choices; `flood`: flood-control counters;
//! - `kakao_app`: whether Kakao has stopped the whole app;
//! - `store`: [`Store`], all of them in one object.

mod admins;
mod attendance;
mod clients;
mod deliveries;
mod flood;
mod friends;
mod kakao_app;
mod links;
mod meeting_state;
mod meetings;
mod oauth;
mod opt_outs;
mod plans;
mod preferences;
mod quota;
mod store;
mod tokens;

pub use admins::AdminStore;
pub use attendance::AttendanceStore;
pub use clients::ClientStore;
pub use deliveries::DeliveryStore;
pub use flood::{FloodStore, FloodSubject};
pub use friends::FriendStore;
pub use kakao_app::KakaoAppStore;
pub use links::LinkStore;
pub use meeting_state::{AdminSweepRead, MeetingState, MeetingStateStore, RoundFinished};
pub use meetings::MeetingStore;
pub use oauth::OAuthStateStore;
pub use opt_outs::OptOutStore;
pub use plans::{ClassStore, SeriesStore};
pub(crate) use plans::{delegate_plan_store, delegate_plan_stores};
pub use preferences::PreferenceStore;
pub use quota::QuotaStore;
pub use store::Store;
pub use tokens::{TokenStore, store_refreshed_tokens};

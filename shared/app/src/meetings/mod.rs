//! Writing meetings, whoever writes them: the admin's forms and the series' rolling window.
//!
//! - [`records`]: between the domain's checked meeting and the store's records.
//! - [`invitees`]: the stored invitees brought in line with the chosen ones.

pub mod invitees;
pub mod records;

pub use invitees::{OptOuts, sync_invitees};
pub use records::{cancelled_draft, draft_of, edited_draft, new_draft};

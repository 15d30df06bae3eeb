//! The manual send: one reminder to one friend, by hand, from the send page or the API.
//!
//! - [`page`]: `GET`/`POST /send`; [`view`]: the page and its refusal dialog.
//! - [`api`]: `POST /api/reminders`.
//! - [`compose`]: the reminder as the admin writes it, parsed.
//! - [`reminders`]: sending it (quota, delivery record, Kakao, outcome).
//! - [`problem`]: why it could not go, in words the admin can act on.

pub mod api;
pub mod compose;
pub mod page;
pub mod problem;
pub mod reminders;
pub mod view;

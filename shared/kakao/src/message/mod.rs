//! KakaoTalk messages: who to send to, what to send, and what came of it (`docs/kakao.md#messages`,
//! `docs/kakao.md#templates`).
//!
//! - [`receivers`]: who a send goes to (1 to 5 distinct friend UUIDs);
//! - [`template`]: what it says, built so that what Kakao would refuse cannot be built;
//! - [`send`]: the send and the memo, with what came of it for each receiver.

pub mod receivers;
pub mod send;
pub mod template;

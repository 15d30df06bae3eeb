//! KakaoTalk messages: who to send to, what to send, and what came of it (REFERENCE §3).

pub mod receivers;
pub mod send;
pub mod template;

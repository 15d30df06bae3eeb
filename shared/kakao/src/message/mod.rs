//! KakaoTalk messages: who to send to, what to send, and what came of it (`docs/kakao.md#messages`,
//! `docs/kakao.md#templates`).

pub mod receivers;
pub mod send;
pub mod template;

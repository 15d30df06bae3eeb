//! KakaoTalk messages: who to send to, what to send, and what came of it (Kakao's developer docs).

pub mod receivers;
pub mod send;
pub mod template;

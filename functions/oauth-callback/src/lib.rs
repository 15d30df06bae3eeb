//! Kakao login, consent, client onboarding and the unlink webhook (HTTP API).

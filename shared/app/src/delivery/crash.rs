//! Crash points tests inject between the steps whose order makes a reminder at most once.

use std::sync::{Arc, Mutex, PoisonError};

/// Where a crash can be injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrashPoint {
    /// The batch's quota is reserved and its deliveries are `sending`; Kakao was not called.
    AfterReserve,
    /// Kakao answered (the messages went out); nothing of its answer is recorded yet.
    AfterKakao,
    /// The round's sends are done and every batch's answers but the last are recorded; the
    /// round's last write (the last batch's answers with the advance, one transaction on
    /// DynamoDB, or the advance alone) has not happened.
    BeforeAdvance,
}

/// A crash armed by a test: the next time a delivery (or a sweep) reaches that point it stops
/// there, doing nothing more (no recording, no clean-up), like a process that died. Inert
/// unless armed.
#[derive(Debug, Clone, Default)]
pub struct CrashHook(Arc<Mutex<Option<CrashPoint>>>);

/// The stop an armed [`CrashHook`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("stopped at {0:?} (an injected crash)")]
pub struct Crashed(pub CrashPoint);

impl CrashHook {
    pub fn arm(&self, point: CrashPoint) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(point);
    }

    /// `Err(Crashed)` once, if armed for `point`.
    pub fn check(&self, point: CrashPoint) -> Result<(), Crashed> {
        let mut armed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if *armed == Some(point) {
            *armed = None;
            tracing::warn!(?point, "injected crash");
            return Err(Crashed(point));
        }
        Ok(())
    }
}

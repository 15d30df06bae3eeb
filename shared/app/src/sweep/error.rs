//! [`SweepError`], the sweep's one error type, and the crash points tests inject.

use std::sync::{Arc, Mutex, PoisonError};

use store::StoreError;

/// Where a crash can be injected: between the steps whose order makes a reminder at most once.
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

/// Why a sweep (or one meeting's visit, or an approved send) stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("the store failed while {step}")]
    Store {
        step: &'static str,
        #[source]
        source: StoreError,
    },
    /// No shard of the due index could be read: nothing was done, try again.
    #[error("the due index could not be read")]
    DueIndexUnreadable(#[source] StoreError),
    /// The admin has no such meeting (or it is another admin's).
    #[error("no such meeting")]
    MeetingNotFound,
    /// A test stopped the sweep here, as a crash of the process would.
    #[error("the sweep was stopped at {0:?} (an injected crash)")]
    Crashed(CrashPoint),
}

impl SweepError {
    pub fn is_crash(&self) -> bool {
        matches!(self, Self::Crashed(_))
    }
}

/// `map_err` helper naming the step.
pub(crate) fn store(step: &'static str) -> impl FnOnce(StoreError) -> SweepError {
    move |source| SweepError::Store { step, source }
}

/// A crash armed by a test: the next time the sweep reaches that point it stops there, doing
/// nothing more (no recording, no clean-up), like a process that died. Inert unless armed.
#[derive(Debug, Clone, Default)]
pub(crate) struct CrashHook(Arc<Mutex<Option<CrashPoint>>>);

impl CrashHook {
    pub fn arm(&self, point: CrashPoint) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(point);
    }

    /// `Err(Crashed)` once, if armed for `point`.
    pub fn check(&self, point: CrashPoint) -> Result<(), SweepError> {
        let mut armed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if *armed == Some(point) {
            *armed = None;
            tracing::warn!(?point, "injected crash");
            return Err(SweepError::Crashed(point));
        }
        Ok(())
    }
}

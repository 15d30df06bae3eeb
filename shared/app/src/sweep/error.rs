//! [`SweepError`], the sweep's one error type.

use store::StoreError;

pub use crate::delivery::CrashPoint;
use crate::delivery::DeliverError;

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

impl From<DeliverError> for SweepError {
    fn from(error: DeliverError) -> Self {
        match error {
            DeliverError::Store { step, source } => SweepError::Store { step, source },
            DeliverError::Crashed(crashed) => SweepError::Crashed(crashed.0),
        }
    }
}

impl From<crate::delivery::Crashed> for SweepError {
    fn from(crashed: crate::delivery::Crashed) -> Self {
        SweepError::Crashed(crashed.0)
    }
}

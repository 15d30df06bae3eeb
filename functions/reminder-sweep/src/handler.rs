//! The function's handler: parse the Scheduler's input, sweep once within the invocation's
//! time, write the counts as CloudWatch metrics (EMF), answer with the counts.
//!
//! Failure policy: one meeting's failure is counted and left due for the next minute, never an
//! error. Only an unreadable due index fails the invocation (the Scheduler's retry, or the next
//! minute, sweeps again). Retries and double invocations are safe: a reminder is sent at most
//! once however many sweeps run (see `app::sweep`).

use std::time::{Duration, SystemTime};

use app::sweep::{SweepError, SweepReport, Sweeper};
use lambda_runtime::{Diagnostic, LambdaEvent};
use serde::Serialize;
use serde_json::Value;

use crate::payload::{PayloadError, SweepInvocation};

/// Time kept back from the Lambda deadline for the meetings already started and the metrics.
pub const DEADLINE_RESERVE: Duration = Duration::from_secs(15);

/// What a sweep did (the function's JSON result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub due: usize,
    pub visited: usize,
    pub deferred: usize,
    pub errors: usize,
    pub sent: usize,
    pub failed: usize,
    pub skipped: usize,
    pub unknown: usize,
    pub prepared: usize,
    pub kakao_sends: usize,
}

impl From<&SweepReport> for Outcome {
    fn from(r: &SweepReport) -> Self {
        Self {
            due: r.due,
            visited: r.visited,
            deferred: r.deferred,
            errors: r.errors,
            sent: r.sent,
            failed: r.failed_total(),
            skipped: r.skipped_total(),
            unknown: r.unknown,
            prepared: r.prepared,
            kakao_sends: r.kakao_sends,
        }
    }
}

/// Why an invocation failed.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("the invocation payload was not understood")]
    Payload(#[from] PayloadError),
    #[error("the sweep failed")]
    Sweep(#[from] SweepError),
}

impl From<HandlerError> for Diagnostic {
    fn from(error: HandlerError) -> Diagnostic {
        let kind = match &error {
            HandlerError::Payload(_) => "Payload",
            HandlerError::Sweep(_) => "SweepFailed",
        };
        // The whole cause chain: these errors carry no tokens or message bodies.
        let mut message = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            cause = inner.source();
        }
        Diagnostic {
            error_type: kind.to_owned(),
            error_message: message,
        }
    }
}

/// The reminder-sweep function. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ReminderSweepFunction {
    sweeper: Sweeper,
    /// Write EMF lines to stdout (in Lambda; tests leave it off).
    emit_metrics: bool,
}

impl ReminderSweepFunction {
    pub fn new(sweeper: Sweeper, emit_metrics: bool) -> Self {
        Self {
            sweeper,
            emit_metrics,
        }
    }

    /// The handler as a `lambda_runtime` service.
    pub fn service(
        self,
    ) -> impl lambda_runtime::Service<LambdaEvent<Value>, Response = Outcome, Error = HandlerError> {
        lambda_runtime::service_fn(move |event: LambdaEvent<Value>| {
            let function = self.clone();
            async move {
                let remaining = event
                    .context
                    .deadline()
                    .duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO);
                function.handle(event.payload, remaining).await
            }
        })
    }

    /// One invocation with `remaining` time before the deadline.
    pub async fn handle(&self, payload: Value, remaining: Duration) -> Result<Outcome, HandlerError> {
        let invocation = SweepInvocation::parse(payload).inspect_err(|error| {
            tracing::error!(%error, "unrecognised invocation");
        })?;
        let schedule = invocation.reminder_sweep;
        tracing::info!(
            scheduled_time = %schedule.scheduled_time,
            execution_id = %schedule.execution_id,
            attempt = schedule.attempt,
            "reminder sweep starting"
        );
        let budget = self
            .sweeper
            .settings()
            .budget
            .min(remaining.saturating_sub(DEADLINE_RESERVE));
        let report = self.sweeper.with_budget(budget).run_once().await?;
        if self.emit_metrics {
            for line in report.emf_lines(self.sweeper.services().clock.now()) {
                println!("{line}");
            }
        }
        Ok(Outcome::from(&report))
    }
}

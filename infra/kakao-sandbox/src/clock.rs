//! The sandbox clock: real time (or a fixed start) plus whatever tests advanced it by. Token and
//! code expiry and Kakao days all read this clock, so a test moves it instead of sleeping.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use crate::world::ClockSpec;

#[derive(Debug, Clone)]
pub(crate) struct SandboxClock {
    /// The sandbox time at `started`.
    start: DateTime<Utc>,
    /// When the sandbox started, for a running clock.
    started: Instant,
    /// Time added through the control API.
    advanced: Duration,
    /// A frozen clock moves only when advanced.
    frozen: bool,
}

impl SandboxClock {
    pub(crate) fn new(spec: ClockSpec) -> Self {
        Self {
            start: spec.start.unwrap_or_else(Utc::now),
            started: Instant::now(),
            advanced: Duration::zero(),
            frozen: spec.frozen,
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        let ran = if self.frozen {
            Duration::zero()
        } else {
            Duration::from_std(self.started.elapsed()).unwrap_or_else(|_| Duration::zero())
        };
        self.start + ran + self.advanced
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.advanced += by;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_moves_only_when_advanced() {
        let start = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .map(|t| t.to_utc())
            .ok();
        let mut clock = SandboxClock::new(ClockSpec { start, frozen: true });
        assert_eq!(Some(clock.now()), start);
        clock.advance(Duration::hours(6));
        assert_eq!(clock.now().to_rfc3339(), "2026-03-01T06:00:00+00:00");
    }
}

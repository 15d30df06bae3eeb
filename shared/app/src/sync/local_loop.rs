//! The daily run in the one-process local run: a loop that waits for the daily time in Korea
//! (by the injected clock) and then syncs every active admin.
//!
//! The wait is a series of short sleeps, each followed by a look at the clock, so a test that
//! moves a `ManualClock` past the daily time (with tokio's clock paused) sees the run start.

use std::time::Duration;

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Seoul;
use domain::Clock;

use crate::services::Services;

/// Longest single sleep of the loop before it looks at the clock again.
pub const TICK: Duration = Duration::from_secs(30);

/// The first time strictly after `now` at which the clock in Korea reads `at`.
pub fn next_daily_run(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = now.with_timezone(&Seoul).date_naive();
    // Korea has no daylight saving time, so every local time exists exactly once.
    let on = |day: chrono::NaiveDate| Seoul.from_local_datetime(&day.and_time(at)).single();
    match on(today) {
        Some(run) if run.with_timezone(&Utc) > now => run.with_timezone(&Utc),
        _ => today
            .checked_add_days(Days::new(1))
            .and_then(on)
            .map(|run| run.with_timezone(&Utc))
            .unwrap_or(now + chrono::Duration::days(1)),
    }
}

/// Runs the daily friend sync every day at `services.settings.sync.daily_at_kst`, forever.
/// Spawn it, and abort the task to stop it.
pub async fn run_daily_loop(services: Services) {
    let at = services.settings.sync.daily_at_kst;
    let daily = services.daily_run();
    loop {
        let next = next_daily_run(services.clock.now(), at);
        tracing::info!(next = %next, "local daily friend sync scheduled");
        wait_until(services.clock.as_ref(), next, TICK).await;
        match daily.run_to_end().await {
            Ok(tally) => tracing::info!(
                succeeded = tally.succeeded,
                failed = tally.failed,
                timed_out = tally.timed_out,
                "local daily friend sync finished"
            ),
            Err(error) => tracing::error!(%error, "local daily friend sync could not list admins"),
        }
    }
}

/// Returns once `clock` reads `at` or later, looking at it at least every `tick`.
pub async fn wait_until(clock: &dyn Clock, at: DateTime<Utc>, tick: Duration) {
    loop {
        let now = clock.now();
        if now >= at {
            return;
        }
        let left = (at - now).to_std().unwrap_or(Duration::ZERO);
        tokio::time::sleep(left.min(tick)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn the_next_run_is_later_today_in_korea_or_tomorrow() {
        // 2026-11-21 01:00 KST is 2026-11-20 16:00 UTC.
        assert_eq!(
            next_daily_run(utc("2026-11-20T16:00:00Z"), at(4, 30)),
            utc("2026-11-20T19:30:00Z")
        );
        // 05:00 KST: today's 04:30 has passed, so tomorrow's.
        assert_eq!(
            next_daily_run(utc("2026-11-20T20:00:00Z"), at(4, 30)),
            utc("2026-11-21T19:30:00Z")
        );
        // Exactly at the time: the next one, a day later.
        assert_eq!(
            next_daily_run(utc("2026-11-20T19:30:00Z"), at(4, 30)),
            utc("2026-11-21T19:30:00Z")
        );
    }
}

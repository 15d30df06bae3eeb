//! What a sweep did, counted: the numbers behind its logs and metrics.
//!
//! In Lambda the counts become CloudWatch metrics through Embedded Metric Format lines on stdout
//! ([`SweepReport::emf_lines`]): one line with the totals, one per Kakao failure code (dimension
//! `Code`) and one per skip reason (dimension `Reason`), and Kakao's latency as a list of values.
//! Locally the same counts are tracing fields ([`SweepReport::log`]).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::sweep::SkipReason;
use serde_json::{Value, json};

const FUNCTION: &str = "reminder-sweep";

/// The counts of one sweep (or one meeting visit, merged into the sweep's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Due entries read from the index.
    pub due: usize,
    /// Due-index rows that could not be read back: skipped, logged and alarmed on (a stored
    /// value that does not round-trip), never allowed to stop a shard.
    pub unreadable_rows: usize,
    /// Kakao has stopped the app (`-12`/`-13`): found recorded (and confirmed) at the start,
    /// or learned from a refusal. Nothing was sent while it stood.
    pub kakao_app_stopped: bool,
    /// Meetings visited (stale index entries and meetings left for the next sweep excluded).
    pub visited: usize,
    /// Meetings left for the next sweep (time budget spent).
    pub deferred: usize,
    /// Meetings whose visit failed (a store error); they stay due and are tried again.
    pub errors: usize,
    /// Due entries moved on (next round, closing visit, or out of the index) by this sweep.
    pub advanced: usize,
    /// Kakao accepted the message.
    pub sent: usize,
    /// Kakao refused, by code.
    pub failed: BTreeMap<i32, usize>,
    /// Not messaged this round, by reason (skip reasons of the planner and of the reservation).
    pub skipped: BTreeMap<SkipReason, usize>,
    /// Sent, answer lost: recorded `unknown`, never resent.
    pub unknown: usize,
    /// Reserved, then given back without sending (the admin's login or consent failed at send
    /// time, or Kakao was not reached).
    pub released: usize,
    /// Confirm-first: recipients prepared for the admin's approval.
    pub prepared: usize,
    /// Confirm-first batches expired unconfirmed at the meeting's end (recipients).
    pub expired: usize,
    /// Sends left in `sending` past their age, now `unknown`.
    pub stale_unknown: usize,
    /// Memos sent to admins (confirm-first questions and round summaries).
    pub memos: usize,
    /// Kakao calls made for reminders (one per distinct message per batch).
    pub kakao_sends: usize,
    /// How long each of those calls took.
    pub kakao_latency: Vec<Duration>,
}

impl SweepReport {
    pub fn merge(&mut self, other: SweepReport) {
        self.due += other.due;
        self.unreadable_rows += other.unreadable_rows;
        self.kakao_app_stopped |= other.kakao_app_stopped;
        self.visited += other.visited;
        self.deferred += other.deferred;
        self.errors += other.errors;
        self.advanced += other.advanced;
        self.sent += other.sent;
        for (code, n) in other.failed {
            *self.failed.entry(code).or_insert(0) += n;
        }
        for (reason, n) in other.skipped {
            *self.skipped.entry(reason).or_insert(0) += n;
        }
        self.unknown += other.unknown;
        self.released += other.released;
        self.prepared += other.prepared;
        self.expired += other.expired;
        self.stale_unknown += other.stale_unknown;
        self.memos += other.memos;
        self.kakao_sends += other.kakao_sends;
        self.kakao_latency.extend(other.kakao_latency);
    }

    pub fn skip(&mut self, reason: SkipReason, n: usize) {
        if n > 0 {
            *self.skipped.entry(reason).or_insert(0) += n;
        }
    }

    pub fn fail(&mut self, code: i32) {
        *self.failed.entry(code).or_insert(0) += 1;
    }

    pub fn failed_total(&self) -> usize {
        self.failed.values().sum()
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// The slowest Kakao call, in milliseconds.
    pub fn kakao_latency_max_ms(&self) -> u64 {
        self.kakao_latency
            .iter()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .max()
            .unwrap_or(0)
    }

    /// One structured log line with every count.
    pub fn log(&self) {
        let failed = json_map(self.failed.iter().map(|(code, n)| (code.to_string(), *n)));
        let skipped = json_map(self.skipped.iter().map(|(r, n)| (r.as_str().to_owned(), *n)));
        tracing::info!(
            due = self.due,
            unreadable_rows = self.unreadable_rows,
            kakao_app_stopped = self.kakao_app_stopped,
            visited = self.visited,
            deferred = self.deferred,
            errors = self.errors,
            advanced = self.advanced,
            sent = self.sent,
            failed = self.failed_total(),
            failed_by_code = %failed,
            skipped = self.skipped_total(),
            skipped_by_reason = %skipped,
            unknown = self.unknown,
            released = self.released,
            prepared = self.prepared,
            expired = self.expired,
            stale_unknown = self.stale_unknown,
            memos = self.memos,
            kakao_sends = self.kakao_sends,
            kakao_latency_max_ms = self.kakao_latency_max_ms(),
            "reminder sweep finished"
        );
    }

    /// CloudWatch Embedded Metric Format lines for this sweep.
    pub fn emf_lines(&self, at: DateTime<Utc>) -> Vec<String> {
        let mut totals: Vec<(&str, Value, &str)> = [
            ("MeetingsDue", self.due),
            ("UnreadableRows", self.unreadable_rows),
            ("KakaoAppStopped", usize::from(self.kakao_app_stopped)),
            ("MeetingsVisited", self.visited),
            ("MeetingsDeferred", self.deferred),
            ("MeetingErrors", self.errors),
            ("RemindersSent", self.sent),
            ("RemindersFailed", self.failed_total()),
            ("RemindersSkipped", self.skipped_total()),
            ("RemindersUnknown", self.unknown),
            ("RemindersReleased", self.released),
            ("RemindersPrepared", self.prepared),
            ("RemindersExpired", self.expired),
            ("StaleSendsUnknown", self.stale_unknown),
            ("KakaoSends", self.kakao_sends),
            ("Memos", self.memos),
        ]
        .into_iter()
        .map(|(name, n)| (name, json!(n), "Count"))
        .collect();
        if !self.kakao_latency.is_empty() {
            let ms: Vec<f64> = self
                .kakao_latency
                .iter()
                .map(|d| d.as_secs_f64() * 1000.0)
                .collect();
            totals.push(("KakaoLatency", json!(ms), "Milliseconds"));
        }
        let mut lines = vec![emf(at, &[], &totals)];
        for (code, n) in &self.failed {
            lines.push(emf(
                at,
                &[("Code", code.to_string())],
                &[("RemindersFailed", json!(n), "Count")],
            ));
        }
        for (reason, n) in &self.skipped {
            lines.push(emf(
                at,
                &[("Reason", reason.as_str().to_owned())],
                &[("RemindersSkipped", json!(n), "Count")],
            ));
        }
        lines
    }
}

fn json_map(pairs: impl Iterator<Item = (String, usize)>) -> Value {
    Value::Object(pairs.map(|(k, n)| (k, json!(n))).collect())
}

/// One EMF line of this function's.
fn emf(at: DateTime<Utc>, dimensions: &[(&str, String)], metrics: &[(&str, Value, &str)]) -> String {
    crate::emf::line(FUNCTION, at, dimensions, metrics)
}

#[cfg(test)]
mod tests {
    use domain::QuotaKind;

    use super::*;

    #[test]
    fn emf_lines_carry_totals_codes_reasons_and_latency() {
        let mut report = SweepReport {
            sent: 3,
            kakao_sends: 2,
            kakao_latency: vec![Duration::from_millis(50), Duration::from_millis(70)],
            ..SweepReport::default()
        };
        report.fail(-530);
        report.skip(
            SkipReason::Quota {
                kind: QuotaKind::Pair,
            },
            2,
        );
        report.skip(SkipReason::Joined, 0);
        let at = DateTime::parse_from_rfc3339("2026-11-21T10:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let lines: Vec<Value> = report
            .emf_lines(at)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines.len(),
            3,
            "totals, one code, one reason (zero counts are not kept)"
        );
        assert_eq!(lines[0]["RemindersSent"], 3);
        assert_eq!(lines[0]["KakaoLatency"], json!([50.0, 70.0]));
        assert_eq!(
            lines[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Function"]])
        );
        assert_eq!(lines[1]["Code"], "-530");
        assert_eq!(lines[1]["RemindersFailed"], 1);
        assert_eq!(lines[2]["Reason"], "quota_pair");
        assert_eq!(
            lines[2]["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Function", "Reason"]])
        );
        assert_eq!(report.kakao_latency_max_ms(), 70);
    }

    #[test]
    fn reports_merge_by_adding() {
        let mut a = SweepReport {
            sent: 1,
            ..SweepReport::default()
        };
        a.fail(-536);
        let mut b = SweepReport {
            sent: 2,
            ..SweepReport::default()
        };
        b.fail(-536);
        b.skip(SkipReason::Joined, 3);
        a.merge(b);
        assert_eq!((a.sent, a.failed_total(), a.skipped_total()), (3, 2, 3));
        assert_eq!(a.failed[&-536], 2);
    }
}

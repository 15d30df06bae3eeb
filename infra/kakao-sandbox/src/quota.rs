//! Kakao's daily message counters (app, sender, recipient, pair), kept per Kakao day. Only
//! delivered messages are counted.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::world::QuotaLimits;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Counter {
    App,
    Sender(i64),
    Recipient(i64),
    Pair { sender: i64, recipient: i64 },
}

/// The limit a message would break, in the order Kakao's codes are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuotaBreach {
    /// `-10`: the app's daily total.
    App,
    /// `-532`: the sender's daily total.
    Sender,
    /// `-533`: the recipient's daily total.
    Recipient,
    /// `-536`: the sender/recipient pair's daily total.
    Pair,
}

#[derive(Debug, Default)]
pub(crate) struct QuotaBook {
    counts: HashMap<(NaiveDate, Counter), u32>,
}

impl QuotaBook {
    pub fn used(&self, day: NaiveDate, counter: Counter) -> u32 {
        self.counts.get(&(day, counter)).copied().unwrap_or(0)
    }

    /// Whether one more message from `sender` to `recipient` fits `day`'s limits.
    pub fn check_friend_message(
        &self,
        day: NaiveDate,
        sender: i64,
        recipient: i64,
        limits: &QuotaLimits,
    ) -> Result<(), QuotaBreach> {
        let checks = [
            (Counter::App, limits.app_daily, QuotaBreach::App),
            (Counter::Sender(sender), limits.sender_daily, QuotaBreach::Sender),
            (
                Counter::Recipient(recipient),
                limits.recipient_daily,
                QuotaBreach::Recipient,
            ),
            (
                Counter::Pair { sender, recipient },
                limits.pair_daily,
                QuotaBreach::Pair,
            ),
        ];
        self.check(day, &checks)
    }

    pub fn record_friend_message(&mut self, day: NaiveDate, sender: i64, recipient: i64) {
        self.prune(day);
        for counter in [
            Counter::App,
            Counter::Sender(sender),
            Counter::Recipient(recipient),
            Counter::Pair { sender, recipient },
        ] {
            *self.counts.entry((day, counter)).or_default() += 1;
        }
    }

    /// Memo quota, only consulted when the world says memos count (app and sender totals).
    pub fn check_memo(&self, day: NaiveDate, sender: i64, limits: &QuotaLimits) -> Result<(), QuotaBreach> {
        let checks = [
            (Counter::App, limits.app_daily, QuotaBreach::App),
            (Counter::Sender(sender), limits.sender_daily, QuotaBreach::Sender),
        ];
        self.check(day, &checks)
    }

    pub fn record_memo(&mut self, day: NaiveDate, sender: i64) {
        self.prune(day);
        for counter in [Counter::App, Counter::Sender(sender)] {
            *self.counts.entry((day, counter)).or_default() += 1;
        }
    }

    fn check(&self, day: NaiveDate, checks: &[(Counter, u32, QuotaBreach)]) -> Result<(), QuotaBreach> {
        match checks
            .iter()
            .find(|(counter, limit, _)| self.used(day, *counter) >= *limit)
        {
            Some((_, _, breach)) => Err(*breach),
            None => Ok(()),
        }
    }

    /// Days before yesterday can no longer matter.
    fn prune(&mut self, today: NaiveDate) {
        if let Some(yesterday) = today.pred_opt() {
            self.counts.retain(|(day, _), _| *day >= yesterday);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_pair_limit_applies_per_pair_and_resets_the_next_day() {
        let limits = QuotaLimits {
            pair_daily: 2,
            ..QuotaLimits::default()
        };
        let mut book = QuotaBook::default();
        let today = day("2026-03-02");
        book.record_friend_message(today, 1, 2);
        book.record_friend_message(today, 1, 2);
        assert_eq!(
            book.check_friend_message(today, 1, 2, &limits),
            Err(QuotaBreach::Pair)
        );
        assert_eq!(book.check_friend_message(today, 1, 3, &limits), Ok(()));
        assert_eq!(
            book.check_friend_message(day("2026-03-03"), 1, 2, &limits),
            Ok(())
        );
    }

    #[test]
    fn the_app_limit_is_checked_before_the_others() {
        let limits = QuotaLimits {
            app_daily: 1,
            sender_daily: 1,
            recipient_daily: 1,
            pair_daily: 1,
        };
        let mut book = QuotaBook::default();
        let today = day("2026-03-02");
        book.record_friend_message(today, 1, 2);
        assert_eq!(
            book.check_friend_message(today, 1, 2, &limits),
            Err(QuotaBreach::App)
        );
    }
}

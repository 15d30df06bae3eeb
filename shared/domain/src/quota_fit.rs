//! Which recipients of a batch fit in the quota left: the decision behind a reservation.
//!
//! A batch has one sender and up to five recipients. Each recipient that fits takes one slot
//! from the app and sender counters (shared by the batch) and one from its own recipient and
//! pair counters. One recipient's full counter does not block the others; a full app or sender
//! counter blocks whoever is left once it fills.

use serde::{Deserialize, Serialize};

use crate::{QuotaKind, QuotaLimits};

/// How much of today's quota is already used, as read inside the reserving transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchUsage {
    pub app: u32,
    pub sender: u32,
}

/// One recipient's own counters today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecipientUsage {
    pub recipient: u32,
    pub pair: u32,
}

/// The decision for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    Fits,
    /// This counter is full (the first full one, checked app, sender, recipient, pair).
    Blocked(QuotaKind),
}

/// Decides, in order, which recipients fit. `recipients[i]` is recipient i's usage; the result
/// has one [`Fit`] per recipient, in the same order.
pub fn fit_batch(limits: &QuotaLimits, used: BatchUsage, recipients: &[RecipientUsage]) -> Vec<Fit> {
    let mut app = used.app;
    let mut sender = used.sender;
    recipients
        .iter()
        .map(|r| {
            let counters = [
                (QuotaKind::App, app),
                (QuotaKind::Sender, sender),
                (QuotaKind::Recipient, r.recipient),
                (QuotaKind::Pair, r.pair),
            ];
            match counters
                .into_iter()
                .find(|(kind, used)| *used >= limits.limit(*kind))
            {
                Some((kind, _)) => Fit::Blocked(kind),
                None => {
                    app += 1;
                    sender += 1;
                    Fit::Fits
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRESH: RecipientUsage = RecipientUsage {
        recipient: 0,
        pair: 0,
    };

    #[test]
    fn a_fresh_day_fits_a_whole_batch() {
        let fits = fit_batch(&QuotaLimits::KAKAO, BatchUsage::default(), &[FRESH; 5]);
        assert_eq!(fits, vec![Fit::Fits; 5]);
    }

    #[test]
    fn one_recipients_full_counters_do_not_block_the_others() {
        let full_pair = RecipientUsage {
            recipient: 3,
            pair: 20,
        };
        let full_recipient = RecipientUsage {
            recipient: 100,
            pair: 0,
        };
        let fits = fit_batch(
            &QuotaLimits::KAKAO,
            BatchUsage::default(),
            &[FRESH, full_pair, full_recipient, FRESH],
        );
        assert_eq!(
            fits,
            vec![
                Fit::Fits,
                Fit::Blocked(QuotaKind::Pair),
                Fit::Blocked(QuotaKind::Recipient),
                Fit::Fits
            ]
        );
    }

    #[test]
    fn the_sender_counter_fills_part_way_through_a_batch() {
        let used = BatchUsage { app: 0, sender: 98 };
        let fits = fit_batch(&QuotaLimits::KAKAO, used, &[FRESH; 4]);
        assert_eq!(
            fits,
            vec![
                Fit::Fits,
                Fit::Fits,
                Fit::Blocked(QuotaKind::Sender),
                Fit::Blocked(QuotaKind::Sender)
            ]
        );
    }

    #[test]
    fn a_full_app_counter_is_named_first() {
        let used = BatchUsage {
            app: 30_000,
            sender: 100,
        };
        assert_eq!(
            fit_batch(&QuotaLimits::KAKAO, used, &[FRESH]),
            vec![Fit::Blocked(QuotaKind::App)]
        );
    }

    #[test]
    fn lowered_limits_are_honoured() {
        let limits = QuotaLimits {
            app: 10,
            sender: 10,
            recipient: 10,
            pair: 1,
        };
        let used_pair = RecipientUsage {
            recipient: 0,
            pair: 1,
        };
        assert_eq!(
            fit_batch(&limits, BatchUsage::default(), &[used_pair]),
            vec![Fit::Blocked(QuotaKind::Pair)]
        );
    }
}

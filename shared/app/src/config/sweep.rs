//! The reminder sweep's variables, read by every function with the shared settings (all have
//! defaults): the sweep function sends reminders, and the admin function sends confirm-first
//! rounds when an admin approves them, with the same links. [`crate::sweep::SweepSettings`]
//! joins them with the site's [`super::PublicUrl`].
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `REMINDER_LINK_BASE` | origin of the reminder buttons (`/j/{token}`, `/stop/{token}`) | `PUBLIC_URL` |
//! | `REMINDER_LINKS` | `tracked` (per-invitee join and stop buttons) or `direct` (the meeting's own join URL, so one message can go to five at once) | `tracked` |
//! | `SWEEP_STALE_SENDING_SECS` | how long a send may stay `sending` before it is declared `unknown` (30 to 3600) | 120 |
//! | `SWEEP_CONCURRENCY` | meetings visited at once (1 to 64) | 8 |
//! | `SWEEP_DUE_LIMIT` | due meetings a sweep takes, earliest first (1 to 1000) | 1000 |
//! | `SWEEP_BUDGET_SECS` | no new meeting is started after this long; the rest wait a minute (1 to 840) | 45 |
//! | `ROUND_SUMMARY` | the round summary memo for admins who have not chosen (`on` or `off`); each admin's own choice wins | `off` |
//!
//! Message links are `https` only (a reading, `docs/kakao.md#readings`; `kakao::WebLink`). A local
//! run on `http://127.0.0.1` therefore cannot give reminders tracked buttons or memos a link:
//! reminders then link straight to the meeting (as `direct` does), memos are not sent, and the
//! admin approves confirm-first rounds on the dashboard. Point `REMINDER_LINK_BASE` (and
//! `PUBLIC_URL`) at an https origin (a tunnel) to get both locally.

use std::time::Duration;

use url::Url;

use super::{Env, Part};
use crate::sweep::{RoundSummaryPolicy, SweepSettings};

/// How reminders' buttons link, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReminderLinks {
    /// Tracked buttons on `base`, or on the site's own origin when `None`.
    Tracked {
        base: Option<Url>,
    },
    Direct,
}

/// The sweep's settings apart from the site's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepConfig {
    pub links: ReminderLinks,
    pub stale_sending_age: chrono::Duration,
    pub concurrency: usize,
    pub due_limit: usize,
    pub budget: Duration,
    pub round_summary: RoundSummaryPolicy,
}

impl Default for SweepConfig {
    fn default() -> Self {
        Self {
            links: ReminderLinks::Tracked { base: None },
            stale_sending_age: SweepSettings::DEFAULT_STALE_SENDING_AGE,
            concurrency: SweepSettings::DEFAULT_CONCURRENCY,
            due_limit: SweepSettings::DEFAULT_DUE_LIMIT,
            budget: SweepSettings::DEFAULT_BUDGET,
            round_summary: RoundSummaryPolicy::Off,
        }
    }
}

impl Part for SweepConfig {
    fn read(env: &mut Env<'_>) -> Option<Self> {
        let defaults = Self::default();
        let base = match env.optional("REMINDER_LINK_BASE") {
            None => Some(None),
            Some(_) => env.url("REMINDER_LINK_BASE", "").map(Some),
        };
        let links = match env.optional("REMINDER_LINKS").as_deref() {
            None | Some("tracked") => base.map(|base| ReminderLinks::Tracked { base }),
            Some("direct") => Some(ReminderLinks::Direct),
            Some(_) => {
                env.invalid("REMINDER_LINKS", "must be tracked or direct");
                None
            }
        };
        let mut number = |var: &'static str, min: u64, max: u64| {
            env.parsed(var, None, |raw| match raw.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ => Err(format!("must be a number from {min} to {max}")),
            })
        };
        let stale = number("SWEEP_STALE_SENDING_SECS", 30, 3600);
        let concurrency = number("SWEEP_CONCURRENCY", 1, 64);
        let due_limit = number("SWEEP_DUE_LIMIT", 1, 1000);
        let budget = number("SWEEP_BUDGET_SECS", 1, 840);
        let round_summary = env.parsed("ROUND_SUMMARY", defaults.round_summary, |raw| match raw {
            "off" => Ok(RoundSummaryPolicy::Off),
            "on" => Ok(RoundSummaryPolicy::On),
            _ => Err("must be on or off".to_owned()),
        });
        // The ranges above make every conversion exact.
        let count =
            |n: Option<u64>, default: usize| n.and_then(|n| usize::try_from(n).ok()).unwrap_or(default);
        Some(Self {
            links: links?,
            stale_sending_age: stale
                .and_then(|s| i64::try_from(s).ok())
                .map_or(defaults.stale_sending_age, chrono::Duration::seconds),
            concurrency: count(concurrency, defaults.concurrency),
            due_limit: count(due_limit, defaults.due_limit),
            budget: budget.map_or(defaults.budget, Duration::from_secs),
            round_summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lookup;
    use super::super::{ConfigProblem, PublicUrl, read_parts};
    use super::*;
    use crate::sweep::LinkMode;

    fn sweep(pairs: &[(&str, &str)]) -> Result<SweepSettings, super::super::ConfigError> {
        let (public_url, config): (PublicUrl, SweepConfig) = read_parts(lookup(pairs))?;
        Ok(SweepSettings::new(public_url, &config))
    }

    #[test]
    fn tracked_links_on_the_public_origin_by_default() {
        let s = sweep(&[("PUBLIC_URL", "https://tt.example.com/app?x")]).unwrap();
        assert_eq!(s.public_url.as_str(), "https://tt.example.com/");
        assert_eq!(s.tracked_base().map(Url::as_str), Some("https://tt.example.com/"));
        assert_eq!(
            s.admin_link("/meetings/m/rounds/1/send").as_deref(),
            Some("https://tt.example.com/meetings/m/rounds/1/send")
        );
        assert_eq!(s.round_summary, RoundSummaryPolicy::Off);
        assert_eq!(s.stale_sending_age, chrono::Duration::minutes(2));
    }

    #[test]
    fn a_local_http_site_gets_no_tracked_links_and_no_memo_links() {
        let s = SweepSettings::for_public_url(PublicUrl::parse("http://127.0.0.1:3000").unwrap());
        assert_eq!(s.tracked_base(), None);
        assert_eq!(s.admin_link("/meetings/x"), None);
        let s = sweep(&[
            ("PUBLIC_URL", "http://127.0.0.1:3000"),
            ("REMINDER_LINK_BASE", "https://tunnel.example.net"),
            ("ROUND_SUMMARY", "on"),
            ("SWEEP_CONCURRENCY", "2"),
        ])
        .unwrap();
        assert_eq!(
            s.tracked_base().map(Url::as_str),
            Some("https://tunnel.example.net/")
        );
        assert_eq!((s.round_summary, s.concurrency), (RoundSummaryPolicy::On, 2));
    }

    #[test]
    fn bad_values_are_named() {
        let vars = |pairs: &[(&str, &str)]| -> Vec<&'static str> {
            sweep(pairs)
                .unwrap_err()
                .problems
                .iter()
                .map(ConfigProblem::var)
                .collect()
        };
        assert_eq!(vars(&[]), ["PUBLIC_URL"]);
        assert_eq!(
            vars(&[
                ("PUBLIC_URL", "https://a.example"),
                ("REMINDER_LINKS", "sometimes")
            ]),
            ["REMINDER_LINKS"]
        );
        assert_eq!(
            vars(&[
                ("PUBLIC_URL", "https://a.example"),
                ("SWEEP_STALE_SECS_TYPO", "1"),
                ("SWEEP_STALE_SENDING_SECS", "5"),
            ]),
            ["SWEEP_STALE_SENDING_SECS"]
        );
        let s = sweep(&[("PUBLIC_URL", "https://a.example"), ("REMINDER_LINKS", "direct")]).unwrap();
        assert_eq!(s.links, LinkMode::Direct);
    }
}

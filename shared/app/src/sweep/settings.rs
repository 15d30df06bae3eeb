//! The sweep's own settings: where its links point, and how it paces itself.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `PUBLIC_URL` | the site's origin; memo buttons open `{PUBLIC_URL}/meetings/{id}/...` | required |
//! | `REMINDER_LINK_BASE` | origin of the reminder buttons (`/j/{token}`, `/stop/{token}`) | `PUBLIC_URL` |
//! | `REMINDER_LINKS` | `tracked` (per-invitee join and stop buttons) or `direct` (the meeting's own join URL, so one message can go to five at once) | `tracked` |
//! | `SWEEP_STALE_SENDING_SECS` | how long a send may stay `sending` before it is declared `unknown` | 120 |
//! | `SWEEP_CONCURRENCY` | meetings visited at once | 8 |
//! | `SWEEP_DUE_LIMIT` | due meetings read per shard per sweep | 1000 |
//! | `SWEEP_BUDGET_SECS` | no new meeting is started after this long (the rest wait a minute) | 45 |
//! | `ROUND_SUMMARY` | the round summary memo for admins who have not chosen (`on` or `off`); each admin's own choice wins | `off` |
//!
//! Message links are `https` only (a reading, `docs/kakao.md#readings`; `kakao::WebLink`). A local
//! run on `http://127.0.0.1` therefore cannot give reminders tracked buttons or memos a link:
//! reminders then link straight to the meeting (as `direct` does), memos are not sent, and the
//! admin approves confirm-first rounds on the dashboard. Point `REMINDER_LINK_BASE` (and
//! `PUBLIC_URL`) at an https origin (a tunnel) to get both locally.

use std::time::Duration;

use url::Url;

/// How a reminder's buttons link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkMode {
    /// `{base}/j/{token}` to join (recorded as "joined via link") and `{base}/stop/{token}` to
    /// opt out; one token per invitee, so every message is personal and goes alone.
    Tracked { base: Url },
    /// The meeting's own join URL and no stop button: messages with no personal part are
    /// identical, and up to five go in one Kakao call.
    Direct,
}

/// Whether an admin gets a memo after each round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundSummaryPolicy {
    Off,
    On,
}

/// Everything the sweep needs beyond [`crate::Services`].
#[derive(Debug, Clone)]
pub struct SweepSettings {
    /// Origin of the admin pages (memo buttons).
    pub public_url: Url,
    pub links: LinkMode,
    pub stale_sending_age: chrono::Duration,
    pub concurrency: usize,
    pub due_limit: usize,
    pub budget: Duration,
    pub round_summary: RoundSummaryPolicy,
    /// How often the local loop sweeps.
    pub interval: Duration,
}

/// A missing or bad sweep variable (values are never echoed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var} is {problem}")]
pub struct SweepConfigError {
    pub var: &'static str,
    pub problem: &'static str,
}

impl SweepSettings {
    pub const DEFAULT_STALE_SENDING_AGE: chrono::Duration = chrono::Duration::minutes(2);
    pub const DEFAULT_CONCURRENCY: usize = 8;
    pub const DEFAULT_DUE_LIMIT: usize = 1000;
    pub const DEFAULT_BUDGET: Duration = Duration::from_secs(45);
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

    /// Defaults for a site at `public_url`: tracked links on the same origin.
    pub fn for_public_url(public_url: Url) -> Self {
        let origin = origin(public_url);
        Self {
            links: LinkMode::Tracked { base: origin.clone() },
            public_url: origin,
            stale_sending_age: Self::DEFAULT_STALE_SENDING_AGE,
            concurrency: Self::DEFAULT_CONCURRENCY,
            due_limit: Self::DEFAULT_DUE_LIMIT,
            budget: Self::DEFAULT_BUDGET,
            round_summary: RoundSummaryPolicy::Off,
            interval: Self::DEFAULT_INTERVAL,
        }
    }

    pub fn with_links(mut self, links: LinkMode) -> Self {
        self.links = match links {
            LinkMode::Tracked { base } => LinkMode::Tracked { base: origin(base) },
            LinkMode::Direct => LinkMode::Direct,
        };
        self
    }

    pub fn with_round_summary(mut self, policy: RoundSummaryPolicy) -> Self {
        self.round_summary = policy;
        self
    }

    /// Reads the process environment (see the module docs).
    pub fn from_env() -> Result<Self, SweepConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the process environment, but with the serving site's own `public_url` (the admin
    /// function approving a confirm-first round, the local run's sweep loop).
    pub fn from_env_for_site(public_url: &Url) -> Result<Self, SweepConfigError> {
        Self::from_lookup(|name| match name {
            "PUBLIC_URL" => Some(public_url.to_string()),
            other => std::env::var(other).ok(),
        })
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SweepConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let url = |var: &'static str, raw: String| {
            Url::parse(&raw)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
                .ok_or(SweepConfigError {
                    var,
                    problem: "not an http(s) origin",
                })
        };
        let public_url = url(
            "PUBLIC_URL",
            get("PUBLIC_URL").ok_or(SweepConfigError {
                var: "PUBLIC_URL",
                problem: "not set",
            })?,
        )?;
        let mut settings = Self::for_public_url(public_url);
        let link_base = match get("REMINDER_LINK_BASE") {
            Some(raw) => url("REMINDER_LINK_BASE", raw)?,
            None => settings.public_url.clone(),
        };
        settings = match get("REMINDER_LINKS").as_deref() {
            None | Some("tracked") => settings.with_links(LinkMode::Tracked { base: link_base }),
            Some("direct") => settings.with_links(LinkMode::Direct),
            Some(_) => {
                return Err(SweepConfigError {
                    var: "REMINDER_LINKS",
                    problem: "neither tracked nor direct",
                });
            }
        };
        let number = |var: &'static str, min: u64, max: u64| -> Result<Option<u64>, SweepConfigError> {
            match get(var) {
                None => Ok(None),
                Some(raw) => match raw.parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                    _ => Err(SweepConfigError {
                        var,
                        problem: "out of range",
                    }),
                },
            }
        };
        if let Some(secs) = number("SWEEP_STALE_SENDING_SECS", 30, 3600)? {
            settings.stale_sending_age = chrono::Duration::seconds(i64::try_from(secs).unwrap_or(120));
        }
        if let Some(n) = number("SWEEP_CONCURRENCY", 1, 64)? {
            settings.concurrency = usize::try_from(n).unwrap_or(Self::DEFAULT_CONCURRENCY);
        }
        if let Some(n) = number("SWEEP_DUE_LIMIT", 1, 1000)? {
            settings.due_limit = usize::try_from(n).unwrap_or(Self::DEFAULT_DUE_LIMIT);
        }
        if let Some(secs) = number("SWEEP_BUDGET_SECS", 1, 840)? {
            settings.budget = Duration::from_secs(secs);
        }
        settings.round_summary = match get("ROUND_SUMMARY").as_deref() {
            None | Some("off") => RoundSummaryPolicy::Off,
            Some("on") => RoundSummaryPolicy::On,
            Some(_) => {
                return Err(SweepConfigError {
                    var: "ROUND_SUMMARY",
                    problem: "neither on nor off",
                });
            }
        };
        Ok(settings)
    }

    /// The https origin of tracked links, if reminders get tracked buttons.
    pub fn tracked_base(&self) -> Option<&Url> {
        match &self.links {
            LinkMode::Tracked { base } if base.scheme() == "https" => Some(base),
            _ => None,
        }
    }

    /// An absolute https URL on the admin site, if the site is served over https.
    pub fn admin_link(&self, path: &str) -> Option<String> {
        (self.public_url.scheme() == "https")
            .then(|| self.public_url.join(path).ok())
            .flatten()
            .map(String::from)
    }
}

fn origin(mut url: Url) -> Url {
    url.set_path("/");
    url.set_query(None);
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn tracked_links_on_the_public_origin_by_default() {
        let s =
            SweepSettings::from_lookup(lookup(&[("PUBLIC_URL", "https://tt.example.com/app?x")])).unwrap();
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
        let s = SweepSettings::for_public_url(Url::parse("http://127.0.0.1:3000").unwrap());
        assert_eq!(s.tracked_base(), None);
        assert_eq!(s.admin_link("/meetings/x"), None);
        let s = SweepSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "http://127.0.0.1:3000"),
            ("REMINDER_LINK_BASE", "https://tunnel.example.net"),
            ("ROUND_SUMMARY", "on"),
            ("SWEEP_CONCURRENCY", "2"),
        ]))
        .unwrap();
        assert_eq!(
            s.tracked_base().map(Url::as_str),
            Some("https://tunnel.example.net/")
        );
        assert_eq!((s.round_summary, s.concurrency), (RoundSummaryPolicy::On, 2));
    }

    #[test]
    fn bad_values_are_named() {
        let err = SweepSettings::from_lookup(lookup(&[])).unwrap_err();
        assert_eq!(err.var, "PUBLIC_URL");
        let err = SweepSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "https://a.example"),
            ("REMINDER_LINKS", "sometimes"),
        ]))
        .unwrap_err();
        assert_eq!(err.var, "REMINDER_LINKS");
        let err = SweepSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "https://a.example"),
            ("SWEEP_STALE_SECS_TYPO", "1"),
            ("SWEEP_STALE_SENDING_SECS", "5"),
        ]))
        .unwrap_err();
        assert_eq!(err.var, "SWEEP_STALE_SENDING_SECS");
        let s = SweepSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "https://a.example"),
            ("REMINDER_LINKS", "direct"),
        ]))
        .unwrap();
        assert_eq!(s.links, LinkMode::Direct);
    }
}

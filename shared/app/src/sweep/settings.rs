//! The sweep's own settings: where its links point, and how it paces itself. Read from the
//! environment with the rest of the settings ([`crate::config::sweep`], where the variables
//! are listed); built here from the site's [`PublicUrl`].

use std::time::Duration;

use url::Url;

use crate::config::{PublicUrl, ReminderLinks, SweepConfig};

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
    pub public_url: PublicUrl,
    pub links: LinkMode,
    pub stale_sending_age: chrono::Duration,
    pub concurrency: usize,
    pub due_limit: usize,
    pub budget: Duration,
    pub round_summary: RoundSummaryPolicy,
    /// How often the local loop sweeps.
    pub interval: Duration,
}

impl SweepSettings {
    pub const DEFAULT_STALE_SENDING_AGE: chrono::Duration = chrono::Duration::minutes(2);
    pub const DEFAULT_CONCURRENCY: usize = 8;
    pub const DEFAULT_DUE_LIMIT: usize = 1000;
    pub const DEFAULT_BUDGET: Duration = Duration::from_secs(45);
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

    /// Defaults for a site at `public_url`: tracked links on the same origin.
    pub fn for_public_url(public_url: PublicUrl) -> Self {
        Self::new(public_url, &SweepConfig::default())
    }

    /// The configured sweep for a site at `public_url`.
    pub fn new(public_url: PublicUrl, config: &SweepConfig) -> Self {
        let links = match &config.links {
            ReminderLinks::Tracked { base } => LinkMode::Tracked {
                base: origin(base.clone().unwrap_or_else(|| public_url.clone().into())),
            },
            ReminderLinks::Direct => LinkMode::Direct,
        };
        Self {
            public_url,
            links,
            stale_sending_age: config.stale_sending_age,
            concurrency: config.concurrency,
            due_limit: config.due_limit,
            budget: config.budget,
            round_summary: config.round_summary,
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

    /// The https origin of tracked links, if reminders get tracked buttons.
    pub fn tracked_base(&self) -> Option<&Url> {
        match &self.links {
            LinkMode::Tracked { base } if base.scheme() == "https" => Some(base),
            _ => None,
        }
    }

    /// An absolute https URL on the admin site, if the site is served over https.
    pub fn admin_link(&self, path: &str) -> Option<String> {
        self.public_url
            .is_https()
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

//! Typed settings, parsed once at start-up from the environment (Lambda) or built in code
//! (tests, `infra/local`). Secrets are [`SecretString`]s, so `Debug` never shows them.
//!
//! Every function reads its settings with one call in `main.rs`
//! ([`crate::Services::from_env`], which calls [`Settings::from_lookup_with`]): the [`Settings`]
//! every function shares, plus the [`Part`]s that function declares it needs, once, as its
//! crate's `SettingsParts` type ([`PublicUrl`], [`SiteSettings`] where pages are served,
//! [`AttendanceConfig`] in attendance). The one read collects every problem and fails with one [`ConfigError`] that
//! names each missing or bad variable (never its value), so an operator fixes a deployment in
//! one go instead of one variable per cold start.
//!
//! - this module: the shared core, table below; [`sweep`]: the reminder sweep's variables (in the
//!   core: the admin function sends approved rounds too);
//! - [`site`]: `PUBLIC_URL` ([`PublicUrl`], read once and shared) and the web secret
//!   ([`SiteSettings`]); [`web_secret`]: the [`WebSecret`] itself and the keys derived from it;
//! - [`attendance`]: the Zoom secret token and the join links' timing.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `KAKAO_REST_API_KEY` | REST API key (`client_id`) | required |
//! | `KAKAO_CLIENT_SECRET` | client secret, when the app has one enabled | none |
//! | `KAKAO_ADMIN_KEY` | admin key (unlink webhook, admin-key logout/unlink) | login function only |
//! | `KAKAO_APP_ID` | numeric app id (checked on the unlink webhook) | required |
//! | `KAKAO_AUTH_BASE` | OAuth host | `https://kauth.kakao.com` |
//! | `KAKAO_API_BASE` | API host | `https://kapi.kakao.com` |
//! | `KAKAO_TIMEOUT_MS` | per-call timeout | 5000 |
//! | `KAKAO_READ_RETRIES` | tries for a read (friends, me, scopes), first included | 3 |
//! | `STORE` | `sqlite` or `dynamo` | required |
//! | `SQLITE_PATH` | the SQLite file (`STORE=sqlite`) | required for sqlite |
//! | `TABLE_NAME` | the DynamoDB table (`STORE=dynamo`) | required for dynamo |
//! | `DYNAMODB_ENDPOINT` | another DynamoDB endpoint (moto, DynamoDB Local) | AWS |
//! | `TOKEN_KMS_KEY_ID` | KMS key sealing tokens at rest | one of these two |
//! | `TOKEN_KEY_FILE` | 32-byte key file sealing tokens at rest | sqlite: `{SQLITE_PATH}.key` |
//! | `QUOTA_APP_DAILY`, `QUOTA_SENDER_DAILY`, `QUOTA_RECIPIENT_DAILY`, `QUOTA_PAIR_DAILY` | daily message limits (may only lower Kakao's) | Kakao's |
//! | `FRIEND_SYNC_FUNCTION` | name of the friend-sync Lambda; set: syncs are requested by invoking it, unset: they run in this process | unset |
//! | `SYNC_CONCURRENCY` | admins synced at once by the daily run | 8 |
//! | `SYNC_DAILY_AT` | time of the daily run in Korea (`HH:MM`), for the local loop | `04:30` |
//! | `SYNC_ADMIN_TIMEOUT_SECS` | longest one admin's sync may take in the daily run | 120 |
//!
//! `KAKAO_REST_API_KEY`, `KAKAO_CLIENT_SECRET`, `KAKAO_ADMIN_KEY`, `WEB_SECRET` and
//! `ZOOM_WEBHOOK_SECRET_TOKEN` may instead come from Secrets Manager through `{VAR}_SECRET_ARN`
//! ([`crate::secrets`]).

pub mod attendance;
pub mod site;
pub mod sweep;
pub mod web_secret;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono::NaiveTime;
use domain::QuotaLimits;
use kakao::{KakaoConfig, RetryPolicy};
use secrecy::SecretString;
use url::Url;

pub use attendance::AttendanceConfig;
pub use site::{NotAnOrigin, PublicUrl, SiteSettings};
pub use sweep::{ReminderLinks, SweepConfig};
pub use web_secret::WebSecret;

/// What every function needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub kakao: KakaoSettings,
    pub store: StoreSettings,
    pub quotas: QuotaLimits,
    pub sync: SyncSettings,
    pub sweep: SweepConfig,
}

/// A part of the settings that only some functions need. A function declares the parts it needs
/// once, as the type parameter of its one read (a tuple for several, `()` for none); the parts
/// then need no checks of their own.
pub trait Part: Sized {
    /// Reads this part, recording each problem in `env`; `None` when something was wrong.
    fn read(env: &mut Env<'_>) -> Option<Self>;
}

impl Part for () {
    fn read(_: &mut Env<'_>) -> Option<Self> {
        Some(())
    }
}

impl<A: Part, B: Part> Part for (A, B) {
    fn read(env: &mut Env<'_>) -> Option<Self> {
        let a = A::read(env);
        let b = B::read(env);
        Some((a?, b?))
    }
}

/// Kakao only when `KAKAO_REST_API_KEY` is set, else `None` (`infra/local`: then the Kakao
/// sandbox). Set, it reads as in [`Settings`], and `KAKAO_ADMIN_KEY` is required too: that run
/// serves the unlink webhook.
impl Part for Option<KakaoSettings> {
    fn read(env: &mut Env<'_>) -> Option<Self> {
        if env.optional("KAKAO_REST_API_KEY").is_none() {
            return Some(None);
        }
        let kakao = read_kakao(env);
        if env.optional("KAKAO_ADMIN_KEY").is_none() {
            env.missing(
                "KAKAO_ADMIN_KEY",
                "the Kakao app's admin key (KAKAO_REST_API_KEY is set)",
            );
        }
        kakao.map(Some)
    }
}

/// Reads only `P` through `lookup`: `infra/local`, which builds the core in code, and tests.
pub fn read_parts<P: Part>(lookup: impl Fn(&str) -> Option<String>) -> Result<P, ConfigError> {
    let mut env = Env::new(&lookup);
    let part = P::read(&mut env);
    env.finish(part)
}

/// Who we are to Kakao and where Kakao is.
#[derive(Debug, Clone)]
pub struct KakaoSettings {
    /// Not a secret: it is in every authorize URL the browser sees.
    pub rest_api_key: String,
    pub client_secret: Option<SecretString>,
    /// Only where the unlink webhook runs (the login function, and the local run).
    pub admin_key: Option<SecretString>,
    pub app_id: KakaoAppId,
    pub auth_base: Url,
    pub api_base: Url,
    pub timeout: Duration,
    pub read_retry: RetryPolicy,
}

/// Kakao's numeric app id (`app_id` in token info and on the unlink webhook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KakaoAppId(i64);

impl KakaoAppId {
    pub fn new(id: i64) -> Result<Self, String> {
        if id > 0 {
            Ok(Self(id))
        } else {
            Err(format!("a Kakao app id is a positive number, got {id}"))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl FromStr for KakaoAppId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n: i64 = s
            .parse()
            .map_err(|_| "a Kakao app id is a positive number".to_owned())?;
        Self::new(n)
    }
}

impl fmt::Display for KakaoAppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which store backend, and how tokens are sealed at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSettings {
    /// One SQLite file (the one-process local run).
    Sqlite { path: PathBuf, keys: TokenKeys },
    /// One DynamoDB table. `endpoint` points at moto or DynamoDB Local; `None` means AWS.
    Dynamo {
        table_name: String,
        endpoint: Option<Url>,
        keys: TokenKeys,
    },
}

/// Where the key sealing OAuth tokens at rest comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKeys {
    /// A 32-byte key file, created (mode 0600) if missing.
    File(PathBuf),
    /// Envelope encryption under this KMS key (id, ARN or alias).
    Kms { key_id: String },
}

/// How friend syncs are requested and how the daily run paces itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    pub trigger: TriggerSettings,
    /// Admins synced at once by the daily run.
    pub concurrency: usize,
    /// When the local daily loop runs, in Korean time (Kakao's day starts at 00:00 KST).
    pub daily_at_kst: NaiveTime,
    /// The daily run gives up on one admin after this long (the others go on).
    pub admin_timeout: Duration,
}

/// Where a requested sync runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerSettings {
    /// A task in this process (the local run; tests).
    InProcess,
    /// An asynchronous (`Event`) invoke of the friend-sync Lambda function.
    Lambda { function_name: String },
}

impl SyncSettings {
    pub const DEFAULT_CONCURRENCY: usize = 8;
    pub const MAX_CONCURRENCY: usize = 64;
    pub const DEFAULT_ADMIN_TIMEOUT: Duration = Duration::from_secs(120);

    /// 04:30 in Korea: after Kakao's day turns over, before anyone schedules a morning meeting.
    pub fn default_daily_at() -> NaiveTime {
        NaiveTime::from_hms_opt(4, 30, 0).unwrap_or(NaiveTime::MIN)
    }
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            trigger: TriggerSettings::InProcess,
            concurrency: Self::DEFAULT_CONCURRENCY,
            daily_at_kst: Self::default_daily_at(),
            admin_timeout: Self::DEFAULT_ADMIN_TIMEOUT,
        }
    }
}

impl KakaoSettings {
    /// Real Kakao hosts, default timeout and retries.
    pub fn new(rest_api_key: impl Into<String>, admin_key: SecretString, app_id: KakaoAppId) -> Self {
        let kauth = Url::parse(KakaoConfig::REAL_KAUTH).unwrap_or_else(|_| unreachable!());
        let kapi = Url::parse(KakaoConfig::REAL_KAPI).unwrap_or_else(|_| unreachable!());
        Self {
            rest_api_key: rest_api_key.into(),
            client_secret: None,
            admin_key: Some(admin_key),
            app_id,
            auth_base: kauth,
            api_base: kapi,
            timeout: KakaoConfig::DEFAULT_TIMEOUT,
            read_retry: RetryPolicy::default(),
        }
    }

    /// Both hosts on one base URL, as the Kakao sandbox serves them.
    pub fn with_single_base(mut self, base: Url) -> Self {
        self.auth_base = base.clone();
        self.api_base = base;
        self
    }

    pub fn with_client_secret(mut self, secret: Option<SecretString>) -> Self {
        self.client_secret = secret;
        self
    }

    pub fn with_read_retry(mut self, policy: RetryPolicy) -> Self {
        self.read_retry = policy;
        self
    }

    /// The Kakao client's configuration.
    pub fn client_config(&self) -> KakaoConfig {
        KakaoConfig::with_bases(
            self.auth_base.clone(),
            self.api_base.clone(),
            self.rest_api_key.clone(),
            self.client_secret.clone(),
            self.admin_key.clone(),
        )
        .timeout(self.timeout)
        .read_retry(self.read_retry)
    }
}

impl Settings {
    /// Settings with Kakao's quotas and the default sync pacing (in-process trigger).
    pub fn new(kakao: KakaoSettings, store: StoreSettings) -> Self {
        Self {
            kakao,
            store,
            quotas: QuotaLimits::KAKAO,
            sync: SyncSettings::default(),
            sweep: SweepConfig::default(),
        }
    }

    /// Reads the shared settings only through `lookup` (a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::from_lookup_with::<()>(lookup).map(|(settings, ())| settings)
    }

    /// Reads the shared settings and the parts `P` a function declares through `lookup` (in
    /// Lambda [`crate::secrets::lookup`]: the secrets loaded at cold start, then the environment).
    pub fn from_lookup_with<P: Part>(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<(Self, P), ConfigError> {
        let mut env = Env::new(&lookup);
        let kakao = read_kakao(&mut env);
        let store = read_store(&mut env);
        let quotas = read_quotas(&mut env);
        let sync = read_sync(&mut env);
        let sweep = SweepConfig::read(&mut env);
        let part = P::read(&mut env);
        let read = (|| {
            let settings = Settings {
                kakao: kakao?,
                store: store?,
                quotas,
                sync,
                sweep: sweep?,
            };
            Some((settings, part?))
        })();
        env.finish(read)
    }
}

/// Why settings could not be read: every problem found, each naming its variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the configuration is incomplete or wrong: {}", list(.problems))]
pub struct ConfigError {
    pub problems: Vec<ConfigProblem>,
}

fn list(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One missing or bad variable. Values are never echoed: some are secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigProblem {
    #[error("{var} is not set ({meaning})")]
    Missing {
        var: &'static str,
        meaning: &'static str,
    },
    #[error("{var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
}

impl ConfigProblem {
    pub fn var(&self) -> &'static str {
        match self {
            ConfigProblem::Missing { var, .. } | ConfigProblem::Invalid { var, .. } => var,
        }
    }
}

/// One error's message with its causes, for a problem's reason.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The variables being read and the problems found so far ([`Part::read`]).
pub struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<ConfigProblem>,
    /// `PUBLIC_URL` once read ([`PublicUrl`]), so that it is parsed and reported once.
    public_url: Option<Option<PublicUrl>>,
}

impl<'a> Env<'a> {
    fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            lookup,
            problems: Vec::new(),
            public_url: None,
        }
    }

    /// What was read, or every problem found.
    fn finish<T>(self, read: Option<T>) -> Result<T, ConfigError> {
        match read {
            Some(read) if self.problems.is_empty() => Ok(read),
            _ => Err(ConfigError {
                problems: self.problems,
            }),
        }
    }

    /// The trimmed value; an empty value counts as unset (SAM writes "" for unset parameters).
    fn optional(&self, var: &'static str) -> Option<String> {
        (self.lookup)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn required(&mut self, var: &'static str, meaning: &'static str) -> Option<String> {
        let value = self.optional(var);
        if value.is_none() {
            self.missing(var, meaning);
        }
        value
    }

    fn missing(&mut self, var: &'static str, meaning: &'static str) {
        self.problems.push(ConfigProblem::Missing { var, meaning });
    }

    fn invalid(&mut self, var: &'static str, reason: impl Into<String>) {
        self.problems.push(ConfigProblem::Invalid {
            var,
            reason: reason.into(),
        });
    }

    /// Parses an optional variable, falling back to `default`; a bad value is a problem.
    fn parsed<T>(&mut self, var: &'static str, default: T, parse: impl Fn(&str) -> Result<T, String>) -> T {
        match self.optional(var) {
            None => default,
            Some(raw) => match parse(&raw) {
                Ok(value) => value,
                Err(reason) => {
                    self.invalid(var, reason);
                    default
                }
            },
        }
    }

    fn url(&mut self, var: &'static str, default: &str) -> Option<Url> {
        let raw = self.optional(var).unwrap_or_else(|| default.to_owned());
        match Url::parse(&raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Some(url),
            _ => {
                self.invalid(var, "must be an absolute http(s) URL");
                None
            }
        }
    }
}

fn read_kakao(env: &mut Env<'_>) -> Option<KakaoSettings> {
    let rest_api_key = env.required("KAKAO_REST_API_KEY", "the Kakao app's REST API key");
    let client_secret = env.optional("KAKAO_CLIENT_SECRET").map(SecretString::from);
    // Only the login function (the unlink webhook) is given the admin key.
    let admin_key = env.optional("KAKAO_ADMIN_KEY").map(SecretString::from);
    let app_id = env
        .required("KAKAO_APP_ID", "the Kakao app's numeric id")
        .and_then(|raw| match raw.parse::<KakaoAppId>() {
            Ok(id) => Some(id),
            Err(reason) => {
                env.invalid("KAKAO_APP_ID", reason);
                None
            }
        });
    let auth_base = env.url("KAKAO_AUTH_BASE", KakaoConfig::REAL_KAUTH);
    let api_base = env.url("KAKAO_API_BASE", KakaoConfig::REAL_KAPI);
    let timeout = env.parsed(
        "KAKAO_TIMEOUT_MS",
        KakaoConfig::DEFAULT_TIMEOUT,
        |raw| match raw.parse::<u64>() {
            Ok(ms @ 100..=60_000) => Ok(Duration::from_millis(ms)),
            _ => Err("must be a number of milliseconds from 100 to 60000".to_owned()),
        },
    );
    let attempts = env.parsed(
        "KAKAO_READ_RETRIES",
        RetryPolicy::default().max_attempts,
        |raw| match raw.parse::<u32>() {
            Ok(n @ 1..=10) => Ok(n),
            _ => Err("must be a number of tries from 1 to 10".to_owned()),
        },
    );
    Some(KakaoSettings {
        rest_api_key: rest_api_key?,
        client_secret,
        admin_key,
        app_id: app_id?,
        auth_base: auth_base?,
        api_base: api_base?,
        timeout,
        read_retry: RetryPolicy {
            max_attempts: attempts,
            ..RetryPolicy::default()
        },
    })
}

fn read_store(env: &mut Env<'_>) -> Option<StoreSettings> {
    let kind = env.required("STORE", "which store to use: sqlite or dynamo")?;
    let kms = env.optional("TOKEN_KMS_KEY_ID");
    let file = env.optional("TOKEN_KEY_FILE").map(PathBuf::from);
    let keys = match (kms, file) {
        (Some(_), Some(_)) => {
            env.invalid(
                "TOKEN_KEY_FILE",
                "set either TOKEN_KMS_KEY_ID or TOKEN_KEY_FILE, not both",
            );
            return None;
        }
        (Some(key_id), None) => Some(TokenKeys::Kms { key_id }),
        (None, Some(path)) => Some(TokenKeys::File(path)),
        (None, None) => None,
    };
    match kind.as_str() {
        "sqlite" => {
            let path = PathBuf::from(env.required("SQLITE_PATH", "the SQLite database file")?);
            let keys = keys.unwrap_or_else(|| {
                let mut key_path = path.clone().into_os_string();
                key_path.push(".key");
                TokenKeys::File(key_path.into())
            });
            Some(StoreSettings::Sqlite { path, keys })
        }
        "dynamo" => {
            let table_name = env.required("TABLE_NAME", "the DynamoDB table");
            let endpoint = match env.optional(store::dynamo::ENDPOINT_ENV) {
                None => None,
                Some(_) => Some(env.url(store::dynamo::ENDPOINT_ENV, "")?),
            };
            let Some(keys) = keys else {
                env.missing(
                    "TOKEN_KMS_KEY_ID",
                    "the KMS key sealing tokens at rest (or TOKEN_KEY_FILE)",
                );
                return None;
            };
            Some(StoreSettings::Dynamo {
                table_name: table_name?,
                endpoint,
                keys,
            })
        }
        _ => {
            env.invalid("STORE", "must be sqlite or dynamo");
            None
        }
    }
}

fn read_quotas(env: &mut Env<'_>) -> QuotaLimits {
    let kakao = QuotaLimits::KAKAO;
    let mut limit = |var: &'static str, max: u32| {
        env.parsed(var, max, |raw| match raw.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("must be a number from 1 to {max} (Kakao's limit)")),
        })
    };
    QuotaLimits {
        app: limit("QUOTA_APP_DAILY", kakao.app),
        sender: limit("QUOTA_SENDER_DAILY", kakao.sender),
        recipient: limit("QUOTA_RECIPIENT_DAILY", kakao.recipient),
        pair: limit("QUOTA_PAIR_DAILY", kakao.pair),
    }
}

fn read_sync(env: &mut Env<'_>) -> SyncSettings {
    let trigger = match env.optional("FRIEND_SYNC_FUNCTION") {
        Some(function_name) => TriggerSettings::Lambda { function_name },
        None => TriggerSettings::InProcess,
    };
    let concurrency = env.parsed(
        "SYNC_CONCURRENCY",
        SyncSettings::DEFAULT_CONCURRENCY,
        |raw| match raw.parse::<usize>() {
            Ok(n) if (1..=SyncSettings::MAX_CONCURRENCY).contains(&n) => Ok(n),
            _ => Err(format!(
                "must be a number from 1 to {}",
                SyncSettings::MAX_CONCURRENCY
            )),
        },
    );
    let daily_at_kst = env.parsed("SYNC_DAILY_AT", SyncSettings::default_daily_at(), |raw| {
        NaiveTime::parse_from_str(raw, "%H:%M").map_err(|_| "must be a time of day as HH:MM".to_owned())
    });
    let admin_timeout = env.parsed(
        "SYNC_ADMIN_TIMEOUT_SECS",
        SyncSettings::DEFAULT_ADMIN_TIMEOUT,
        |raw| match raw.parse::<u64>() {
            Ok(s @ 1..=900) => Ok(Duration::from_secs(s)),
            _ => Err("must be a number of seconds from 1 to 900".to_owned()),
        },
    );
    SyncSettings {
        trigger,
        concurrency,
        daily_at_kst,
        admin_timeout,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    pub(super) fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const LAMBDA: &[(&str, &str)] = &[
        ("KAKAO_REST_API_KEY", "rest-key"),
        ("KAKAO_ADMIN_KEY", "admin-key-value"),
        ("KAKAO_APP_ID", "100001"),
        ("STORE", "dynamo"),
        ("TABLE_NAME", "ttokttok"),
        ("TOKEN_KMS_KEY_ID", "alias/ttokttok"),
        ("FRIEND_SYNC_FUNCTION", "ttokttok-friend-sync"),
    ];

    #[test]
    fn a_lambda_environment_reads_into_settings_with_kakaos_defaults() {
        let settings = Settings::from_lookup(lookup(LAMBDA)).unwrap();
        assert_eq!(settings.kakao.rest_api_key, "rest-key");
        assert_eq!(
            settings.kakao.admin_key.as_ref().unwrap().expose_secret(),
            "admin-key-value"
        );
        assert_eq!(settings.kakao.app_id.get(), 100_001);
        assert_eq!(settings.kakao.auth_base.as_str(), "https://kauth.kakao.com/");
        assert_eq!(settings.kakao.api_base.as_str(), "https://kapi.kakao.com/");
        assert!(settings.kakao.client_secret.is_none());
        assert_eq!(
            settings.store,
            StoreSettings::Dynamo {
                table_name: "ttokttok".into(),
                endpoint: None,
                keys: TokenKeys::Kms {
                    key_id: "alias/ttokttok".into()
                },
            }
        );
        assert_eq!(settings.quotas, QuotaLimits::KAKAO);
        assert_eq!(
            settings.sync.trigger,
            TriggerSettings::Lambda {
                function_name: "ttokttok-friend-sync".into()
            }
        );
    }

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = Settings::from_lookup(lookup(&[("STORE", "dynamo")])).unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(ConfigProblem::var).collect();
        assert_eq!(
            vars,
            [
                // KAKAO_ADMIN_KEY is not among them: only the login function is given it.
                "KAKAO_REST_API_KEY",
                "KAKAO_APP_ID",
                "TABLE_NAME",
                "TOKEN_KMS_KEY_ID"
            ]
        );
        let message = err.to_string();
        assert!(message.contains("KAKAO_APP_ID is not set"), "{message}");
    }

    #[test]
    fn bad_values_are_named_without_echoing_them() {
        let mut pairs = LAMBDA.to_vec();
        pairs.retain(|(k, _)| *k != "KAKAO_APP_ID");
        pairs.extend([
            ("KAKAO_APP_ID", "app-secret-ish"),
            ("KAKAO_API_BASE", "not a url"),
            ("QUOTA_PAIR_DAILY", "21"),
            ("SYNC_DAILY_AT", "25:00"),
            ("STORE", "postgres"),
        ]);
        // Later entries win in the map.
        let err = Settings::from_lookup(lookup(&pairs)).unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(ConfigProblem::var).collect();
        assert_eq!(
            vars,
            [
                "KAKAO_APP_ID",
                "KAKAO_API_BASE",
                "STORE",
                "QUOTA_PAIR_DAILY",
                "SYNC_DAILY_AT"
            ]
        );
        assert!(!err.to_string().contains("app-secret-ish"), "{err}");
    }

    #[test]
    fn sqlite_keeps_its_token_key_beside_the_database_by_default() {
        let settings = Settings::from_lookup(lookup(&[
            ("KAKAO_REST_API_KEY", "k"),
            ("KAKAO_ADMIN_KEY", "a"),
            ("KAKAO_APP_ID", "1"),
            ("KAKAO_AUTH_BASE", "http://127.0.0.1:9000"),
            ("KAKAO_API_BASE", "http://127.0.0.1:9000"),
            ("STORE", "sqlite"),
            ("SQLITE_PATH", "/tmp/ttokttok.db"),
            ("SYNC_DAILY_AT", "06:15"),
            ("QUOTA_SENDER_DAILY", "50"),
        ]))
        .unwrap();
        assert_eq!(
            settings.store,
            StoreSettings::Sqlite {
                path: "/tmp/ttokttok.db".into(),
                keys: TokenKeys::File("/tmp/ttokttok.db.key".into()),
            }
        );
        assert_eq!(settings.kakao.api_base.as_str(), "http://127.0.0.1:9000/");
        assert_eq!(settings.quotas.sender, 50);
        assert_eq!(
            settings.sync.daily_at_kst,
            NaiveTime::from_hms_opt(6, 15, 0).unwrap()
        );
        assert_eq!(settings.sync.trigger, TriggerSettings::InProcess);
    }

    #[test]
    fn settings_never_print_their_secrets() {
        let mut pairs = LAMBDA.to_vec();
        pairs.push(("KAKAO_CLIENT_SECRET", "client-secret-value"));
        let settings = Settings::from_lookup(lookup(&pairs)).unwrap();
        let printed = format!("{settings:?}");
        assert!(!printed.contains("admin-key-value"), "{printed}");
        assert!(!printed.contains("client-secret-value"), "{printed}");
    }

    #[test]
    fn one_read_names_every_bad_variable_across_the_parts() {
        // These were five readers with five error types, each stopping at its first problem.
        let mut pairs = LAMBDA.to_vec();
        pairs.retain(|(k, _)| *k != "KAKAO_APP_ID");
        pairs.extend([
            ("KAKAO_APP_ID", "-1"),
            ("REMINDER_LINKS", "sometimes"),
            ("SWEEP_CONCURRENCY", "0"),
            ("PUBLIC_URL", "ftp://tt.example.com"),
            ("WEB_SECRET", "c2hvcnQ="),
            ("JOIN_LINK_GRACE_MINUTES", "an hour"),
        ]);
        let err = Settings::from_lookup_with::<(SiteSettings, (PublicUrl, AttendanceConfig))>(lookup(&pairs))
            .unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(ConfigProblem::var).collect();
        assert_eq!(
            vars,
            [
                "KAKAO_APP_ID",
                "REMINDER_LINKS",
                "SWEEP_CONCURRENCY",
                // Once, though two parts use it.
                "PUBLIC_URL",
                "WEB_SECRET",
                "JOIN_LINK_GRACE_MINUTES"
            ]
        );
        let message = err.to_string();
        for var in vars {
            assert!(message.contains(&format!("{var} is invalid")), "{message}");
        }
    }

    #[test]
    fn only_the_declared_parts_are_required() {
        assert!(Settings::from_lookup(lookup(LAMBDA)).is_ok());
        let err = Settings::from_lookup_with::<SiteSettings>(lookup(LAMBDA)).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("PUBLIC_URL is not set"), "{message}");
        assert!(message.contains("WEB_SECRET is not set"), "{message}");
        let mut pairs = LAMBDA.to_vec();
        pairs.push(("PUBLIC_URL", "https://tt.example.com/"));
        let (settings, public_url) = Settings::from_lookup_with::<PublicUrl>(lookup(&pairs)).unwrap();
        assert_eq!(public_url.as_str(), "https://tt.example.com/");
        assert_eq!(settings.sweep, SweepConfig::default());
    }

    #[test]
    fn real_kakao_is_read_only_when_its_key_is_set_and_then_needs_the_admin_key() {
        assert!(
            read_parts::<Option<KakaoSettings>>(lookup(&[]))
                .unwrap()
                .is_none()
        );
        let err = read_parts::<Option<KakaoSettings>>(lookup(&[("KAKAO_REST_API_KEY", "k")])).unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(ConfigProblem::var).collect();
        assert_eq!(vars, ["KAKAO_APP_ID", "KAKAO_ADMIN_KEY"]);
    }
}

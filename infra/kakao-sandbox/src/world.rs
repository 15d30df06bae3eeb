//! The world a sandbox starts from: the Kakao app (keys, consent items, redirect URIs, quotas,
//! token lifetimes), the Kakao users, and who is friends with whom.
//!
//! A world is plain data (JSON or TOML) so tests and demos can describe the situation they need;
//! [`World::validate`] refuses contradictions (unknown friend ids, duplicate uuids, ...) with an
//! error that names the culprit. Every Kakao rule the sandbox applies and that a test might want to
//! bend (quota limits, token lifetimes) lives here, defaulting to Kakao's documented values
//! (`docs/kakao.md`).

mod generate;
mod validate;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use validate::WorldProblem;
pub(crate) use validate::is_well_formed_uuid;

/// The shipped default world (`worlds/default.json`), embedded so the binary needs no files.
const DEFAULT_WORLD_JSON: &str = include_str!("../worlds/default.json");

/// Everything a sandbox starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    pub app: AppConfig,
    #[serde(default)]
    pub users: Vec<UserSpec>,
    /// Kakao friendships are symmetric: one entry makes both people friends.
    #[serde(default)]
    pub friendships: Vec<Friendship>,
    #[serde(default)]
    pub clock: ClockSpec,
}

/// One Kakao Developers app, as its console would show it, plus the platform limits Kakao
/// applies to it (kept here so tests can lower them). `Debug` leaves the secrets out.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Kakao app ids are numbers (`app_id` in access_token_info); the unlink webhook sends it as text.
    pub app_id: i64,
    #[serde(default = "default_app_name")]
    pub name: String,
    /// The REST API key, which OAuth calls `client_id`.
    pub rest_api_key: String,
    /// When set, `/oauth/token` demands it on both grants (KOE010 otherwise).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The admin key: `Authorization: KakaoAK {admin_key}` on admin calls and on the unlink webhook.
    pub admin_key: String,
    #[serde(default = "default_consent_items")]
    pub consent_items: Vec<ConsentItem>,
    /// Registered redirect URIs; `/oauth/authorize` requires an exact match (KOE006).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Registered web domains (`http://host:port`); message links elsewhere do not open.
    #[serde(default)]
    pub web_domains: Vec<String>,
    /// Where Kakao POSTs when a user unlinks the app outside our service.
    #[serde(default)]
    pub unlink_webhook_url: Option<String>,
    /// The "카카오톡 친구/메시지" permission. Without it Kakao lists and messages team members only.
    #[serde(default = "yes")]
    pub message_permission: bool,
    /// App members (team); the only people reachable while `message_permission` is off.
    #[serde(default)]
    pub team_members: Vec<i64>,
    #[serde(default)]
    pub quotas: QuotaLimits,
    #[serde(default)]
    pub tokens: TokenPolicy,
    /// Page size of the friends API when the caller sends no `limit`. Kakao's current default is
    /// UNCONFIRMED (believed 10; a legacy doc said 100); the small one is the safe reading because
    /// it makes a client that forgets to page fail visibly.
    #[serde(default = "default_friends_page_size")]
    pub friends_default_limit: u32,
    /// Whether "send to me" (memo) counts towards the app and sender daily quotas. Kakao's docs do
    /// not say; Kakao's devtalk says it does not (`docs/kakao.md#messages`, `#readings`).
    #[serde(default)]
    pub memo_counts_toward_quota: bool,
    /// Leave `id` out of the friends API's elements: Kakao's SDKs mark it optional
    /// (`docs/kakao.md#friends`), and
    /// a client must key friends by `uuid`.
    #[serde(default)]
    pub friends_without_id: bool,
    /// Whether Kakao serves the app: a blocked (`-12`) or suspended (`-13`, long disuse) app
    /// gets that code from every kapi call. Set it later through `POST /_sandbox/app`.
    #[serde(default)]
    pub standing: AppStanding,
}

/// Whether Kakao serves the app at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStanding {
    #[default]
    Active,
    /// `-12`: the app or its developer account was sanctioned.
    Blocked,
    /// `-13`: suspended after a long time without use (Kakao, since 2026-02).
    Suspended,
}

impl AppStanding {
    /// The code every kapi call gets, when Kakao does not serve the app.
    pub fn refusal_code(self) -> Option<i64> {
        match self {
            AppStanding::Active => None,
            AppStanding::Blocked => Some(-12),
            AppStanding::Suspended => Some(-13),
        }
    }
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |present: bool| if present { "[redacted]" } else { "None" };
        f.debug_struct("AppConfig")
            .field("app_id", &self.app_id)
            .field("name", &self.name)
            .field("rest_api_key", &self.rest_api_key)
            .field("client_secret", &redacted(self.client_secret.is_some()))
            .field("admin_key", &redacted(true))
            .field("consent_items", &self.consent_items)
            .field("redirect_uris", &self.redirect_uris)
            .field("web_domains", &self.web_domains)
            .field("unlink_webhook_url", &self.unlink_webhook_url)
            .field("message_permission", &self.message_permission)
            .field("team_members", &self.team_members)
            .field("quotas", &self.quotas)
            .field("tokens", &self.tokens)
            .field("friends_default_limit", &self.friends_default_limit)
            .field("memo_counts_toward_quota", &self.memo_counts_toward_quota)
            .field("friends_without_id", &self.friends_without_id)
            .field("standing", &self.standing)
            .finish()
    }
}

/// A consent item (동의항목) configured in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentItem {
    /// Scope id, e.g. `friends`.
    pub id: String,
    /// The label on the consent screen and in `/v2/user/scopes`.
    pub display_name: String,
    #[serde(rename = "type")]
    pub kind: ScopeType,
    /// Required items (필수 동의) are fixed on the consent screen and cannot be revoked.
    #[serde(default)]
    pub required: bool,
    /// "이용 중 동의" (consent during use): never shown on a plain login, only when the service
    /// asks for it with `scope=`. Kakao sets `friends` this way until the app has the
    /// friends/message permission (`docs/kakao.md#consent-items`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub during_use: bool,
}

/// Kakao's two kinds of consent item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScopeType {
    /// Personal information (nickname, friends list).
    Privacy,
    /// Access permission (sending KakaoTalk messages).
    Service,
}

/// Kakao's daily message quotas (`docs/kakao.md#quotas`), counted per Kakao day (00:00 Asia/Seoul).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuotaLimits {
    /// All messages the app sends in a day (`-10`).
    pub app_daily: u32,
    /// Messages one sender sends in a day (`-532`).
    pub sender_daily: u32,
    /// Messages one recipient receives from this app in a day (`-533`).
    pub recipient_daily: u32,
    /// Messages from one sender to one recipient in a day (`-536`).
    pub pair_daily: u32,
}

impl Default for QuotaLimits {
    fn default() -> Self {
        Self {
            app_daily: 30_000,
            sender_daily: 100,
            recipient_daily: 100,
            pair_daily: 20,
        }
    }
}

/// Lifetimes and limits of authorization codes and tokens (`docs/kakao.md#tokens`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenPolicy {
    /// Kakao calls codes short-lived without a number; 10 minutes is the common OAuth reading
    /// (`docs/kakao.md#readings`).
    pub authorization_code_seconds: i64,
    /// REST access tokens live 6 hours; Kakao reports `expires_in: 21599`.
    pub access_token_seconds: i64,
    /// Refresh tokens live 2 months; Kakao reports `refresh_token_expires_in: 5183999`.
    pub refresh_token_seconds: i64,
    /// A refresh returns a new refresh token only when the current one has less than this left.
    pub refresh_rotation_threshold_seconds: i64,
    /// Access tokens issued per user per window (KOE237 beyond it); `null` turns the limit off.
    pub access_token_issue_limit: Option<RateLimit>,
    /// Refresh tokens issued per user per window (KOE237 beyond it); `null` turns the limit off.
    pub refresh_token_issue_limit: Option<RateLimit>,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        Self {
            authorization_code_seconds: 600,
            access_token_seconds: 21_599,
            refresh_token_seconds: 5_183_999,
            refresh_rotation_threshold_seconds: 30 * 24 * 3600,
            access_token_issue_limit: Some(RateLimit {
                max: 20,
                window_seconds: 600,
            }),
            refresh_token_issue_limit: Some(RateLimit {
                max: 30,
                window_seconds: 3600,
            }),
        }
    }
}

/// At most `max` events per sliding window of `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub max: u32,
    pub window_seconds: i64,
}

/// Where the sandbox clock starts and whether it runs on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClockSpec {
    /// Start here instead of at the real current time.
    pub start: Option<DateTime<Utc>>,
    /// Stand still unless advanced through `POST /_sandbox/clock` (for exact tests).
    pub frozen: bool,
}

/// One Kakao account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    /// Kakao user id (회원번호), a positive 64-bit number.
    pub id: i64,
    pub nickname: String,
    /// The uuid this app sees for the user (what the message API takes).
    pub uuid: String,
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    #[serde(default)]
    pub profile_image_url: Option<String>,
    /// Whether the user has logged in to (is linked to) the app.
    #[serde(default)]
    pub linked: bool,
    /// Consent items the user agreed to; a linked user has agreed at least to the required ones.
    #[serde(default)]
    pub agreed: Vec<String>,
    /// The user does not accept messages (Kakao answers `-530`).
    #[serde(default)]
    pub refuses_messages: bool,
}

/// Two users who are KakaoTalk friends, and which of them marked the other as a favourite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Friendship {
    pub between: [i64; 2],
    /// Users (of the two) who marked the other one as a favourite (즐겨찾기).
    #[serde(default)]
    pub favorite_of: Vec<i64>,
}

/// Why a world could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error("cannot read the world file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the world file {0} must end in .json or .toml")]
    UnknownFormat(PathBuf),
    #[error("the world file {path} is not a valid world")]
    InFile {
        path: PathBuf,
        #[source]
        source: Box<WorldError>,
    },
    #[error("the world is not valid JSON for a sandbox world")]
    Json(#[source] serde_json::Error),
    #[error("the world is not valid TOML for a sandbox world")]
    Toml(#[source] toml::de::Error),
    #[error("the world contradicts itself")]
    Invalid(#[from] WorldProblem),
}

impl World {
    /// The shipped default world: a tutor (김선생) with friends in every interesting state, and a
    /// second admin (박원장) with friends of its own.
    pub fn default_world() -> World {
        // Start-up code on an embedded file that a unit test loads and validates.
        #[allow(clippy::expect_used)]
        World::from_json_str(DEFAULT_WORLD_JSON).expect("the embedded default world is valid")
    }

    /// One admin (id 1000, linked, agreed to everything) with `n` friends who all linked the app
    /// and agreed to `friends` and `talk_message`.
    pub fn with_friends(n: usize) -> World {
        generate::with_friends(n)
    }

    /// Loads and validates a world from a `.json` or `.toml` file.
    pub fn from_path(p: &Path) -> Result<World, WorldError> {
        let in_file = |source: WorldError| WorldError::InFile {
            path: p.to_owned(),
            source: Box::new(source),
        };
        let text = std::fs::read_to_string(p).map_err(|source| WorldError::Read {
            path: p.to_owned(),
            source,
        })?;
        match p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => World::from_json_str(&text).map_err(in_file),
            Some("toml") => World::from_toml_str(&text).map_err(in_file),
            _ => Err(WorldError::UnknownFormat(p.to_owned())),
        }
    }

    /// Parses and validates a world written in JSON.
    pub fn from_json_str(text: &str) -> Result<World, WorldError> {
        let world: World = serde_json::from_str(text).map_err(WorldError::Json)?;
        world.validate()?;
        Ok(world)
    }

    /// Parses and validates a world written in TOML.
    pub fn from_toml_str(text: &str) -> Result<World, WorldError> {
        let world: World = toml::from_str(text).map_err(WorldError::Toml)?;
        world.validate()?;
        Ok(world)
    }

    /// Checks that the world is consistent; the first problem found is returned.
    pub fn validate(&self) -> Result<(), WorldProblem> {
        validate::validate(self)
    }

    /// The user with this id, if any.
    pub fn user(&self, id: i64) -> Option<&UserSpec> {
        self.users.iter().find(|u| u.id == id)
    }

    /// Mutable access to the user with this id, for tests that adjust a generated world.
    pub fn user_mut(&mut self, id: i64) -> Option<&mut UserSpec> {
        self.users.iter_mut().find(|u| u.id == id)
    }
}

impl AppConfig {
    /// The consent item with this scope id, if the app configures it.
    pub fn consent_item(&self, id: &str) -> Option<&ConsentItem> {
        self.consent_items.iter().find(|c| c.id == id)
    }

    /// Scope ids of the required consent items.
    pub fn required_scopes(&self) -> impl Iterator<Item = &str> {
        self.consent_items
            .iter()
            .filter(|c| c.required)
            .map(|c| c.id.as_str())
    }
}

/// Kakao's stock labels for the consent items ttokttok uses.
pub fn default_consent_items() -> Vec<ConsentItem> {
    vec![
        ConsentItem {
            id: "profile_nickname".into(),
            display_name: "닉네임".into(),
            kind: ScopeType::Privacy,
            required: true,
            during_use: false,
        },
        ConsentItem {
            id: "friends".into(),
            display_name: "카카오 서비스 내 친구목록(프로필사진, 닉네임, 즐겨찾기 포함)".into(),
            kind: ScopeType::Privacy,
            required: false,
            during_use: false,
        },
        ConsentItem {
            id: "talk_message".into(),
            display_name: "카카오톡 메시지 전송".into(),
            kind: ScopeType::Service,
            required: false,
            during_use: false,
        },
    ]
}

fn default_app_name() -> String {
    "똑똑".into()
}

fn default_friends_page_size() -> u32 {
    10
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_default_world_is_valid_and_has_two_admins_with_friends() {
        let world = World::default_world();
        let friends_of = |id: i64| {
            world
                .friendships
                .iter()
                .filter(|f| f.between.contains(&id))
                .count()
        };
        let admins: Vec<&UserSpec> = world.users.iter().filter(|u| friends_of(u.id) >= 3).collect();
        assert!(
            friends_of(world.users[0].id) >= 12,
            "the first admin has at least 12 friends"
        );
        assert!(admins.len() >= 2, "a second admin with its own friends exists");
    }

    #[test]
    fn debug_output_leaves_the_secrets_out() {
        let app = World::with_friends(0).app;
        let printed = format!("{app:?}");
        assert!(!printed.contains(&app.admin_key));
        assert!(app.client_secret.is_some_and(|secret| !printed.contains(&secret)));
        assert!(
            printed.contains(&app.rest_api_key),
            "the client id is not a secret"
        );
    }

    #[test]
    fn a_generated_world_is_valid() {
        for n in [0, 1, 5, 250] {
            let world = World::with_friends(n);
            assert_eq!(world.validate(), Ok(()));
            assert_eq!(world.users.len(), n + 1);
            assert_eq!(world.friendships.len(), n);
        }
    }
}

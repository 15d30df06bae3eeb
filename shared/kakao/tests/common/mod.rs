//! The Kakao client against the Kakao sandbox: `spawn_kakao()` starts a sandbox on port 0 with a
//! frozen clock, builds a `KakaoClient` for it (with a `ManualClock` at the same instant), and
//! offers the few sandbox controls the tests need (tokens, faults, clock, inboxes, login pages).

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, ManualClock, TemplateText};
use kakao::{
    AccessToken, AuthorizationCode, AuthorizeOptions, KakaoClient, KakaoConfig, Link, RefreshToken,
    RetryPolicy, Template, TextTemplate, TokenSet, WebLink,
};
use kakao_sandbox::{SandboxHandle, World};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

/// The generated world's admin and its first friends.
pub const ADMIN: i64 = 1000;
pub const FRIEND: i64 = 1001;
pub const CALLBACK: &str = "http://127.0.0.1:3000/oauth/callback";
pub const ALL_SCOPES: [&str; 3] = ["profile_nickname", "friends", "talk_message"];
pub const DAY: i64 = 24 * 3600;

pub struct TestKakao {
    pub sandbox: SandboxHandle,
    pub world: World,
    pub client: KakaoClient,
    pub clock: ManualClock,
    http: reqwest::Client,
}

/// Monday 2026-03-02 14:00 KST (05:00 UTC), well inside a Kakao day.
pub fn monday_afternoon() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T05:00:00Z")
        .map(|t| t.to_utc())
        .unwrap()
}

/// An admin with `n` friends, the sandbox clock frozen on Monday afternoon.
pub fn friends_world(n: usize) -> World {
    let mut world = World::with_friends(n);
    world.clock.start = Some(monday_afternoon());
    world.clock.frozen = true;
    world
}

/// Retries without waiting long: tests assert how many attempts were made, not how long.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
    }
}

pub async fn spawn_kakao(world: World) -> TestKakao {
    spawn_kakao_with(world, |config| config).await
}

/// Like [`spawn_kakao`], with a chance to adjust the client's configuration.
pub async fn spawn_kakao_with(world: World, adjust: impl FnOnce(KakaoConfig) -> KakaoConfig) -> TestKakao {
    let sandbox = kakao_sandbox::spawn(world.clone()).await.unwrap();
    let config = config_for(&world, Url::parse(&sandbox.url()).unwrap());
    let clock = ManualClock::new(world.clock.start.unwrap_or_else(monday_afternoon));
    let client = KakaoClient::new(adjust(config), Arc::new(clock.clone())).unwrap();
    TestKakao {
        sandbox,
        world,
        client,
        clock,
        http: reqwest::Client::new(),
    }
}

/// The app's credentials from the world, both hosts on `base`.
pub fn config_for(world: &World, base: Url) -> KakaoConfig {
    KakaoConfig::single_base(
        base,
        world.app.rest_api_key.clone(),
        world.app.client_secret.clone().map(SecretString::from),
        Some(SecretString::from(world.app.admin_key.clone())),
    )
    .timeout(Duration::from_secs(5))
    .read_retry(quick_retries())
}

pub fn uuid_of(world: &World, user: i64) -> FriendUuid {
    FriendUuid::parse(&world.user(user).unwrap().uuid).unwrap()
}

pub fn user_id(id: i64) -> KakaoUserId {
    KakaoUserId::new(id).unwrap()
}

/// A plain reminder with a join link.
pub fn reminder(text: &str) -> Template {
    let link = Link::to(WebLink::parse("https://meet.example.com/j/abc").unwrap());
    TextTemplate::new(TemplateText::parse(text).unwrap(), link)
        .with_button_title("입장하기")
        .unwrap()
        .into()
}

impl TestKakao {
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    pub fn uuid(&self, user: i64) -> FriendUuid {
        uuid_of(&self.world, user)
    }

    /// Tokens for `user` who agreed to exactly `scopes`, issued by the sandbox's control API
    /// and read the way the client reads a token response (expiries from the test clock).
    pub async fn tokens(&self, user: i64, scopes: &[&str]) -> TokenSet {
        let body = self
            .control("/_sandbox/tokens", json!({"user_id": user, "scopes": scopes}))
            .await;
        let now = self.clock.now_utc();
        let seconds = |key: &str| chrono::Duration::seconds(body[key].as_i64().unwrap());
        TokenSet {
            access_token: AccessToken::new(body["access_token"].as_str().unwrap()),
            access_expires_at: now + seconds("expires_in"),
            refresh_token: RefreshToken::new(body["refresh_token"].as_str().unwrap()),
            refresh_expires_at: Some(now + seconds("refresh_token_expires_in")),
            scopes: body["scope"]
                .as_str()
                .map(|s| s.split(' ').map(str::to_owned).collect()),
            id_token: None,
        }
    }

    pub async fn access_token(&self, user: i64, scopes: &[&str]) -> AccessToken {
        self.tokens(user, scopes).await.access_token
    }

    /// A token for someone who agreed to everything ttokttok asks for.
    pub async fn full_token(&self, user: i64) -> AccessToken {
        self.access_token(user, &ALL_SCOPES).await
    }

    /// POSTs JSON to the control API, asserting success.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = self.http.post(self.at(path)).json(&body).send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    pub async fn control_get(&self, path: &str) -> Value {
        self.http
            .get(self.at(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Adds a fault (`{"path", "status"|"kakao_code"|"latency_ms"|"drop_connection", ...}`).
    pub async fn fault(&self, fault: Value) {
        self.control("/_sandbox/faults", fault).await;
    }

    /// The faults still armed.
    pub async fn faults(&self) -> Vec<Value> {
        self.control_get("/_sandbox/faults")
            .await
            .as_array()
            .cloned()
            .unwrap()
    }

    /// Moves the sandbox clock and the client's clock together.
    pub async fn advance(&self, seconds: i64) {
        self.control("/_sandbox/clock", json!({"advance_seconds": seconds}))
            .await;
        self.clock.advance(chrono::Duration::seconds(seconds));
    }

    pub async fn inbox(&self, user: i64) -> Vec<Value> {
        self.control_get(&format!("/_sandbox/inbox/{user}"))
            .await
            .as_array()
            .cloned()
            .unwrap()
    }

    /// Walks the sandbox's login pages as a browser would, starting from the client's own
    /// authorize URL: pick `user`, agree to everything asked. Returns the final redirect URL.
    pub async fn walk_login(&self, user: i64, options: &AuthorizeOptions) -> Url {
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let authorize = self
            .client
            .authorize_url(&Url::parse(CALLBACK).unwrap(), "state-123", options);
        let page = browser.get(authorize).send().await.unwrap();
        assert_eq!(page.status(), 200, "the account picker is shown");
        let login_id = hidden_value(&page.text().await.unwrap(), "login_id");
        let picked = browser
            .post(self.at("/oauth/authorize/login"))
            .form(&[("login_id", login_id.as_str()), ("user_id", &user.to_string())])
            .send()
            .await
            .unwrap();
        let decided = if picked.status() == 302 {
            picked
        } else {
            assert_eq!(picked.status(), 200, "the consent page is shown");
            let login_id = hidden_value(&picked.text().await.unwrap(), "login_id");
            browser
                .post(self.at("/oauth/authorize/consent"))
                .form(&[("login_id", login_id.as_str()), ("action", "agree_all")])
                .send()
                .await
                .unwrap()
        };
        assert_eq!(decided.status(), 302, "login ends in a redirect");
        Url::parse(decided.headers()["location"].to_str().unwrap()).unwrap()
    }

    /// An authorization code from a full login by `user`.
    pub async fn login_code(&self, user: i64, options: &AuthorizeOptions) -> AuthorizationCode {
        let redirect = self.walk_login(user, options).await;
        let code = redirect
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned());
        AuthorizationCode::new(code.unwrap_or_else(|| panic!("a code in {redirect}")))
    }

    pub fn callback() -> Url {
        Url::parse(CALLBACK).unwrap()
    }
}

/// `ManualClock` reads through the `Clock` trait; a short name for tests.
pub trait NowUtc {
    fn now_utc(&self) -> DateTime<Utc>;
}

impl NowUtc for ManualClock {
    fn now_utc(&self) -> DateTime<Utc> {
        domain::Clock::now(self)
    }
}

/// The value of `<input type="hidden" name="{name}" value="...">` in a page.
fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("hidden {name} in:\n{page}"))
        + marker.len();
    page[start..].split('"').next().unwrap_or_default().to_owned()
}

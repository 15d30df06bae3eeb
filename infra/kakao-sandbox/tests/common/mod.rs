//! Helpers for the conformance tests: a sandbox with a raw HTTP client and the few calls every
//! test makes. Requests are written out by hand (form bodies, headers) as a Kakao client would.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use kakao_sandbox::{SandboxHandle, World};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The generated world's admin.
pub const ADMIN: i64 = 1000;
/// Its first friend, and the uuid of any generated user.
pub const FRIEND: i64 = 1001;
pub const CALLBACK: &str = "http://127.0.0.1:3000/oauth/callback";

pub struct Kakao {
    pub sandbox: SandboxHandle,
    pub url: String,
    pub http: reqwest::Client,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub admin_key: String,
}

/// Monday 2026-03-02 14:00 KST, a quiet moment well inside a Kakao day.
pub fn monday_afternoon() -> DateTime<Utc> {
    at("2026-03-02T05:00:00Z")
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.to_utc())
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
}

/// `world` with its clock frozen at `start`, so tests move time only on purpose.
pub fn frozen_at(mut world: World, start: DateTime<Utc>) -> World {
    world.clock.start = Some(start);
    world.clock.frozen = true;
    world
}

/// An admin with `n` friends on a frozen Monday afternoon.
pub fn friends_world(n: usize) -> World {
    frozen_at(World::with_friends(n), monday_afternoon())
}

pub async fn start(world: World) -> Kakao {
    let client_id = world.app.rest_api_key.clone();
    let client_secret = world.app.client_secret.clone();
    let admin_key = world.app.admin_key.clone();
    let sandbox = kakao_sandbox::spawn(world)
        .await
        .unwrap_or_else(|e| panic!("sandbox starts: {e}"));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("client builds: {e}"));
    Kakao {
        url: sandbox.url(),
        sandbox,
        http,
        client_id,
        client_secret,
        admin_key,
    }
}

/// The uuid a user has in a world.
pub fn uuid_of(world: &World, user: i64) -> String {
    world
        .user(user)
        .map(|u| u.uuid.clone())
        .unwrap_or_else(|| panic!("no user {user}"))
}

impl Kakao {
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// An access token (and the rest of the token body) for a user with exactly these consents.
    pub async fn token_body(&self, user: i64, scopes: &[&str]) -> Value {
        let response = self
            .http
            .post(self.at("/_sandbox/tokens"))
            .json(&json!({"user_id": user, "scopes": scopes}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("control API answers: {e}"));
        assert_eq!(response.status(), StatusCode::OK, "tokens for {user}");
        response
            .json()
            .await
            .unwrap_or_else(|e| panic!("token body is JSON: {e}"))
    }

    pub async fn token(&self, user: i64, scopes: &[&str]) -> String {
        let body = self.token_body(user, scopes).await;
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("access_token in {body}"))
            .to_owned()
    }

    /// A token for a user who agreed to everything.
    pub async fn full_token(&self, user: i64) -> String {
        self.token(user, &["profile_nickname", "friends", "talk_message"])
            .await
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> (StatusCode, Value) {
        let mut request = self.http.get(self.at(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        json_of(request.send().await).await
    }

    /// A form POST, as Kakao wants every POST body.
    pub async fn post_form(
        &self,
        path: &str,
        authorization: Option<&str>,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = self.http.post(self.at(path)).form(form);
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        json_of(request.send().await).await
    }

    pub async fn post_bearer(&self, path: &str, token: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        self.post_form(path, Some(&format!("Bearer {token}")), form).await
    }

    /// `POST /oauth/token` with the app's credentials plus `form`.
    pub async fn oauth_token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let mut full: Vec<(&str, &str)> = vec![("client_id", &self.client_id)];
        if let Some(secret) = &self.client_secret {
            full.push(("client_secret", secret));
        }
        full.extend_from_slice(form);
        self.post_form("/oauth/token", None, &full).await
    }

    /// Sends a text message from the token's owner to `uuids`.
    pub async fn send_text(&self, token: &str, uuids: &[&str], text: &str) -> (StatusCode, Value) {
        let receivers = serde_json::to_string(uuids).unwrap_or_default();
        let template = json!({"object_type": "text", "text": text,
                              "link": {"web_url": "http://127.0.0.1:3000/j/abc"}, "button_title": "입장하기"});
        self.post_bearer(
            "/v1/api/talk/friends/message/default/send",
            token,
            &[
                ("receiver_uuids", &receivers),
                ("template_object", &template.to_string()),
            ],
        )
        .await
    }

    pub async fn control(&self, path: &str, body: Value) -> (StatusCode, Value) {
        json_of(self.http.post(self.at(path)).json(&body).send().await).await
    }

    pub async fn advance(&self, seconds: i64) -> Value {
        let (status, body) = self
            .control("/_sandbox/clock", json!({"advance_seconds": seconds}))
            .await;
        assert_eq!(status, StatusCode::OK, "clock moves: {body}");
        body
    }

    pub async fn inbox(&self, user: i64) -> Vec<Value> {
        let (status, body) = self.get(&format!("/_sandbox/inbox/{user}"), None).await;
        assert_eq!(status, StatusCode::OK);
        body.as_array()
            .cloned()
            .unwrap_or_else(|| panic!("inbox is a list: {body}"))
    }

    /// Runs the login pages as a browser would: authorize, pick `user`, then submit the consent
    /// form (when one is shown) with `action` and the `ticked` optional items. Returns the final
    /// redirect's Location.
    pub async fn walk_login(&self, user: i64, scope: Option<&str>, action: &str, ticked: &[&str]) -> String {
        let mut query = vec![
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("state", "xyz-123"),
        ];
        if let Some(scope) = scope {
            query.push(("scope", scope));
        }
        let page = self.page("/oauth/authorize", &query).await;
        let login_id = hidden_value(&page, "login_id");
        let picked = self
            .http
            .post(self.at("/oauth/authorize/login"))
            .form(&[("login_id", login_id.as_str()), ("user_id", &user.to_string())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("picker answers: {e}"));
        if picked.status() == StatusCode::FOUND {
            return location(&picked);
        }
        assert_eq!(picked.status(), StatusCode::OK, "the consent page is shown");
        let consent = picked.text().await.unwrap_or_default();
        let login_id = hidden_value(&consent, "login_id");
        let mut form = vec![("login_id", login_id.as_str()), ("action", action)];
        form.extend(ticked.iter().map(|item| ("agreed", *item)));
        let decided = self
            .http
            .post(self.at("/oauth/authorize/consent"))
            .form(&form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("consent answers: {e}"));
        assert_eq!(decided.status(), StatusCode::FOUND, "consent ends in a redirect");
        location(&decided)
    }

    /// A code from a full login in which `user` ticks `ticked`.
    pub async fn login_code(&self, user: i64, ticked: &[&str]) -> String {
        let location = self.walk_login(user, None, "agree", ticked).await;
        query_value(&location, "code").unwrap_or_else(|| panic!("a code in {location}"))
    }

    /// An HTML page's text, asserting 200.
    pub async fn page(&self, path: &str, query: &[(&str, &str)]) -> String {
        let response = self
            .http
            .get(self.at(path))
            .query(query)
            .send()
            .await
            .unwrap_or_else(|e| panic!("page answers: {e}"));
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.unwrap_or_default()
    }
}

pub async fn json_of(response: reqwest::Result<reqwest::Response>) -> (StatusCode, Value) {
    let response = response.unwrap_or_else(|e| panic!("the sandbox answers: {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_else(|| panic!("a Location header"))
        .to_owned()
}

/// The value of `<input type="hidden" name="{name}" value="...">` in a page.
pub fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("hidden {name} in page:\n{page}"))
        + marker.len();
    page[start..].split('"').next().unwrap_or_default().to_owned()
}

/// A query parameter of a URL, decoded.
pub fn query_value(url: &str, name: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

//! A browser without a screen: keeps cookies, follows redirects only when asked, and can walk
//! the Kakao sandbox's login pages the way a person clicks through them.

use std::collections::BTreeMap;
use std::sync::Mutex;

use reqwest::header::{self, HeaderMap};
use serde_json::Value;

use crate::html;

/// One answer.
#[derive(Debug, Clone)]
pub struct Page {
    pub url: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// `Location`, made absolute against this page's URL.
    pub fn location(&self) -> Option<String> {
        let location = self.headers.get(header::LOCATION)?.to_str().ok()?;
        let base = url::Url::parse(&self.url).ok()?;
        base.join(location).ok().map(|u| u.to_string())
    }

    /// The path and query of `Location` (for redirects within ttokttok).
    pub fn location_path(&self) -> Option<String> {
        let location = url::Url::parse(&self.location()?).ok()?;
        Some(match location.query() {
            Some(q) => format!("{}?{q}", location.path()),
            None => location.path().to_owned(),
        })
    }

    pub fn has_id(&self, id: &str) -> bool {
        html::has_id(&self.body, id)
    }

    pub fn attr(&self, id: &str, name: &str) -> Option<String> {
        html::attr_of(&self.body, id, name)
    }

    pub fn text(&self, id: &str) -> Option<String> {
        html::text_of(&self.body, id)
    }

    pub fn csrf(&self) -> Option<String> {
        html::csrf(&self.body)
    }

    /// The `data-problem` of a problem page or dialog.
    pub fn problem(&self) -> Option<String> {
        self.attr("problem", "data-problem")
            .or_else(|| self.attr("problem-dialog", "data-problem"))
    }

    /// The status and the JSON body (`Null` when the body is not JSON), for asserting on both.
    pub fn answer(&self) -> (u16, Value) {
        (
            self.status,
            serde_json::from_str(&self.body).unwrap_or(Value::Null),
        )
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{} is not JSON ({e}): {}", self.url, self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every `Set-Cookie` line.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

/// What to do on Kakao's consent screen.
#[derive(Debug, Clone, Copy)]
pub enum Consent<'a> {
    /// "Agree to all and continue".
    AgreeAll,
    /// Tick exactly these optional items (required ones are always given).
    Agree(&'a [&'a str]),
    /// Press cancel.
    Cancel,
}

/// A cookie-keeping client. Cookies are kept by name (every server here is 127.0.0.1).
pub struct Browser {
    base: String,
    http: reqwest::Client,
    jar: Mutex<BTreeMap<String, String>>,
    /// Sent with every request.
    pub accept_language: Mutex<Option<String>>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("client builds: {e}"));
        Self {
            base: base.to_owned(),
            http,
            jar: Mutex::new(BTreeMap::new()),
            accept_language: Mutex::new(None),
        }
    }

    fn absolute(&self, url: &str) -> String {
        if url.starts_with("http://") || url.starts_with("https://") {
            url.to_owned()
        } else {
            format!("{}{url}", self.base)
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned(), value.to_owned());
    }

    pub fn forget_cookie(&self, name: &str) {
        self.jar.lock().unwrap_or_else(|e| e.into_inner()).remove(name);
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.jar
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, headers: &HeaderMap) {
        let mut jar = self.jar.lock().unwrap_or_else(|e| e.into_inner());
        for line in headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let mut parts = line.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
                continue;
            };
            let deleted = parts.any(|p| p.trim().eq_ignore_ascii_case("Max-Age=0"));
            if deleted || value.is_empty() {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder, url: String) -> Page {
        let mut request = request;
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies);
        }
        if let Some(lang) = self
            .accept_language
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            request = request.header(header::ACCEPT_LANGUAGE, lang);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.keep_cookies(&headers);
        let body = response.text().await.unwrap_or_default();
        Page {
            url,
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, url: &str) -> Page {
        let url = self.absolute(url);
        self.send(self.http.get(&url), url).await
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Page {
        let url = self.absolute(url);
        self.send(self.http.post(&url).form(form), url).await
    }

    /// A JSON POST, with the CSRF header when given.
    pub async fn post_json(&self, url: &str, body: &Value, csrf: Option<&str>) -> Page {
        let url = self.absolute(url);
        let mut request = self.http.post(&url).json(body);
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        self.send(request, url).await
    }

    /// A JSON PUT with the CSRF header.
    pub async fn put_json(&self, url: &str, body: &Value, csrf: &str) -> Page {
        let url = self.absolute(url);
        let request = self.http.put(&url).json(body).header("x-csrf-token", csrf);
        self.send(request, url).await
    }

    /// Follows `Location` (with GETs) until a page that is not a redirect.
    pub async fn follow(&self, mut page: Page) -> Page {
        for _ in 0..10 {
            match (page.status, page.location()) {
                (301 | 302 | 303 | 307 | 308, Some(next)) => page = self.get(&next).await,
                _ => return page,
            }
        }
        panic!("too many redirects from {}", page.url)
    }

    /// From a redirect to Kakao's authorize URL: picks `user` on the sandbox's account picker and
    /// answers the consent screen (if one is shown), and returns Kakao's redirect back to
    /// ttokttok (not yet followed).
    pub async fn through_kakao(&self, to_kakao: &Page, user: i64, consent: Consent<'_>) -> Page {
        let authorize = to_kakao.location().unwrap_or_else(|| {
            panic!(
                "expected a redirect to Kakao, got {} {}",
                to_kakao.status, to_kakao.body
            )
        });
        self.kakao_from(&authorize, user, consent).await
    }

    /// As [`Browser::through_kakao`], from the authorize URL itself.
    pub async fn kakao_from(&self, authorize_url: &str, user: i64, consent: Consent<'_>) -> Page {
        let picker = self.get(authorize_url).await;
        assert_eq!(picker.status, 200, "Kakao's account picker: {}", picker.body);
        let login_id = html::input_value(&picker.body, "login_id").unwrap_or_else(|| panic!("no login_id"));
        let origin = origin_of(authorize_url);
        let user_id = user.to_string();
        let picked = self
            .post_form(
                &format!("{origin}/oauth/authorize/login"),
                &[("login_id", &login_id), ("user_id", &user_id)],
            )
            .await;
        if picked.status == 302 {
            // Nothing to ask: straight back to the service.
            return picked;
        }
        assert_eq!(picked.status, 200, "Kakao's consent screen: {}", picked.body);
        let login_id = html::input_value(&picked.body, "login_id").unwrap_or_else(|| panic!("no login_id"));
        let mut form: Vec<(&str, &str)> = vec![("login_id", &login_id)];
        match consent {
            Consent::AgreeAll => form.push(("action", "agree_all")),
            Consent::Cancel => form.push(("action", "cancel")),
            Consent::Agree(items) => {
                form.push(("action", "agree"));
                form.extend(items.iter().map(|item| ("agreed", *item)));
            }
        }
        let answered = self
            .post_form(&format!("{origin}/oauth/authorize/consent"), &form)
            .await;
        assert_eq!(answered.status, 302, "Kakao redirects back: {}", answered.body);
        answered
    }

    /// The whole admin login: `/login`, Kakao, and the callback; returns the callback's answer.
    pub async fn log_in(&self, user: i64, consent: Consent<'_>) -> Page {
        let start = self.get("/login").await;
        let back = self.through_kakao(&start, user, consent).await;
        let callback = back
            .location()
            .unwrap_or_else(|| panic!("Kakao sends the browser back"));
        self.get(&callback).await
    }
}

fn origin_of(url: &str) -> String {
    let parsed = url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    parsed.origin().ascii_serialization()
}

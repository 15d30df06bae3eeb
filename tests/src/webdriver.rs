//! Just enough of the W3C WebDriver protocol to drive Debian's headless Chromium through
//! `chromedriver`: navigate, find, click, type, read, screenshot.
//!
//! [`Chromium::launch`] starts `chromedriver` on a free loopback port and a browser session with
//! the flags the project runs Chromium with (headless, no sandbox, no GPU, no QUIC, nothing
//! phoning home) and a fresh profile directory. Dropping it ends the session and stops the
//! driver it started.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::spawn::TempDir;

/// WebDriver's key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait for a page or an element may take before the test gives up. Generous: this
/// is a deadline for a hang, not a speed assertion.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Where the browser and its driver are: `CHROMIUM`/`CHROMEDRIVER` (set by infra/lib/chromium.sh)
/// or the usual names on PATH.
pub fn find_binaries() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, names: &[&str]| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_file()) {
            return Some(path);
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
            .find(|p| p.is_file())
    };
    Some((
        find("CHROMIUM", &["chromium", "chromium-browser"])?,
        find("CHROMEDRIVER", &["chromedriver"])?,
    ))
}

/// Whether some installed font covers Korean (`fc-list :lang=ko`): without one, every Hangul
/// letter in a screenshot is an empty box (infra/lib/chromium.sh installs `fonts-noto-cjk`).
pub fn korean_font_installed() -> bool {
    Command::new("fc-list")
        .args([":lang=ko", "family"])
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.trim_ascii().is_empty())
}

/// A browser session.
pub struct Chromium {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: TempDir,
}

/// An element on the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Chromium {
    /// Starts `chromedriver` and a headless Chromium session (Korean first, 1280x900).
    pub async fn launch(browser: &PathBuf, driver: &PathBuf) -> Chromium {
        let port = free_port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", driver.display()));
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let ready = http.get(format!("{base}/status")).send().await.ok();
            let ready = match ready {
                Some(r) => r
                    .json::<Value>()
                    .await
                    .ok()
                    .and_then(|v| v["value"]["ready"].as_bool()),
                None => None,
            };
            if ready == Some(true) {
                break;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "chromedriver did not come up on {base}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = TempDir::new("chromium-profile");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=ko-KR",
                    format!("--user-data-dir={}", profile.path().display()),
                    "--window-size=1280,900",
                ],
                "prefs": {"intl.accept_languages": "ko-KR,ko"}
            }
        }}});
        let mut chromium = Chromium {
            driver,
            base,
            session: String::new(),
            http,
            _profile: profile,
        };
        let created = chromium.call("POST", "/session", Some(capabilities)).await;
        chromium.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        chromium
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self.http.post(&url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let value: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        if let Some(error) = value["value"]["error"].as_str() {
            panic!("{method} {path}: {error}: {}", value["value"]["message"]);
        }
        value["value"].clone()
    }

    fn at(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    pub async fn goto(&self, url: &str) {
        self.call("POST", &self.at("/url"), Some(json!({ "url": url })))
            .await;
    }

    pub async fn url(&self) -> String {
        self.call("GET", &self.at("/url"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn source(&self) -> String {
        self.call("GET", &self.at("/source"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The elements matching a CSS selector now (none is fine).
    pub async fn all(&self, css: &str) -> Vec<Element> {
        let found = self
            .call(
                "POST",
                &self.at("/elements"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|e| e[ELEMENT].as_str())
                    .map(|id| Element(id.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits for an element matching `css` that is displayed.
    pub async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            for element in self.all(css).await {
                if self.displayed(&element).await {
                    return element;
                }
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no visible {css} on {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the current URL starts with `prefix`.
    pub async fn wait_for_url(&self, prefix: &str) {
        let started = Instant::now();
        loop {
            if self.url().await.starts_with(prefix) {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "never reached {prefix}; at {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn displayed(&self, element: &Element) -> bool {
        self.call(
            "GET",
            &self.at(&format!("/element/{}/displayed", element.0)),
            None,
        )
        .await
        .as_bool()
        .unwrap_or(false)
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call("POST", &self.at(&format!("/element/{}/click", element.0)), None)
            .await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call("POST", &self.at(&format!("/element/{}/clear", element.0)), None)
            .await;
        self.call(
            "POST",
            &self.at(&format!("/element/{}/value", element.0)),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Runs `script` in the page (WebDriver's execute, which page CSP does not govern).
    pub async fn run_script(&self, script: &str) {
        self.call(
            "POST",
            &self.at("/execute/sync"),
            Some(json!({ "script": script, "args": [] })),
        )
        .await;
    }

    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.call("GET", &self.at(&format!("/element/{}/text", element.0)), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let element = self.all(css).await.into_iter().next()?;
        self.call(
            "GET",
            &self.at(&format!("/element/{}/attribute/{name}", element.0)),
            None,
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Vec<u8> {
        let encoded = self.call("GET", &self.at("/screenshot"), None).await;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("screenshot is not base64: {e}"))
    }

    /// Saves a screenshot to `path`, creating its directory.
    pub async fn save_screenshot(&self, path: &std::path::Path) {
        let png = self.screenshot().await;
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// Ends the session and stops the driver.
    pub async fn quit(mut self) {
        let path = self.at("");
        let _ended = self.http.delete(format!("{}{path}", self.base)).send().await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        let _already_gone = self.driver.kill();
        let _reaped = self.driver.wait();
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        self.stop_driver();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

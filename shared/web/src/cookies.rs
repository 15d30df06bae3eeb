//! Reading the `Cookie` header and writing `Set-Cookie` lines, with the attributes every cookie
//! of ours shares (`Path=/`, `SameSite=Lax`, HttpOnly unless said).
//!
//! Written here, not with the `cookie` crate: its parser and writer handle `Expires` through the
//! `time` crate's date parsing and formatting, which we never use (our lines carry `Max-Age`,
//! request cookies carry no attributes) and which added about 50 KB to each web function's
//! binary (`docs/benchmarks.md`, zips). The crate stays as the tests' check of our lines. Our
//! values are URL-safe base64 or short ASCII words, so no quoting is needed.

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::Duration;

/// The value of cookie `name` in the request, if sent (the first one, if sent twice).
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| n.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
}

/// A `Set-Cookie` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub name: &'static str,
    pub value: String,
    /// `None`: a browser-session cookie. Zero: delete it now.
    pub max_age: Option<Duration>,
    pub http_only: bool,
    pub secure: bool,
}

impl SetCookie {
    /// An HttpOnly, SameSite=Lax cookie for the whole site.
    pub fn new(
        name: &'static str,
        value: impl Into<String>,
        max_age: Option<Duration>,
        secure: bool,
    ) -> Self {
        Self {
            name,
            value: value.into(),
            max_age,
            http_only: true,
            secure,
        }
    }

    /// The line that makes the browser forget cookie `name`.
    pub fn removal(name: &'static str, secure: bool) -> Self {
        Self::new(name, "", Some(Duration::zero()), secure)
    }

    pub fn readable_by_scripts(mut self) -> Self {
        self.http_only = false;
        self
    }

    pub fn to_header_value(&self) -> HeaderValue {
        let mut line = format!("{}={}; Path=/; SameSite=Lax", self.name, self.value);
        if let Some(age) = self.max_age {
            line.push_str(&format!("; Max-Age={}", age.num_seconds().max(0)));
        }
        if self.http_only {
            line.push_str("; HttpOnly");
        }
        if self.secure {
            line.push_str("; Secure");
        }
        // Names are our constants and values base64 or words; anything else is a bug, and the
        // browser is then told to drop the cookie instead of receiving a broken header.
        let well_formed = self
            .value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'"' | b'\\'));
        match HeaderValue::from_str(&line) {
            Ok(value) if well_formed => value,
            _ => HeaderValue::from_static("tt_invalid=; Path=/; Max-Age=0"),
        }
    }

    /// Appends this line to a response's headers.
    pub fn append_to(&self, headers: &mut HeaderMap) {
        headers.append(header::SET_COOKIE, self.to_header_value());
    }
}

#[cfg(test)]
mod tests {
    use cookie::{Cookie, SameSite};

    use super::*;

    #[test]
    fn cookies_are_found_among_others_and_across_headers() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; tt_session=abc-_9"));
        headers.append(header::COOKIE, HeaderValue::from_static("lang=en"));
        assert_eq!(read(&headers, "tt_session").as_deref(), Some("abc-_9"));
        assert_eq!(read(&headers, "lang").as_deref(), Some("en"));
        assert_eq!(read(&headers, "tt"), None);
        headers.append(header::COOKIE, HeaderValue::from_static(" spaced = \"quoted\" "));
        assert_eq!(read(&headers, "spaced").as_deref(), Some("quoted"));
    }

    #[test]
    fn a_value_a_cookie_cannot_carry_is_never_written() {
        let line = SetCookie::new("tt_session", "a;b", None, true).to_header_value();
        assert_eq!(line, "tt_invalid=; Path=/; Max-Age=0");
    }

    #[test]
    fn set_cookie_lines_carry_every_attribute() {
        let parsed = |line: HeaderValue| Cookie::parse(line.to_str().unwrap().to_owned()).unwrap();
        let attributes = |c: &Cookie<'_>| {
            (
                c.path().map(str::to_owned),
                c.same_site(),
                c.max_age().map(|age| age.whole_seconds()),
                c.http_only() == Some(true),
                c.secure() == Some(true),
            )
        };
        let session =
            parsed(SetCookie::new("tt_session", "v", Some(Duration::hours(12)), true).to_header_value());
        assert_eq!((session.name(), session.value()), ("tt_session", "v"));
        assert_eq!(
            attributes(&session),
            (Some("/".into()), Some(SameSite::Lax), Some(43200), true, true)
        );
        let gone = parsed(SetCookie::removal("tt_session", false).to_header_value());
        assert_eq!((gone.name(), gone.value()), ("tt_session", ""));
        assert_eq!(
            attributes(&gone),
            (Some("/".into()), Some(SameSite::Lax), Some(0), true, false)
        );
        let lang = parsed(
            SetCookie::new("lang", "en", None, false)
                .readable_by_scripts()
                .to_header_value(),
        );
        assert_eq!((lang.name(), lang.value()), ("lang", "en"));
        assert_eq!(
            attributes(&lang),
            (Some("/".into()), Some(SameSite::Lax), None, false, false)
        );
    }
}

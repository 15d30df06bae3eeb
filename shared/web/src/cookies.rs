//! Reading the `Cookie` header and writing `Set-Cookie` lines.
//!
//! Our cookie values are URL-safe base64 or short ASCII words, so no quoting is needed; a value
//! with anything else in it is refused rather than escaped.

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::Duration;

/// The value of cookie `name` in the request, if sent (the first one, if sent twice).
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim_matches('"'))
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
        HeaderValue::from_str(&line)
            .unwrap_or_else(|_| HeaderValue::from_static("tt_invalid=; Path=/; Max-Age=0"))
    }

    /// Appends this line to a response's headers.
    pub fn append_to(&self, headers: &mut HeaderMap) {
        headers.append(header::SET_COOKIE, self.to_header_value());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others_and_across_headers() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; tt_session=abc-_9"));
        headers.append(header::COOKIE, HeaderValue::from_static("lang=en"));
        assert_eq!(read(&headers, "tt_session"), Some("abc-_9"));
        assert_eq!(read(&headers, "lang"), Some("en"));
        assert_eq!(read(&headers, "tt"), None);
    }

    #[test]
    fn set_cookie_lines_carry_every_attribute() {
        let line = SetCookie::new("tt_session", "v", Some(Duration::hours(12)), true).to_header_value();
        assert_eq!(
            line.to_str().unwrap(),
            "tt_session=v; Path=/; SameSite=Lax; Max-Age=43200; HttpOnly; Secure"
        );
        let gone = SetCookie::removal("tt_session", false).to_header_value();
        assert_eq!(
            gone.to_str().unwrap(),
            "tt_session=; Path=/; SameSite=Lax; Max-Age=0; HttpOnly"
        );
        let lang = SetCookie::new("lang", "en", None, false)
            .readable_by_scripts()
            .to_header_value();
        assert_eq!(lang.to_str().unwrap(), "lang=en; Path=/; SameSite=Lax");
    }
}

//! Korean and English: which one a request gets, and how pages pick their words.
//!
//! A `lang` cookie (set by the switch in every page's header) wins; otherwise the browser's
//! `Accept-Language` decides by quality value; otherwise Korean, the product's home language.
//! Pages write both languages side by side at each string (`lang.t("로그인", "Log in")`), so a
//! string can never exist in one language only.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::cookies;

/// The cookie that remembers the switch.
pub const COOKIE: &str = "lang";

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    /// The Korean or the English of a string.
    pub fn t<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }

    /// The BCP 47 tag (`<html lang>`, the cookie value).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The name of the language in itself, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
        }
    }

    /// The other language (the switch offers it).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` value (`ko-KR,ko;q=0.9,en;q=0.8`):
    /// the highest quality wins, earlier entries win ties, `q=0` means "not this one".
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for entry in accept_language.split(',') {
            let mut parts = entry.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// The language for a request: the cookie, then `Accept-Language`, then Korean.
    pub fn for_request(headers: &HeaderMap) -> Lang {
        cookies::read(headers, COOKIE)
            .as_deref()
            .and_then(Lang::parse)
            .or_else(|| {
                headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::negotiate)
            })
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::for_request(&parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, header};

    use super::*;

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(Lang::negotiate("ko-KR,ko;q=0.9,en-US;q=0.8"), Some(Lang::Ko));
        assert_eq!(Lang::negotiate("en-US,en;q=0.9,ko;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::negotiate("fr;q=1, ko;q=0.2, en;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::negotiate("en;q=0, ko;q=0.1"), Some(Lang::Ko));
        assert_eq!(Lang::negotiate("fr, de"), None);
        assert_eq!(Lang::negotiate(""), None);
    }

    #[test]
    fn the_cookie_beats_the_browser_and_korean_is_the_default() {
        let mut headers = HeaderMap::new();
        assert_eq!(Lang::for_request(&headers), Lang::Ko);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB"));
        assert_eq!(Lang::for_request(&headers), Lang::En);
        headers.insert(header::COOKIE, HeaderValue::from_static("lang=ko"));
        assert_eq!(Lang::for_request(&headers), Lang::Ko);
    }

    #[test]
    fn strings_come_in_both_languages() {
        assert_eq!(Lang::Ko.t("로그인", "Log in"), "로그인");
        assert_eq!(Lang::En.t("로그인", "Log in"), "Log in");
        assert_eq!(Lang::Ko.other(), Lang::En);
    }
}

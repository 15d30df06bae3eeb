//! The link invitees open to join the meeting.
//!
//! Any Kakao user can become an admin, so a join link is a stranger's link sent in the admin's
//! name. The rules: `https` only; no `user@` part (it hides the real host:
//! `https://zoom.us@evil.example/`); a named host (no bare IP address) written as the browser
//! will show it, so an internationalised name is kept in punycode (`xn--…`) and a look-alike
//! cannot pass for a known name. Known meeting services ([`KNOWN_MEETING_HOSTS`]) pass as they
//! are; any other host needs the admin's explicit confirmation, and the reminder's join button
//! then shows an interstitial naming the destination before it goes there.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use super::MeetingProblem;

/// Meeting services whose links need no confirmation: the host itself or any subdomain of it
/// (`us02web.zoom.us`).
pub const KNOWN_MEETING_HOSTS: [&str; 13] = [
    "zoom.us",
    "zoom.com",
    "zoomgov.com",
    "meet.google.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
    "whereby.com",
    "meet.jit.si",
    "gotomeeting.com",
    "meet.goto.com",
    "chime.aws",
    "bluejeans.com",
];

/// An `https://` address on a named host, at most 2048 bytes, normalised (the host lower-case
/// and, when internationalised, in punycode). Plain `http` is refused: the link travels in a
/// KakaoTalk message and opens on a phone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JoinLink(String);

impl JoinLink {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(s: &str) -> Result<Self, MeetingProblem> {
        let s = s.trim();
        if strip_prefix_ignore_case(s, "https://").is_none() {
            return Err(MeetingProblem::JoinUrlNotHttps);
        }
        let raw_ok = s.len() <= Self::MAX_LEN
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'));
        if !raw_ok {
            return Err(MeetingProblem::JoinUrlInvalid);
        }
        let url = Url::parse(s).map_err(|_| MeetingProblem::JoinUrlInvalid)?;
        let named = match url.host() {
            Some(Host::Domain(name)) => is_visible_name(name),
            _ => false,
        };
        let ok = url.scheme() == "https"
            && url.username().is_empty()
            && url.password().is_none()
            && named
            && url.as_str().len() <= Self::MAX_LEN;
        if ok {
            Ok(Self(url.into()))
        } else {
            Err(MeetingProblem::JoinUrlInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host, as the browser shows it (punycode for an internationalised name).
    pub fn host(&self) -> &str {
        host_of(&self.0)
    }

    /// Whether the host is one of [`KNOWN_MEETING_HOSTS`] (or under one).
    pub fn is_known_meeting_host(&self) -> bool {
        let host = self.host();
        KNOWN_MEETING_HOSTS
            .iter()
            .any(|known| host == *known || host.strip_suffix(known).is_some_and(|sub| sub.ends_with('.')))
    }
}

/// The host part of a normalised `https://host[:port]/...` (what [`JoinLink::parse`] stores).
fn host_of(url: &str) -> &str {
    let rest = url.get("https://".len()..).unwrap_or("");
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.split(':').next().unwrap_or("")
}

/// A dotted name of ASCII labels (the URL parser has already turned any other script into
/// punycode): no empty label, not just a top-level name.
fn is_visible_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

impl TryFrom<String> for JoinLink {
    type Error = MeetingProblem;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<JoinLink> for String {
    fn from(l: JoinLink) -> String {
        l.0
    }
}

impl fmt::Display for JoinLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_links_with_a_host_are_join_links() {
        assert!(JoinLink::parse("https://us02web.zoom.us/j/85012345678?pwd=abc").is_ok());
        assert!(JoinLink::parse("HTTPS://meet.google.com/abc-defg-hij").is_ok());
        for bad in [
            "http://zoom.us/j/1",
            "zoom.us/j/1",
            "javascript:alert(1)",
            "ftp://x",
        ] {
            assert_eq!(
                JoinLink::parse(bad),
                Err(MeetingProblem::JoinUrlNotHttps),
                "{bad}"
            );
        }
        for bad in [
            "https://",
            "https:///path",
            "https://a b",
            "https://user@evil.example/",
            "https://x/\"><",
        ] {
            assert_eq!(JoinLink::parse(bad), Err(MeetingProblem::JoinUrlInvalid), "{bad}");
        }
        let long = format!("https://zoom.us/{}", "a".repeat(2048));
        assert_eq!(JoinLink::parse(&long), Err(MeetingProblem::JoinUrlInvalid));
    }

    #[test]
    fn a_host_that_hides_where_it_goes_is_refused() {
        for bad in [
            "https://zoom.us@evil.example/j/1",
            "https://zoom.us:pw@evil.example/",
            "https://203.0.113.9/j/1",
            "https://[2001:db8::1]/j/1",
            "https://localhost/j/1",
            "https://zoom..us/j/1",
            "https://zoom.us\\@evil.example/",
        ] {
            assert_eq!(JoinLink::parse(bad), Err(MeetingProblem::JoinUrlInvalid), "{bad}");
        }
    }

    #[test]
    fn an_internationalised_host_is_kept_as_the_browser_shows_it() {
        let link = JoinLink::parse("https://ZOOM.Us/j/1").unwrap();
        assert_eq!(link.as_str(), "https://zoom.us/j/1");
        // A Cyrillic "о" in place of the Latin one: not zoom.us, and visibly not.
        let lookalike = JoinLink::parse("https://zооm.us/j/1").unwrap();
        assert!(lookalike.host().starts_with("xn--"), "{}", lookalike.host());
        assert!(!lookalike.is_known_meeting_host());
        let korean = JoinLink::parse("https://회의.한국/방").unwrap();
        assert!(
            korean.host().split('.').all(|l| l.starts_with("xn--")),
            "{}",
            korean.host()
        );
        assert!(korean.as_str().is_ascii());
    }

    #[test]
    fn known_meeting_services_and_their_subdomains_are_known_and_nothing_else() {
        for known in [
            "https://zoom.us/j/1",
            "https://us02web.zoom.us/j/1?pwd=x",
            "https://meet.google.com/abc-defg-hij",
            "https://teams.microsoft.com/l/meetup-join/x",
            "https://acme.webex.com/meet/x",
            "https://zoom.us:443/j/1",
        ] {
            assert!(JoinLink::parse(known).unwrap().is_known_meeting_host(), "{known}");
        }
        for unknown in [
            "https://evil.example/zoom.us",
            "https://notzoom.us/j/1",
            "https://zoom.us.evil.example/j/1",
            "https://google.com/meet",
        ] {
            assert!(
                !JoinLink::parse(unknown).unwrap().is_known_meeting_host(),
                "{unknown}"
            );
        }
    }
}

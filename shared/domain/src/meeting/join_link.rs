//! The link invitees open to join the meeting.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::MeetingProblem;

/// An `https://` address with a host, at most 2048 bytes, no spaces or control characters.
/// Plain `http` is refused: the link travels in a KakaoTalk message and opens on a phone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JoinLink(String);

impl JoinLink {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(s: &str) -> Result<Self, MeetingProblem> {
        let s = s.trim();
        let Some(rest) = strip_prefix_ignore_case(s, "https://") else {
            return Err(MeetingProblem::JoinUrlNotHttps);
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_ok = !host.is_empty()
            && !host.contains('@')
            && host
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        let ok = host_ok
            && s.len() <= Self::MAX_LEN
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(MeetingProblem::JoinUrlInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
}

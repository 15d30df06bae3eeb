//! A meeting's title: what invitees see in `{모임}` and the admin sees in lists.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::MeetingProblem;

/// 1 to 100 characters, trimmed, no control characters (it ends up inside a KakaoTalk message).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MeetingTitle(String);

impl MeetingTitle {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(s: &str) -> Result<Self, MeetingProblem> {
        let title = s.trim();
        if title.is_empty() {
            return Err(MeetingProblem::TitleEmpty);
        }
        let chars = title.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(MeetingProblem::TitleTooLong {
                chars,
                max: Self::MAX_CHARS,
            });
        }
        if title.chars().any(char::is_control) {
            return Err(MeetingProblem::TitleControlCharacters);
        }
        Ok(Self(title.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MeetingTitle {
    type Error = MeetingProblem;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MeetingTitle> for String {
    fn from(t: MeetingTitle) -> String {
        t.0
    }
}

impl fmt::Display for MeetingTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(MeetingTitle::parse("  수학 수업 ").unwrap().as_str(), "수학 수업");
        assert_eq!(MeetingTitle::parse(" \t"), Err(MeetingProblem::TitleEmpty));
        assert!(MeetingTitle::parse(&"가".repeat(100)).is_ok());
        assert_eq!(
            MeetingTitle::parse(&"가".repeat(101)),
            Err(MeetingProblem::TitleTooLong { chars: 101, max: 100 })
        );
        assert_eq!(
            MeetingTitle::parse("a\u{7}b"),
            Err(MeetingProblem::TitleControlCharacters)
        );
    }
}

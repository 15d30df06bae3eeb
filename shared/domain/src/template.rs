//! Message text as Kakao's text template accepts it (`docs/kakao.md#templates`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// Text for a KakaoTalk text template: 1 to 200 characters (Kakao counts characters,
/// not bytes, so Korean text gets the same 200).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TemplateText(String);

impl TemplateText {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        if s.trim().is_empty() {
            return Err(InvalidValue::EmptyTemplateText);
        }
        let chars = s.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(InvalidValue::TemplateTextTooLong {
                chars,
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TemplateText {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<TemplateText> for String {
    fn from(t: TemplateText) -> String {
        t.0
    }
}

impl fmt::Display for TemplateText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_hundred_korean_characters_fit_and_one_more_does_not() {
        assert!(TemplateText::parse(&"가".repeat(200)).is_ok());
        assert_eq!(
            TemplateText::parse(&"가".repeat(201)),
            Err(InvalidValue::TemplateTextTooLong { chars: 201, max: 200 })
        );
        assert_eq!(TemplateText::parse("  "), Err(InvalidValue::EmptyTemplateText));
    }
}

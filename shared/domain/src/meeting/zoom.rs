//! A Zoom meeting number, as the admin types it and as Zoom's webhooks send it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::MeetingProblem;

/// Zoom's meeting id (the number in the join link): 9 to 13 digits. Zoom shows it with spaces
/// (`850 1234 5678`) and webhooks send it as a JSON number; both become the plain digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ZoomMeetingNumber(String);

impl ZoomMeetingNumber {
    pub fn parse(s: &str) -> Result<Self, MeetingProblem> {
        let digits: String = s.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if (9..=13).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(MeetingProblem::ZoomMeetingIdInvalid(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ZoomMeetingNumber {
    type Error = MeetingProblem;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ZoomMeetingNumber> for String {
    fn from(z: ZoomMeetingNumber) -> String {
        z.0
    }
}

impl fmt::Display for ZoomMeetingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_numbers_lose_their_spaces_and_dashes() {
        assert_eq!(
            ZoomMeetingNumber::parse("850 1234 5678").unwrap().as_str(),
            "85012345678"
        );
        assert_eq!(
            ZoomMeetingNumber::parse("850-1234-5678").unwrap().as_str(),
            "85012345678"
        );
        for bad in ["", "1234", "85012345678a", "12345678901234"] {
            assert!(ZoomMeetingNumber::parse(bad).is_err(), "{bad:?}");
        }
    }
}

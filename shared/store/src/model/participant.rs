//! Participants an attendance source reported but no invitee matched: what the admin's
//! mapping page suggests match keys from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Email;
use crate::StoreError;

/// A participant nobody matched, as last reported. Keyed by display name within a meeting, so
/// a participant rejoining updates the same record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedParticipant {
    /// 1 to 200 characters, trimmed.
    pub display_name: String,
    pub email: Option<Email>,
    pub registrant_id: Option<String>,
    pub last_seen: DateTime<Utc>,
}

impl UnmatchedParticipant {
    pub const MAX_NAME_CHARS: usize = 200;
    pub const MAX_REGISTRANT_ID_LEN: usize = 128;

    /// Trims and bounds what a webhook sent. Emails that do not parse (masked, empty) are
    /// dropped rather than refused.
    pub fn new(
        display_name: &str,
        email: Option<&str>,
        registrant_id: Option<&str>,
        last_seen: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let name = display_name.trim();
        if name.is_empty()
            || name.chars().count() > Self::MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(StoreError::invalid(
                "a participant's display name is 1 to 200 characters",
            ));
        }
        let registrant_id = registrant_id.map(str::trim).filter(|r| !r.is_empty());
        if registrant_id
            .is_some_and(|r| r.len() > Self::MAX_REGISTRANT_ID_LEN || r.chars().any(char::is_control))
        {
            return Err(StoreError::invalid(
                "a registrant id is at most 128 printable characters",
            ));
        }
        Ok(Self {
            display_name: name.to_owned(),
            email: email
                .and_then(|e| Email::parse(e).ok())
                .filter(|e| !e.as_str().contains('*')),
            registrant_id: registrant_id.map(str::to_owned),
            last_seen,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_are_trimmed_and_masked_emails_dropped() {
        let now = Utc::now();
        let p =
            UnmatchedParticipant::new(" 김민지 (iPad) ", Some("m***@example.com"), Some(" "), now).unwrap();
        assert_eq!(p.display_name, "김민지 (iPad)");
        assert_eq!((p.email, p.registrant_id), (None, None));
        let p = UnmatchedParticipant::new("Guest", Some("Guest@Example.com"), Some("r-1"), now).unwrap();
        assert_eq!(p.email.unwrap().as_str(), "guest@example.com");
        assert!(UnmatchedParticipant::new("  ", None, None, now).is_err());
        assert!(UnmatchedParticipant::new(&"x".repeat(201), None, None, now).is_err());
    }
}

//! Clients: people who joined ttokttok through an admin's invite link, and the mark left when
//! one disconnects ttokttok in KakaoTalk.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use domain::sweep::ClientStanding;
use serde::{Deserialize, Serialize};

use super::ScopeId;
use crate::StoreError;

/// Where a client stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientStatus {
    /// Joined through an invite link, with the consent items in [`ClientRecord::scopes`].
    Joined,
    /// Disconnected ttokttok in KakaoTalk (Kakao's unlink webhook): unreachable for every
    /// admin until they join again. Nothing else about them is kept.
    Unlinked,
}

impl ClientStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Joined => "joined",
            Self::Unlinked => "unlinked",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "joined" => Ok(Self::Joined),
            "unlinked" => Ok(Self::Unlinked),
            other => Err(StoreError::invalid(format!("unknown client status {other:?}"))),
        }
    }
}

impl fmt::Display for ClientStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One client, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    pub id: KakaoUserId,
    pub status: ClientStatus,
    /// The consent items they agreed to when they last joined (empty once unlinked).
    pub scopes: BTreeSet<ScopeId>,
    /// The admins whose invite links they used (empty once unlinked).
    pub invited_by: BTreeSet<KakaoUserId>,
    pub updated_at: DateTime<Utc>,
}

impl ClientRecord {
    /// Joined and agreed to receive KakaoTalk messages: if Kakao still refuses to deliver
    /// (`-530`), they have turned messages off.
    pub fn agreed_to_messages(&self) -> bool {
        self.status == ClientStatus::Joined && self.scopes.iter().any(|s| s.as_str() == "talk_message")
    }

    /// What this record says about messaging them: the one reading the sweep and the manual
    /// send share (no record at all is [`ClientStanding::Unknown`] too).
    pub fn standing(&self) -> ClientStanding {
        match self.status {
            ClientStatus::Unlinked => ClientStanding::Unlinked,
            ClientStatus::Joined if self.agreed_to_messages() => ClientStanding::AgreedToMessages,
            ClientStatus::Joined => ClientStanding::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in [ClientStatus::Joined, ClientStatus::Unlinked] {
            assert_eq!(ClientStatus::parse(status.as_str()).unwrap(), status);
        }
        assert!(ClientStatus::parse("banned").is_err());
    }
}

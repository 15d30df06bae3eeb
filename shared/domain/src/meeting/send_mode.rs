//! How a meeting's reminders go out.

use serde::{Deserialize, Serialize};

/// Automatic, or confirmed by the admin round by round.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendMode {
    /// The sweep sends each round by itself.
    #[default]
    Automatic,
    /// The admin gets a memo listing who is absent and approves each round with one tap.
    ConfirmFirst,
}

impl SendMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::ConfirmFirst => "confirm_first",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "automatic" => Some(Self::Automatic),
            "confirm_first" => Some(Self::ConfirmFirst),
            _ => None,
        }
    }
}

//! Every message Kakao accepted, in the receiver's KakaoTalk inbox.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// How a message reached the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MessageKind {
    /// Sent by a friend through the friends message API.
    Friend,
    /// Sent to oneself (나에게 보내기).
    Memo,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct InboxMessage {
    pub sender_id: i64,
    pub kind: MessageKind,
    pub template_object: Value,
    #[serde(serialize_with = "rfc3339_seconds")]
    pub sent_at: DateTime<Utc>,
}

pub(crate) fn rfc3339_seconds<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

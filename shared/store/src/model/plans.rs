//! What an admin plans ahead: classes (named groups of friends) and series (meetings that
//! repeat). Both are documents the admin edits whole, each versioned so two tabs cannot
//! overwrite each other ([`Versioned`]).

use chrono::{DateTime, Utc};
use domain::class::ClassName;
use domain::series::Series;
use domain::{ClassId, FriendUuid, SeriesId};
use serde::{Deserialize, Serialize};

use super::Version;

/// A stored document with its id, version and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<Id, Draft> {
    pub id: Id,
    pub draft: Draft,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A class as the admin writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassDraft {
    pub name: ClassName,
    /// Friend uuids, each once, in uuid order.
    pub members: Vec<FriendUuid>,
    /// Archived classes are kept (past meetings name them) but offered nowhere.
    #[serde(default)]
    pub archived: bool,
}

pub type ClassRecord = Versioned<ClassId, ClassDraft>;

/// A series as the admin writes it, with how far its occurrences have been written as meetings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesDraft {
    pub series: Series,
    /// Cancelled: no occurrence from the cancellation on happens (`series.ends_before`).
    #[serde(default)]
    pub cancelled: bool,
    /// Every occurrence starting before this instant exists as a meeting (the rolling window's
    /// edge); `None` before the first roll.
    #[serde(default)]
    pub window_until: Option<DateTime<Utc>>,
}

pub type SeriesRecord = Versioned<SeriesId, SeriesDraft>;

/// What the backends need to know of a kind of plan to store it: its name in keys and messages,
/// and how its id reads back. One rule for both kinds, in both backends.
pub trait PlanDocument: Send + Sync + 'static {
    /// In keys (`CLASS#`, `SERIES#`) and the SQLite `kind` column.
    const KIND: &'static str;
    /// In error messages.
    const WHAT: &'static str;
    type Id: Copy + std::fmt::Display + Ord + Send + Sync + 'static;
    type Draft: Serialize + serde::de::DeserializeOwned + PartialEq + Clone + Send + Sync + 'static;
    fn parse_id(s: &str) -> Option<Self::Id>;
}

pub struct ClassPlan;
pub struct SeriesPlan;

impl PlanDocument for ClassPlan {
    const KIND: &'static str = "CLASS";
    const WHAT: &'static str = "class";
    type Id = ClassId;
    type Draft = ClassDraft;
    fn parse_id(s: &str) -> Option<ClassId> {
        ClassId::parse(s).ok()
    }
}

impl PlanDocument for SeriesPlan {
    const KIND: &'static str = "SERIES";
    const WHAT: &'static str = "series";
    type Id = SeriesId;
    type Draft = SeriesDraft;
    fn parse_id(s: &str) -> Option<SeriesId> {
        SeriesId::parse(s).ok()
    }
}

/// The document as stored, refused when it would not fit an item.
pub(crate) fn plan_body<P: PlanDocument>(draft: &P::Draft) -> Result<String, crate::StoreError> {
    let body = serde_json::to_string(draft)
        .map_err(|e| crate::StoreError::invalid(format!("the {} does not serialise: {e}", P::WHAT)))?;
    super::check_item_size(P::WHAT, body.len() + 256)?;
    Ok(body)
}

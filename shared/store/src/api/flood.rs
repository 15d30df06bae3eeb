//! Flood-control counters: one per action, subject and window, taken one slot at a time under
//! a condition, so concurrent requests (in any number of Lambda instances) never take more
//! than the limit.

use std::net::IpAddr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use domain::flood::FloodAction;

use crate::StoreError;

/// Whom a counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloodSubject {
    Admin(KakaoUserId),
    /// A client address (logins, before anyone is known).
    Address(IpAddr),
}

impl std::fmt::Display for FloodSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FloodSubject::Admin(admin) => write!(f, "admin:{admin}"),
            FloodSubject::Address(addr) => write!(f, "addr:{addr}"),
        }
    }
}

#[async_trait]
pub trait FloodStore: Send + Sync {
    /// Takes one slot of `subject`'s `action` counter for the window starting at `window_start`
    /// if fewer than `limit` are taken; `false` when it is full. The counter is forgotten after
    /// `forget_after`.
    ///
    /// Errors: `Backend`.
    async fn take_flood_slot(
        &self,
        action: FloodAction,
        subject: FloodSubject,
        window_start: DateTime<Utc>,
        limit: u32,
        forget_after: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

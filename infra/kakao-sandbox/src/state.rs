//! The sandbox's whole mutable state behind one lock. Handlers take the lock, decide, mutate and
//! release it without awaiting in between, so every request sees a consistent Kakao.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};

use crate::accounts::Directory;
use crate::clock::SandboxClock;
use crate::faults::FaultBook;
use crate::inbox::InboxMessage;
use crate::login::PendingLogins;
use crate::quota::QuotaBook;
use crate::tokens::TokenBook;
use crate::world::{AppConfig, World};

#[derive(Debug)]
pub(crate) struct Sandbox {
    pub app: AppConfig,
    pub directory: Directory,
    pub tokens: TokenBook,
    pub quota: QuotaBook,
    pub inboxes: BTreeMap<i64, Vec<InboxMessage>>,
    pub faults: FaultBook,
    /// Kakao requests served per path (control API and pages excluded), for tests that count calls.
    pub requests: BTreeMap<String, u64>,
    pub clock: SandboxClock,
    pub logins: PendingLogins,
}

impl Sandbox {
    /// A sandbox at the start of a (validated) world.
    pub fn new(world: &World) -> Self {
        let clock = SandboxClock::new(world.clock);
        let directory = Directory::from_world(world, clock.now());
        Self {
            app: world.app.clone(),
            directory,
            tokens: TokenBook::default(),
            quota: QuotaBook::default(),
            inboxes: BTreeMap::new(),
            faults: FaultBook::default(),
            requests: BTreeMap::new(),
            clock,
            logins: PendingLogins::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The user's agreed scopes, as `allowed_scopes` and the token `scope` list them.
    pub fn agreed_scopes(&self, user_id: i64) -> Vec<String> {
        self.directory
            .get(user_id)
            .map(|a| a.agreed.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// The state shared by the server, its handlers and the [`crate::SandboxHandle`]. Its `Debug` is
/// opaque: the state holds live tokens.
#[derive(Clone)]
pub(crate) struct Shared(Arc<Mutex<Sandbox>>);

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shared { .. }")
    }
}

impl Shared {
    pub fn new(sandbox: Sandbox) -> Self {
        Self(Arc::new(Mutex::new(sandbox)))
    }

    /// The lock. A handler that panicked mid-update cannot leave a half-written token or quota
    /// behind (each update is a single map operation), so a poisoned lock is still usable.
    pub fn lock(&self) -> MutexGuard<'_, Sandbox> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

//! Asking for a friend sync without waiting for it: after a login, on the admin's "sync now".
//!
//! [`SyncTrigger`] is what handlers hold (`Arc<dyn SyncTrigger>`). Two implementations:
//! - [`LocalSyncTrigger`]: a tokio task in this process (the local run, tests). Requests for an
//!   admin whose sync is running are merged into one more run after it, never run alongside.
//! - [`LambdaSyncTrigger`]: an asynchronous (`Event`) invoke of the friend-sync function with
//!   [`SyncRequest`] as the payload; Lambda queues it and returns at once.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use domain::KakaoUserId;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::FriendSync;

/// Why a sync was asked for (logged, and sent to the function).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncReason {
    /// Right after the admin logged in (or re-consented).
    AfterLogin,
    /// The admin pressed "sync now".
    OnDemand,
    /// The daily run.
    Daily,
}

impl fmt::Display for SyncReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SyncReason::AfterLogin => "after_login",
            SyncReason::OnDemand => "on_demand",
            SyncReason::Daily => "daily",
        })
    }
}

/// The payload of an on-demand or after-login invoke of the friend-sync function:
/// `{"admin_id": 1234567890, "reason": "after_login"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    pub admin_id: KakaoUserId,
    /// Absent means on demand.
    #[serde(default = "on_demand")]
    pub reason: SyncReason,
}

fn on_demand() -> SyncReason {
    SyncReason::OnDemand
}

/// Why a sync could not be requested. (How the sync itself went is recorded by the sync.)
#[derive(Debug, thiserror::Error)]
pub enum TriggerError {
    #[error("could not encode the sync request")]
    Encode(#[source] serde_json::Error),
    #[error("could not invoke the friend-sync function {function}")]
    Invoke {
        function: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("the friend-sync function {function} answered the invoke with status {status}")]
    Refused { function: String, status: i32 },
}

/// Requests a friend sync for an admin, without waiting for it to run.
#[async_trait]
pub trait SyncTrigger: Send + Sync + fmt::Debug {
    async fn request_sync(&self, admin: KakaoUserId, reason: SyncReason) -> Result<(), TriggerError>;
}

// ---------------------------------------------------------------------------------------------

/// Runs syncs as tokio tasks in this process, at most one per admin at a time.
#[derive(Debug)]
pub struct LocalSyncTrigger {
    sync: FriendSync,
    /// Admins with a sync running, and whether another was asked for meanwhile.
    running: Arc<Mutex<HashMap<KakaoUserId, Option<SyncReason>>>>,
    /// How many admins have a sync running (for [`LocalSyncTrigger::wait_idle`]).
    busy: watch::Sender<usize>,
}

impl LocalSyncTrigger {
    pub fn new(sync: FriendSync) -> Self {
        Self {
            sync,
            running: Arc::new(Mutex::new(HashMap::new())),
            busy: watch::channel(0).0,
        }
    }

    /// Waits until no sync is running or queued (tests, graceful shutdown).
    pub async fn wait_idle(&self) {
        let mut busy = self.busy.subscribe();
        // The sender lives in self, so the channel cannot close while we wait.
        let _ = busy.wait_for(|n| *n == 0).await;
    }
}

#[async_trait]
impl SyncTrigger for LocalSyncTrigger {
    async fn request_sync(&self, admin: KakaoUserId, reason: SyncReason) -> Result<(), TriggerError> {
        {
            let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(again) = running.get_mut(&admin) {
                // One more run after the current one covers every request made during it.
                tracing::info!(admin = %admin, reason = %reason, "sync already running; one more run queued");
                *again = Some(reason);
                return Ok(());
            }
            running.insert(admin, None);
        }
        self.busy.send_modify(|n| *n += 1);
        let sync = self.sync.clone();
        let running = Arc::clone(&self.running);
        let busy = self.busy.clone();
        tokio::spawn(async move {
            let mut reason = reason;
            loop {
                tracing::info!(admin = %admin, reason = %reason, "local friend sync starting");
                // The outcome is logged and recorded by the sync itself.
                let _ = sync.sync_admin(admin).await;
                let mut running = running.lock().unwrap_or_else(PoisonError::into_inner);
                match running.get_mut(&admin).and_then(Option::take) {
                    Some(next) => reason = next,
                    None => {
                        running.remove(&admin);
                        break;
                    }
                }
            }
            busy.send_modify(|n| *n = n.saturating_sub(1));
        });
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------

/// Invokes the friend-sync Lambda function asynchronously (`InvocationType::Event`).
#[derive(Debug, Clone)]
pub struct LambdaSyncTrigger {
    client: aws_sdk_lambda::Client,
    function_name: String,
}

impl LambdaSyncTrigger {
    pub fn new(client: aws_sdk_lambda::Client, function_name: impl Into<String>) -> Self {
        Self {
            client,
            function_name: function_name.into(),
        }
    }

    /// The exact JSON sent to the function.
    pub fn payload(admin: KakaoUserId, reason: SyncReason) -> Result<Vec<u8>, TriggerError> {
        serde_json::to_vec(&SyncRequest {
            admin_id: admin,
            reason,
        })
        .map_err(TriggerError::Encode)
    }
}

#[async_trait]
impl SyncTrigger for LambdaSyncTrigger {
    async fn request_sync(&self, admin: KakaoUserId, reason: SyncReason) -> Result<(), TriggerError> {
        let payload = Self::payload(admin, reason)?;
        invoke_event(&self.client, &self.function_name, payload).await?;
        tracing::info!(admin = %admin, reason = %reason, function = %self.function_name, "friend sync requested");
        Ok(())
    }
}

/// One asynchronous invoke of `function` with `payload`; Lambda answers 202 when it has queued it.
pub async fn invoke_event(
    client: &aws_sdk_lambda::Client,
    function: &str,
    payload: Vec<u8>,
) -> Result<(), TriggerError> {
    let answer = client
        .invoke()
        .function_name(function)
        .invocation_type(InvocationType::Event)
        .payload(Blob::new(payload))
        .send()
        .await
        .map_err(|e| TriggerError::Invoke {
            function: function.to_owned(),
            source: Box::new(e),
        })?;
    match answer.status_code() {
        202 => Ok(()),
        status => Err(TriggerError::Refused {
            function: function.to_owned(),
            status,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lambda_payload_names_the_admin_and_the_reason() {
        let admin = KakaoUserId::new(1234567890).unwrap();
        let payload = LambdaSyncTrigger::payload(admin, SyncReason::AfterLogin).unwrap();
        assert_eq!(
            String::from_utf8(payload).unwrap(),
            r#"{"admin_id":1234567890,"reason":"after_login"}"#
        );
    }

    #[test]
    fn a_request_without_a_reason_is_on_demand() {
        let request: SyncRequest = serde_json::from_str(r#"{"admin_id": 42}"#).unwrap();
        assert_eq!(request.reason, SyncReason::OnDemand);
        assert!(serde_json::from_str::<SyncRequest>(r#"{"admin_id": 0}"#).is_err());
    }
}

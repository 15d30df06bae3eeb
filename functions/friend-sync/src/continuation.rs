//! Handing the daily run over to a fresh invocation of this function before time runs out.

use app::sync::TriggerError;
use app::sync::trigger::invoke_event;
use async_trait::async_trait;

use crate::payload::ContinueDaily;

/// Queues another invocation of this function that continues the daily run.
#[async_trait]
pub trait Continuation: Send + Sync {
    /// `function`: the ARN this invocation was called through (so the same version continues).
    async fn continue_daily(&self, function: &str, next: &ContinueDaily) -> Result<(), TriggerError>;
}

/// An asynchronous (`Event`) invoke of this function through the Lambda API.
#[derive(Debug, Clone)]
pub struct LambdaContinuation {
    client: aws_sdk_lambda::Client,
}

impl LambdaContinuation {
    pub fn new(client: aws_sdk_lambda::Client) -> Self {
        Self { client }
    }

    /// A Lambda client from the environment's AWS configuration (start-up).
    pub async fn from_env() -> Self {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        Self::new(aws_sdk_lambda::Client::new(&config))
    }
}

#[async_trait]
impl Continuation for LambdaContinuation {
    async fn continue_daily(&self, function: &str, next: &ContinueDaily) -> Result<(), TriggerError> {
        let payload = serde_json::to_vec(&next.to_payload()).map_err(TriggerError::Encode)?;
        invoke_event(&self.client, function, payload).await
    }
}

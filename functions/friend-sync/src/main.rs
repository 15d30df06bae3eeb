//! Lambda wiring only: JSON logs, services from the environment, the runtime loop.

use std::sync::Arc;

use friend_sync::{FriendSyncFunction, LambdaContinuation};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    app::logs::init_lambda_json();
    let (services, ()) = app::Services::from_env::<friend_sync::SettingsParts>().await?;
    let continuation = Arc::new(LambdaContinuation::from_env().await);
    let function = FriendSyncFunction::new(services, continuation);
    lambda_runtime::run(function.service()).await
}

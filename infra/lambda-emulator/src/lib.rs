//! Runs ttokttok's Lambda function binaries on this machine, the way Lambda runs them: a small
//! emulator of the Lambda runtime API, and a function process pointed at it.
//!
//! - [`runtime_api`]: [`RuntimeApi`], the runtime API a function's `bootstrap` talks to
//!   (`/2018-06-01/runtime/invocation/next`, `/{id}/response`, `/{id}/error`, `/init/error`),
//!   with [`RuntimeApi::invoke`] to hand it one event and wait for its answer.
//! - [`process`]: [`FunctionProcess`], a function binary started with a Lambda-like environment
//!   (and nothing else from ours), its output kept, its peak memory read from `/proc`.
//! - [`binaries`]: where the five function binaries are, and building them when needed.
//!
//! The tests (`tests/`) invoke each binary with committed payloads: the Scheduler inputs of the
//! sweep and the sync, API Gateway HTTP API (payload v2) requests for the HTTP functions. The
//! benchmark (`benches/cold_start.rs`) measures process start to the first request for work.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use lambda_emulator::{FunctionProcess, RuntimeApi, binaries};
//! let api = RuntimeApi::start().await?;
//! let binary = binaries::ensure_built(binaries::Profile::Debug, &["reminder-sweep"])?;
//! let env = vec![("STORE".to_owned(), "dynamo".to_owned())];
//! let function = FunctionProcess::spawn(&binary[0], "reminder-sweep", &api, &env)?;
//! let answer = api.invoke(serde_json::json!({"reminder_sweep": {}}), std::time::Duration::from_secs(30)).await?;
//! # drop(function); let _ = answer; Ok(()) }
//! ```

pub mod binaries;
pub mod process;
pub mod runtime_api;

pub use process::FunctionProcess;
pub use runtime_api::{ErrorReport, InvokeError, Outcome, RuntimeApi};

//! [`RuntimeApi`]: the Lambda runtime API, enough of it for a `lambda_runtime` function.
//!
//! A function's runtime loop asks `GET /2018-06-01/runtime/invocation/next` for work (a long
//! poll), runs the handler, and posts the result to `.../invocation/{id}/response` or
//! `.../invocation/{id}/error`. A function that cannot start posts `.../init/error`. The
//! emulator queues events given to [`RuntimeApi::invoke`], hands them out one per `next` with the
//! headers Lambda sends (request id, deadline, function ARN, trace id), and returns what the
//! function posted back. It also notes when the first `next` arrived: the end of a cold start.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::{Notify, oneshot};

/// The account and region in the ARNs the emulator hands out (any 12 digits would do).
const ACCOUNT: &str = "123456789012";
const REGION: &str = "ap-northeast-2";

/// What a function posted back for one invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `POST .../response`: the handler's result, as posted.
    Response(Bytes),
    /// `POST .../error`: the handler failed.
    Error(ErrorReport),
}

impl Outcome {
    /// The response as JSON, or why it is not one.
    pub fn json(&self) -> Result<serde_json::Value, String> {
        match self {
            Outcome::Response(body) => {
                serde_json::from_slice(body).map_err(|e| format!("the response is not JSON: {e}"))
            }
            Outcome::Error(report) => Err(format!("the function reported an error: {report:?}")),
        }
    }
}

/// An error a function reported (`/error` or `/init/error`), as Lambda would log it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorReport {
    /// `errorType` of the body (or the `lambda-runtime-function-error-type` header).
    pub error_type: String,
    pub error_message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    error_type: String,
    #[serde(default)]
    error_message: String,
}

/// Why an invocation did not come back.
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("the event is not JSON")]
    Encode(#[from] serde_json::Error),
    #[error("no answer within {0:?} (the function did not ask for work, or did not finish)")]
    Timeout(Duration),
    #[error("the emulator stopped before the function answered")]
    Stopped,
}

/// One queued event.
struct Pending {
    request_id: String,
    payload: Bytes,
    deadline: Duration,
}

#[derive(Default)]
struct Shared {
    function_name: Mutex<String>,
    queue: Mutex<VecDeque<Pending>>,
    work: Notify,
    in_flight: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    first_next: OnceLock<Instant>,
    ready: Notify,
    init_error: Mutex<Option<ErrorReport>>,
    init_failed: Notify,
}

/// Locks a mutex; a panic elsewhere cannot leave these plain collections half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The runtime API on `127.0.0.1`, on a free port, for one function process. Stops when dropped.
pub struct RuntimeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    /// Serves the runtime API on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let router = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            // Serving ends only when the task is aborted (drop); an accept error ends it early,
            // and the function then sees its connection refused.
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self { addr, shared, server })
    }

    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }

    /// Names the function in the ARNs handed out (`invoked_function_arn`).
    pub fn set_function_name(&self, name: &str) {
        *lock(&self.shared.function_name) = name.to_owned();
    }

    /// When the function first asked for work (`None` until it has).
    pub fn first_next_at(&self) -> Option<Instant> {
        self.shared.first_next.get().copied()
    }

    /// The error the function reported on `/init/error`, if it did.
    pub fn init_error(&self) -> Option<ErrorReport> {
        lock(&self.shared.init_error).clone()
    }

    /// Waits until the function first asks for work, or reports a failed start, up to `limit`.
    /// `Ok(at)`: it asked at `at`. `Err(Some(report))`: it reported an init error.
    /// `Err(None)`: neither within `limit`.
    pub async fn wait_until_ready(&self, limit: Duration) -> Result<Instant, Option<ErrorReport>> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            // Registered before the checks, so a change between check and wait is not missed.
            let asked = self.shared.ready.notified();
            let failed = self.shared.init_failed.notified();
            if let Some(at) = self.first_next_at() {
                return Ok(at);
            }
            if let Some(report) = self.init_error() {
                return Err(Some(report));
            }
            tokio::select! {
                _ = asked => {}
                _ = failed => {}
                _ = tokio::time::sleep_until(deadline) => return Err(None),
            }
        }
    }

    /// Hands `event` to the function (at its next `next`) with `deadline` to run, and waits up
    /// to `deadline` plus a second for what it posts back.
    pub async fn invoke(&self, event: serde_json::Value, deadline: Duration) -> Result<Outcome, InvokeError> {
        let payload = Bytes::from(serde_json::to_vec(&event)?);
        let request_id = uuid::Uuid::new_v4().to_string();
        let (tx, rx) = oneshot::channel();
        lock(&self.shared.in_flight).insert(request_id.clone(), tx);
        lock(&self.shared.queue).push_back(Pending {
            request_id,
            payload,
            deadline,
        });
        self.shared.work.notify_waiters();
        self.shared.work.notify_one();
        let limit = deadline + Duration::from_secs(1);
        match tokio::time::timeout(limit, rx).await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(_)) => Err(InvokeError::Stopped),
            Err(_) => Err(InvokeError::Timeout(limit)),
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// `GET /next`: the oldest queued event, waiting for one if there is none.
async fn next(State(shared): State<Arc<Shared>>) -> Response {
    if shared.first_next.set(Instant::now()).is_ok() {
        shared.ready.notify_waiters();
    }
    let pending = loop {
        let notified = shared.work.notified();
        if let Some(pending) = lock(&shared.queue).pop_front() {
            break pending;
        }
        notified.await;
    };
    let function = lock(&shared.function_name).clone();
    let deadline_ms = SystemTime::now()
        .checked_add(pending.deadline)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    put("lambda-runtime-aws-request-id", pending.request_id.clone());
    put("lambda-runtime-deadline-ms", deadline_ms.to_string());
    put(
        "lambda-runtime-invoked-function-arn",
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}"),
    );
    put(
        "lambda-runtime-trace-id",
        format!(
            "Root=1-{:08x}-{};Parent={};Sampled=0",
            deadline_ms / 1000,
            &pending.request_id.replace('-', "")[..24],
            &pending.request_id.replace('-', "")[..16]
        ),
    );
    put("content-type", "application/json".to_owned());
    (StatusCode::OK, headers, pending.payload).into_response()
}

fn complete(shared: &Shared, id: &str, outcome: Outcome) -> Response {
    match lock(&shared.in_flight).remove(id) {
        Some(waiter) => {
            // The invoker may have given up (timeout); the answer is then dropped, as Lambda
            // drops a late answer.
            let _ = waiter.send(outcome);
            (StatusCode::ACCEPTED, r#"{"status":"OK"}"#).into_response()
        }
        None => (
            StatusCode::BAD_REQUEST,
            r#"{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}"#,
        )
            .into_response(),
    }
}

fn report(headers: &HeaderMap, body: &[u8]) -> ErrorReport {
    let header_type = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(parsed) => ErrorReport {
            error_type: if parsed.error_type.is_empty() {
                header_type
            } else {
                parsed.error_type
            },
            error_message: parsed.error_message,
        },
        Err(_) => ErrorReport {
            error_type: header_type,
            error_message: String::from_utf8_lossy(body).into_owned(),
        },
    }
}

/// `POST /invocation/{id}/response`.
async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> Response {
    complete(&shared, &id, Outcome::Response(body))
}

/// `POST /invocation/{id}/error`.
async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    complete(&shared, &id, Outcome::Error(report(&headers, &body)))
}

/// `POST /init/error`.
async fn init_error(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    *lock(&shared.init_error) = Some(report(&headers, &body));
    shared.init_failed.notify_waiters();
    (StatusCode::ACCEPTED, r#"{"status":"OK"}"#).into_response()
}

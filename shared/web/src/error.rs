//! [`WebError`]: what a handler could not do, so handlers return `Result<_, WebError>` and use
//! `?`. The answer depends on the route family, which the handler does not need to know: under
//! `/api/` the JSON `{"error", "message"}`, elsewhere the problem page, both in the request's
//! language. [`render`] (a layer in [`crate::layers`]) picks one; the handler's
//! [`IntoResponse`] only leaves the error in the response for it.
//!
//! The cause (the store's or Kakao's error, with its sources) goes to the log as structured
//! fields, never to the person.

use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::lang::Lang;
use crate::pages::{self, api_problem, is_api};
use crate::state::WebState;

/// Any error a handler's work can fail with, kept whole for the log.
pub type Cause = Box<dyn StdError + Send + Sync>;

/// Words in both languages: (Korean, English).
pub type Words = (&'static str, &'static str);

/// What a handler could not do.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The store, Kakao or a queue failed: 503, "try again". `retry` is where "try again" goes
    /// when it is not the request's own address (a form's page, not its POST).
    #[error("the request could not be answered")]
    Unavailable {
        #[source]
        cause: Cause,
        retry: Option<String>,
    },
    /// Nothing here for this admin (another admin's record is the same as none): 404. The API
    /// names what is missing when `what` says.
    #[error("not found")]
    NotFound { what: Option<Words> },
    /// The session's admin no longer exists (unlinked, data deleted): pages end the session and
    /// go to the start; the API answers 401.
    #[error("the session's admin is gone")]
    AdminGone,
    /// Not a failure: an answer the handler has already made (a 400 naming the fields to fix),
    /// returned early with `?`.
    #[error("refused with {}", .0.status())]
    Answer(Box<Response>),
}

impl WebError {
    /// A failure of ours or Kakao's.
    pub fn unavailable(cause: impl Into<Cause>) -> Self {
        WebError::Unavailable {
            cause: cause.into(),
            retry: None,
        }
    }

    /// An answer the handler made itself, returned early with `?`.
    pub fn answer(response: impl IntoResponse) -> Self {
        WebError::Answer(Box::new(response.into_response()))
    }

    /// A 404 that the API words as `what` ("There is no such meeting.").
    pub fn not_found(what: Words) -> Self {
        WebError::NotFound { what: Some(what) }
    }

    /// "Try again" goes to `retry` instead of the request's own address.
    pub fn retry_at(self, retry: impl Into<String>) -> Self {
        match self {
            WebError::Unavailable { cause, .. } => WebError::Unavailable {
                cause,
                retry: Some(retry.into()),
            },
            other => other,
        }
    }

    /// For `map_err`: a store error that means "no such record" becomes `missing`; any other is
    /// a failure.
    pub fn or_if_missing(missing: WebError) -> impl FnOnce(store::StoreError) -> WebError {
        move |error| {
            if error.is_not_found() {
                missing
            } else {
                WebError::unavailable(error)
            }
        }
    }
}

impl From<store::StoreError> for WebError {
    fn from(error: store::StoreError) -> Self {
        WebError::unavailable(error)
    }
}

impl From<kakao::KakaoError> for WebError {
    fn from(error: kakao::KakaoError) -> Self {
        WebError::unavailable(error)
    }
}

impl From<app::sweep::SweepError> for WebError {
    fn from(error: app::sweep::SweepError) -> Self {
        match error {
            app::sweep::SweepError::MeetingNotFound => WebError::NotFound { what: None },
            other => WebError::unavailable(other),
        }
    }
}

/// The error travelling from the handler to [`render`] in the response's extensions (which
/// must be `Clone`; the error is taken out once).
#[derive(Clone)]
struct Pending(Arc<Mutex<Option<WebError>>>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Answer(response) = self {
            return *response;
        }
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response
            .extensions_mut()
            .insert(Pending(Arc::new(Mutex::new(Some(self)))));
        response
    }
}

/// The cause and its sources, outermost first: `a: b: c`.
struct Chain<'a>(&'a (dyn StdError + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut next = self.0.source();
        while let Some(source) = next {
            write!(f, ": {source}")?;
            next = source.source();
        }
        Ok(())
    }
}

/// Turns a handler's [`WebError`] into the page or the JSON its route family answers with, and
/// logs its cause.
pub async fn render(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let lang = Lang::for_request(request.headers());
    let method = request.method().clone();
    let uri = request.uri().clone();
    let here = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let response = next.run(request).await;
    let Some(error) = response
        .extensions()
        .get::<Pending>()
        .and_then(|pending| pending.0.lock().ok()?.take())
    else {
        return response;
    };
    match error {
        WebError::Unavailable { cause, retry } => {
            tracing::error!(%method, path = uri.path(), error = %Chain(&*cause), "request failed");
            pages::unavailable(lang, retry.as_deref().unwrap_or(&here))
        }
        WebError::NotFound { what: Some((ko, en)) } if is_api(uri.path()) => {
            api_problem(StatusCode::NOT_FOUND, "not_found", lang.t(ko, en))
        }
        WebError::NotFound { .. } => pages::not_found(lang, uri).await,
        WebError::AdminGone if is_api(uri.path()) => {
            api_problem(StatusCode::UNAUTHORIZED, "unauthenticated", "")
        }
        WebError::AdminGone => {
            tracing::info!(path = uri.path(), "the session's admin is gone");
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            state.sessions().removal().append_to(response.headers_mut());
            response
        }
        WebError::Answer(response) => *response,
    }
}

//! Flood control at the edge: a route layer that counts one tenant's requests of a kind
//! ([`domain::flood::FloodAction`]) in the store, shared by every Lambda instance, and answers
//! 429 with `Retry-After` to that tenant alone once their window is full. Counted per admin
//! (their session) or, for logins, per client address ([`ClientAddr`], which the shell puts on
//! the request: API Gateway's source address in Lambda). Reads (`GET`, `HEAD`) of admin routes
//! are not counted; the service-wide API throttle stays in front of all of it.
//!
//! A store that cannot count lets the request through (logged): flood control must not become
//! the outage it guards against.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use domain::flood::FloodAction;
use store::api::FloodSubject;

use crate::lang::Lang;
use crate::middleware::SessionStatus;
use crate::pages::{Problem, api_problem, is_api, problem_page};
use crate::state::WebState;

/// Counters outlive their window by this much before the store forgets them.
const KEEP_AFTER_WINDOW: chrono::Duration = chrono::Duration::hours(1);

/// What [`limit`] needs: the state and which action its routes are.
#[derive(Clone)]
pub struct FloodGuard {
    state: WebState,
    action: FloodAction,
}

impl FloodGuard {
    /// For `route_layer(axum::middleware::from_fn_with_state(FloodGuard::new(..), limit))`.
    pub fn new(state: &WebState, action: FloodAction) -> Self {
        Self {
            state: state.clone(),
            action,
        }
    }
}

/// The client's address, as the shell that received the request knows it (in Lambda, API
/// Gateway's `requestContext.http.sourceIp`). Without it logins are not counted by address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// In Lambda, outermost: the address API Gateway saw the request come from (not a header,
/// which the client writes).
#[cfg(feature = "lambda")]
pub async fn client_from_lambda(mut request: Request, next: Next) -> Response {
    use lambda_http::request::RequestContext;
    let addr = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(context)) => context
            .http
            .source_ip
            .as_deref()
            .and_then(|ip| ip.parse::<IpAddr>().ok()),
        _ => None,
    };
    if let Some(addr) = addr {
        request.extensions_mut().insert(ClientAddr(addr));
    }
    next.run(request).await
}

/// The local run, outermost: no proxy stands in front of it, so only a test sends
/// `X-Forwarded-For`; its last entry stands in for API Gateway's source address.
pub async fn client_from_forwarded_header(mut request: Request, next: Next) -> Response {
    if let Some(addr) = last_forwarded_for(request.headers()) {
        request.extensions_mut().insert(ClientAddr(addr));
    }
    next.run(request).await
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .next_back()
}

/// The route layer: counts the request against its tenant's window, or answers 429.
pub async fn limit(State(guard): State<FloodGuard>, request: Request, next: Next) -> Response {
    let action = guard.action;
    let subject = match action {
        FloodAction::Login => request
            .extensions()
            .get::<ClientAddr>()
            .map(|addr| FloodSubject::Address(addr.0)),
        _ if matches!(*request.method(), Method::GET | Method::HEAD) => None,
        _ => match request.extensions().get::<SessionStatus>() {
            Some(SessionStatus::Active(session)) => Some(FloodSubject::Admin(session.admin)),
            // Not signed in: the handler answers that.
            _ => None,
        },
    };
    let Some(subject) = subject else {
        return next.run(request).await;
    };
    let now = guard.state.now();
    let rule = action.rule();
    let taken = guard
        .state
        .services()
        .store
        .take_flood_slot(
            action,
            subject,
            rule.window_start(now),
            rule.limit,
            rule.window_end(now) + KEEP_AFTER_WINDOW,
        )
        .await;
    match taken {
        Ok(true) => next.run(request).await,
        Ok(false) => {
            let retry_after = rule.retry_after_seconds(now);
            tracing::warn!(action = action.as_str(), %subject, retry_after, "flood control: too many requests");
            let lang = Lang::for_request(request.headers());
            too_many(lang, action, request.uri().path(), retry_after)
        }
        Err(error) => {
            tracing::warn!(action = action.as_str(), %subject, %error, "flood control could not count; letting the request through");
            next.run(request).await
        }
    }
}

/// 429 with `Retry-After`, as JSON under `/api/` and as a page elsewhere.
fn too_many(lang: Lang, action: FloodAction, path: &str, retry_after: i64) -> Response {
    let message = match (action, lang) {
        (FloodAction::FriendSync, Lang::Ko) => {
            format!("친구 목록은 3분에 한 번 새로 고칠 수 있습니다. {retry_after}초 뒤에 다시 해 주세요.")
        }
        (FloodAction::FriendSync, Lang::En) => {
            format!("Friends can be synced once every 3 minutes. Try again in {retry_after} seconds.")
        }
        (FloodAction::ManualSend, Lang::Ko) => {
            format!("알림을 너무 빠르게 보내고 있습니다. {retry_after}초 뒤에 다시 보내 주세요.")
        }
        (FloodAction::ManualSend, Lang::En) => {
            format!("You are sending reminders too fast. Try again in {retry_after} seconds.")
        }
        (FloodAction::MeetingWrite, Lang::Ko) => {
            format!("모임을 너무 자주 바꾸고 있습니다. {retry_after}초 뒤에 다시 해 주세요.")
        }
        (FloodAction::MeetingWrite, Lang::En) => {
            format!("Too many meeting changes at once. Try again in {retry_after} seconds.")
        }
        (FloodAction::Login, Lang::Ko) => {
            format!("이 주소에서 로그인 시도가 너무 많습니다. {retry_after}초 뒤에 다시 해 주세요.")
        }
        (FloodAction::Login, Lang::En) => {
            format!("Too many logins from this address. Try again in {retry_after} seconds.")
        }
    };
    let mut response = if is_api(path) {
        api_problem(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", &message)
    } else {
        problem_page(
            lang,
            path,
            Problem {
                status: StatusCode::TOO_MANY_REQUESTS,
                id: "too-many-requests",
                title: lang.t("잠시 후 다시 해 주세요", "Please wait a moment"),
                message: &message,
                action: None,
            },
        )
    };
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_run_takes_the_last_forwarded_entry() {
        let mut headers = HeaderMap::new();
        assert_eq!(last_forwarded_for(&headers), None);
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.9"),
        );
        assert_eq!(last_forwarded_for(&headers), "203.0.113.9".parse().ok());
        headers.insert("x-forwarded-for", HeaderValue::from_static("not an address"));
        assert_eq!(last_forwarded_for(&headers), None);
    }

    #[cfg(feature = "lambda")]
    #[tokio::test]
    async fn in_lambda_the_address_is_api_gateways_source_ip_not_a_header() {
        use axum::Router;
        use axum::body::Body;
        use axum::routing::get;
        use lambda_http::RequestExt as _;
        use lambda_http::request::RequestContext;
        use tower::ServiceExt as _;

        let app =
            Router::new()
                .route(
                    "/",
                    get(|request: Request| async move {
                        format!("{:?}", request.extensions().get::<ClientAddr>())
                    }),
                )
                .layer(axum::middleware::from_fn(client_from_lambda));
        let context: RequestContext = serde_json::from_value(serde_json::json!({
            "routeKey": "$default",
            "http": {"method": "GET", "path": "/", "sourceIp": "198.51.100.4"}
        }))
        .unwrap();
        let request = axum::http::Request::builder()
            .uri("/")
            .header("x-forwarded-for", "203.0.113.250")
            .body(Body::empty())
            .unwrap()
            .with_request_context(context);
        let answer = app.oneshot(request).await.unwrap();
        let body = axum::body::to_bytes(answer.into_body(), 1024).await.unwrap();
        assert_eq!(String::from_utf8_lossy(&body), "Some(ClientAddr(198.51.100.4))");
    }
}

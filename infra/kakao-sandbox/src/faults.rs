//! Injected faults, per request path: added latency, an HTTP 5xx with a plain body, a Kakao error
//! code with its kapi body and HTTP status, or a connection closed without any response.
//! `skip` lets the first N matching requests through; `times` stops a fault after N uses.
//! `after_processing` lets the request take effect (a message is delivered) before the response
//! is replaced or lost, the case a client cannot tell apart from a failure.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::errors::KapiError;

/// The body of `POST /_sandbox/faults`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    /// Clears every fault (or only those on `path`, when given).
    #[serde(default)]
    pub clear: bool,
    pub path: Option<String>,
    pub latency_ms: Option<u64>,
    pub status: Option<u16>,
    pub kakao_code: Option<i64>,
    #[serde(default)]
    pub drop_connection: bool,
    #[serde(default)]
    pub after_processing: bool,
    #[serde(default)]
    pub skip: u32,
    pub times: Option<u32>,
}

/// An active fault, as the control API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Fault {
    pub id: u64,
    pub path: String,
    pub latency_ms: Option<u64>,
    pub status: Option<u16>,
    pub kakao_code: Option<i64>,
    pub drop_connection: bool,
    pub after_processing: bool,
    /// Matching requests still to let through before the fault applies.
    pub skip_remaining: u32,
    /// Uses left; `None` means until cleared.
    pub times_remaining: Option<u32>,
}

/// What replaces the normal response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Status(u16),
    KakaoCode(i64),
    DropConnection,
}

/// The faults a request triggered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Triggered {
    pub latency: Duration,
    pub outcome: Option<Outcome>,
    pub after_processing: bool,
}

/// Marks a response that must not be written: the connection is closed instead.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    faults: Vec<Fault>,
    next_id: u64,
}

impl FaultBook {
    /// Applies a control request: clears faults or adds one.
    pub fn apply(&mut self, request: FaultRequest) -> Result<(), String> {
        if request.clear {
            match request.path {
                Some(path) => self.faults.retain(|f| f.path != path),
                None => self.faults.clear(),
            }
            return Ok(());
        }
        let path = request.path.ok_or("a fault needs a \"path\" (or \"*\")")?;
        if path != "*" && !path.starts_with('/') {
            return Err(format!("path {path:?} must start with '/' or be \"*\""));
        }
        let outcomes = usize::from(request.status.is_some())
            + usize::from(request.kakao_code.is_some())
            + usize::from(request.drop_connection);
        if outcomes > 1 {
            return Err("choose one of \"status\", \"kakao_code\" and \"drop_connection\"".into());
        }
        if outcomes == 0 && request.latency_ms.is_none() {
            return Err("a fault needs latency_ms, status, kakao_code or drop_connection".into());
        }
        if let Some(status) = request.status
            && !(400..=599).contains(&status)
        {
            return Err(format!(
                "status {status} is not an HTTP error status (400 to 599)"
            ));
        }
        if request.kakao_code.is_some_and(|c| c >= 0) {
            return Err("kakao_code must be a negative Kakao error code such as -603".into());
        }
        if request.times == Some(0) {
            return Err("times must be at least 1 (omit it to apply until cleared)".into());
        }
        self.next_id += 1;
        self.faults.push(Fault {
            id: self.next_id,
            path,
            latency_ms: request.latency_ms,
            status: request.status,
            kakao_code: request.kakao_code,
            drop_connection: request.drop_connection,
            after_processing: request.after_processing,
            skip_remaining: request.skip,
            times_remaining: request.times,
        });
        Ok(())
    }

    pub fn active(&self) -> &[Fault] {
        &self.faults
    }

    /// Counts a request to `path` against every matching fault and says what it triggers.
    pub fn on_request(&mut self, path: &str) -> Triggered {
        let mut triggered = Triggered::default();
        for fault in self.faults.iter_mut().filter(|f| matches(&f.path, path)) {
            if fault.skip_remaining > 0 {
                fault.skip_remaining -= 1;
                continue;
            }
            if let Some(times) = fault.times_remaining.as_mut() {
                *times -= 1;
            }
            triggered.latency += Duration::from_millis(fault.latency_ms.unwrap_or(0));
            let outcome = match (fault.status, fault.kakao_code, fault.drop_connection) {
                (Some(status), _, _) => Some(Outcome::Status(status)),
                (_, Some(code), _) => Some(Outcome::KakaoCode(code)),
                (_, _, true) => Some(Outcome::DropConnection),
                _ => None,
            };
            if triggered.outcome.is_none() && outcome.is_some() {
                triggered.outcome = outcome;
                triggered.after_processing = fault.after_processing;
            }
        }
        self.faults.retain(|f| f.times_remaining != Some(0));
        triggered
    }
}

/// `*` matches every Kakao path (never the control API); `/prefix/*` matches below a prefix.
fn matches(pattern: &str, path: &str) -> bool {
    if path.starts_with("/_sandbox") {
        return pattern == path;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// The kapi body a `kakao_code` fault answers with.
pub(crate) fn kakao_error_for(code: i64) -> KapiError {
    let msg = match code {
        -1 => "internal error",
        -7 => "service temporarily unavailable",
        -603 => "timeout while processing the request",
        -9798 => "service under maintenance",
        -10 => "API limit has been exceeded.",
        -12 => "this app is blocked",
        -13 => "this app is suspended for long-term inactivity",
        _ => "sandbox fault",
    };
    KapiError::new(code, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(path: &str) -> FaultRequest {
        FaultRequest {
            path: Some(path.into()),
            status: Some(503),
            ..FaultRequest::default()
        }
    }

    #[test]
    fn skip_lets_requests_through_and_times_stops_the_fault() {
        let mut book = FaultBook::default();
        assert_eq!(
            book.apply(FaultRequest {
                skip: 2,
                times: Some(1),
                ..fault("/a")
            }),
            Ok(())
        );
        let outcomes: Vec<_> = (0..4).map(|_| book.on_request("/a").outcome).collect();
        assert_eq!(outcomes, [None, None, Some(Outcome::Status(503)), None]);
        assert!(book.active().is_empty());
    }

    #[test]
    fn a_star_matches_kakao_paths_but_not_the_control_api() {
        let mut book = FaultBook::default();
        assert_eq!(book.apply(fault("*")), Ok(()));
        assert_eq!(book.on_request("/v2/user/me").outcome, Some(Outcome::Status(503)));
        assert_eq!(book.on_request("/_sandbox/faults").outcome, None);
    }

    #[test]
    fn a_fault_without_an_effect_is_refused() {
        let mut book = FaultBook::default();
        assert!(
            book.apply(FaultRequest {
                path: Some("/a".into()),
                ..FaultRequest::default()
            })
            .is_err()
        );
        assert!(
            book.apply(FaultRequest {
                kakao_code: Some(-603),
                ..fault("/a")
            })
            .is_err()
        );
    }
}

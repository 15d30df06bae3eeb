//! Sending: to friends (one result per receiver) and to oneself (memo).
//!
//! A send is never retried here. Whatever happened, the caller gets one [`SendResult`] that
//! names every receiver as [`ReceiverOutcome::Sent`], [`ReceiverOutcome::Failed`] or
//! [`ReceiverOutcome::Unknown`], and, when the whole call failed, the error itself (so it can
//! refresh a token and try again, or report a missing consent).

use domain::{FriendUuid, KakaoAppStop};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Credential, KakaoClient, decode, unexpected};
use crate::endpoint::Endpoint;
use crate::error::{ErrorCode, ExceededQuota, KakaoError, RawFailure, classify};
use crate::message::receivers::Receivers;
use crate::message::template::Template;
use crate::secrets::AccessToken;

/// What happened to one receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiverOutcome {
    /// Kakao listed the receiver in `successful_receiver_uuids`.
    Sent,
    /// Kakao refused this receiver (or the whole call, before sending anything).
    Failed(FailureReason),
    /// We cannot tell: the request may have reached Kakao (timeout, dropped connection,
    /// Kakao's own internal error), or Kakao's answer did not mention this receiver.
    /// Never resend blindly.
    Unknown,
}

/// Why a receiver was not messaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureReason {
    /// `-401`: refresh the sender's token and send again.
    AccessTokenInvalid,
    /// `-402`: the sender must agree to `required_scopes` first.
    InsufficientScope { required_scopes: Vec<String> },
    /// `-5`: the app lacks the message permission.
    PermissionDenied,
    /// `-3`: a needed consent item is disabled in the app's settings.
    ConsentItemDisabled,
    /// `-10`, `-531`, `-532`, `-533`, `-536`.
    QuotaExceeded(ExceededQuota),
    /// `-12`/`-13`: Kakao refuses every call of the app; nothing was sent.
    AppStopped(KakaoAppStop),
    /// `-502`: not the sender's friend as Kakao sees it (its friend cache may lag).
    NotAFriend,
    /// `-530`: the receiver does not accept messages.
    RefusesMessages,
    /// `-2`: Kakao refused the receiver list (bad or foreign UUID, not allowed).
    InvalidReceivers,
    /// The request was never sent (no connection, unusable credential).
    NotSent,
    /// Anything else Kakao refused, kept with its code, HTTP status and message.
    Rejected {
        code: ErrorCode,
        status: u16,
        message: String,
    },
}

impl FailureReason {
    /// Whether to count this attempt against our own copy of Kakao's quotas.
    ///
    /// How sure we are, case by case (Kakao documents none of this; a reading, `docs/kakao.md#quotas`):
    /// - request-level refusals (`-401`, `-402`, `-5`, `-3`, `-2`, `-12`, `-13`, not sent): certain. Kakao
    ///   checks these before it sends anything; with a connection failure nothing left us.
    /// - quota failures: confident. Kakao refuses *because* the counter is full; the SDKs
    ///   report them as "limit exceeded" failures and nothing reaches the receiver.
    /// - `-502` not a friend, `-530` refuses messages: fairly confident the message was not
    ///   delivered (Kakao's SDKs treat them as per-receiver failures); whether Kakao's counter
    ///   moved is unknown, and we read it as not counted.
    /// - any other code: unknown, so it is counted. Over-counting only makes us send a little
    ///   less; under-counting could make Kakao refuse later sends.
    pub fn counts_against_quota(&self) -> bool {
        matches!(self, FailureReason::Rejected { .. })
    }

    /// The reason as a Kakao code, for delivery records (`None` for "not sent").
    pub fn kakao_code(&self) -> Option<i64> {
        match self {
            FailureReason::AccessTokenInvalid => Some(-401),
            FailureReason::InsufficientScope { .. } => Some(-402),
            FailureReason::PermissionDenied => Some(-5),
            FailureReason::ConsentItemDisabled => Some(-3),
            FailureReason::QuotaExceeded(quota) => Some(quota.code()),
            FailureReason::AppStopped(stop) => Some(stop.code()),
            FailureReason::NotAFriend => Some(-502),
            FailureReason::RefusesMessages => Some(-530),
            FailureReason::InvalidReceivers => Some(-2),
            FailureReason::Rejected {
                code: ErrorCode::Api(code),
                ..
            } => Some(*code),
            FailureReason::Rejected { .. } | FailureReason::NotSent => None,
        }
    }

    /// What an error means for a receiver it applies to: a reason, or `None` when the
    /// message may have gone out (the receiver is then [`ReceiverOutcome::Unknown`]).
    fn from_error(err: &KakaoError) -> Option<FailureReason> {
        if let Some(quota) = err.exceeded_quota() {
            return Some(FailureReason::QuotaExceeded(quota));
        }
        Some(match err {
            KakaoError::AccessTokenInvalid(_) => FailureReason::AccessTokenInvalid,
            KakaoError::InsufficientScope { required_scopes, .. } => FailureReason::InsufficientScope {
                required_scopes: required_scopes.clone(),
            },
            KakaoError::PermissionDenied(_) => FailureReason::PermissionDenied,
            KakaoError::ConsentItemDisabled(_) => FailureReason::ConsentItemDisabled,
            KakaoError::AppStopped { stop, .. } => FailureReason::AppStopped(*stop),
            KakaoError::NotAFriend(_) => FailureReason::NotAFriend,
            KakaoError::RecipientRefusesMessages(_) => FailureReason::RefusesMessages,
            KakaoError::InvalidReceivers(_) => FailureReason::InvalidReceivers,
            KakaoError::NotSent { .. }
            | KakaoError::InvalidCredential
            | KakaoError::Encode(_)
            | KakaoError::AdminKeyMissing
            | KakaoError::Client(_) => FailureReason::NotSent,
            // Kakao's own internal failures (-1, -7, -603 is literally a timeout inside Kakao,
            // 5xx) may have happened after the message went out: not a refusal.
            KakaoError::Transient(_)
            | KakaoError::TimedOut { .. }
            | KakaoError::ConnectionLost { .. }
            | KakaoError::UnexpectedResponse { .. } => return None,
            other => match other.kakao_answer() {
                Some(answer) => FailureReason::Rejected {
                    code: answer.code().clone(),
                    status: answer.status(),
                    message: answer.message().to_owned(),
                },
                None => return None,
            },
        })
    }
}

/// One receiver and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverResult {
    pub uuid: FriendUuid,
    pub outcome: ReceiverOutcome,
}

/// The result of one send-to-friends call: every receiver, in the order given.
#[derive(Debug)]
pub struct SendResult {
    receivers: Vec<ReceiverResult>,
    error: Option<KakaoError>,
}

impl SendResult {
    pub fn receivers(&self) -> &[ReceiverResult] {
        &self.receivers
    }

    pub fn outcome(&self, uuid: &FriendUuid) -> Option<&ReceiverOutcome> {
        self.receivers
            .iter()
            .find(|r| &r.uuid == uuid)
            .map(|r| &r.outcome)
    }

    pub fn sent(&self) -> impl Iterator<Item = &FriendUuid> {
        self.receivers
            .iter()
            .filter(|r| r.outcome == ReceiverOutcome::Sent)
            .map(|r| &r.uuid)
    }

    pub fn failed(&self) -> impl Iterator<Item = (&FriendUuid, &FailureReason)> {
        self.receivers.iter().filter_map(|r| match &r.outcome {
            ReceiverOutcome::Failed(reason) => Some((&r.uuid, reason)),
            _ => None,
        })
    }

    pub fn unknown(&self) -> impl Iterator<Item = &FriendUuid> {
        self.receivers
            .iter()
            .filter(|r| r.outcome == ReceiverOutcome::Unknown)
            .map(|r| &r.uuid)
    }

    pub fn all_sent(&self) -> bool {
        self.receivers.iter().all(|r| r.outcome == ReceiverOutcome::Sent)
    }

    /// The error when the call as a whole failed (Kakao answered with an error body, or the
    /// transport failed). `None` when Kakao answered 200, even if some receivers failed.
    /// `error().is_some_and(KakaoError::needs_refresh)` means: refresh, then send again.
    pub fn error(&self) -> Option<&KakaoError> {
        self.error.as_ref()
    }

    pub fn into_parts(self) -> (Vec<ReceiverResult>, Option<KakaoError>) {
        (self.receivers, self.error)
    }

    /// Every receiver shares the fate the error implies.
    fn from_error(receivers: &Receivers, err: KakaoError) -> Self {
        let outcome = match FailureReason::from_error(&err) {
            Some(reason) => ReceiverOutcome::Failed(reason),
            None => ReceiverOutcome::Unknown,
        };
        SendResult {
            receivers: receivers
                .iter()
                .map(|uuid| ReceiverResult {
                    uuid: uuid.clone(),
                    outcome: outcome.clone(),
                })
                .collect(),
            error: Some(err),
        }
    }

    /// Kakao answered 200: receivers in `successful_receiver_uuids` were sent, those in
    /// `failure_info` failed with that entry's code, and any it did not mention are unknown.
    fn from_answer(receivers: &Receivers, answer: SendAnswerWire) -> Self {
        let outcome_of = |uuid: &FriendUuid| {
            if answer
                .successful_receiver_uuids
                .iter()
                .any(|s| s == uuid.as_str())
            {
                return ReceiverOutcome::Sent;
            }
            let failure = answer
                .failure_info
                .iter()
                .find(|f| f.receiver_uuids.iter().any(|s| s == uuid.as_str()));
            match failure {
                Some(f) => {
                    let err = classify(
                        Endpoint::SendToFriends,
                        RawFailure::from_code(f.code, f.msg.clone()),
                    );
                    match FailureReason::from_error(&err) {
                        Some(reason) => ReceiverOutcome::Failed(reason),
                        None => ReceiverOutcome::Unknown,
                    }
                }
                None => {
                    tracing::warn!(receiver = %uuid, "Kakao's send answer did not mention a receiver");
                    ReceiverOutcome::Unknown
                }
            }
        };
        SendResult {
            receivers: receivers
                .iter()
                .map(|uuid| ReceiverResult {
                    uuid: uuid.clone(),
                    outcome: outcome_of(uuid),
                })
                .collect(),
            error: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct SendAnswerWire {
    #[serde(default)]
    successful_receiver_uuids: Vec<String>,
    /// Kakao's REST key is `failure_info`; its current Android SDK reads `failure_infos`
    /// (`docs/kakao.md#messages`). Either is accepted.
    #[serde(default, alias = "failure_infos")]
    failure_info: Vec<FailureInfoWire>,
}

#[derive(Debug, Deserialize)]
struct FailureInfoWire {
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    receiver_uuids: Vec<String>,
}

#[derive(Deserialize)]
struct MemoAnswerWire {
    result_code: Option<i64>,
}

#[derive(Serialize)]
struct SendToFriendsForm<'a> {
    receiver_uuids: &'a str,
    template_object: &'a str,
}

#[derive(Serialize)]
struct SendToMeForm<'a> {
    template_object: &'a str,
}

/// `{"result_code": N}` from a memo send with N other than 0.
#[derive(Debug, thiserror::Error)]
#[error("the memo send answered result_code {0}")]
struct MemoResultCode(i64);

impl KakaoClient {
    /// Sends a default template to 1–5 friends, on the sender's behalf. Never retried: see
    /// [`SendResult`] for what came of each receiver.
    pub async fn send_to_friends(
        &self,
        token: &AccessToken,
        receivers: &Receivers,
        template: &Template,
    ) -> SendResult {
        match self.try_send_to_friends(token, receivers, template).await {
            Ok(answer) => {
                let result = SendResult::from_answer(receivers, answer);
                tracing::info!(
                    receivers = receivers.len(),
                    sent = result.sent().count(),
                    failed = result.failed().count(),
                    unknown = result.unknown().count(),
                    "kakao send to friends answered"
                );
                result
            }
            Err(err) => SendResult::from_error(receivers, err),
        }
    }

    async fn try_send_to_friends(
        &self,
        token: &AccessToken,
        receivers: &Receivers,
        template: &Template,
    ) -> Result<SendAnswerWire, KakaoError> {
        let endpoint = Endpoint::SendToFriends;
        let template_object = template.to_json().map_err(KakaoError::Encode)?;
        let receiver_uuids = receivers.to_json_array();
        let form = SendToFriendsForm {
            receiver_uuids: &receiver_uuids,
            template_object: &template_object,
        };
        let request = Self::form(
            self.request(Method::POST, endpoint, Credential::User(token))?,
            &form,
        );
        let success = self.call(endpoint, request).await?;
        decode(endpoint, &success)
    }

    /// Sends a default template to the token's own user ("나에게 보내기"). Never retried; an
    /// [`KakaoError::is_ambiguous`] error means it may have arrived.
    pub async fn send_to_me(&self, token: &AccessToken, template: &Template) -> Result<(), KakaoError> {
        let endpoint = Endpoint::SendToMe;
        let template_object = template.to_json().map_err(KakaoError::Encode)?;
        let form = SendToMeForm {
            template_object: &template_object,
        };
        let request = Self::form(
            self.request(Method::POST, endpoint, Credential::User(token))?,
            &form,
        );
        let success = self.call(endpoint, request).await?;
        // `result_code` is what third-party clients check (observed only: `docs/kakao.md#messages`);
        // a 200 without it is taken as success.
        match decode::<MemoAnswerWire>(endpoint, &success)?.result_code {
            None | Some(0) => Ok(()),
            Some(code) => Err(unexpected(endpoint, success.status, MemoResultCode(code))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    fn receivers(names: &[&str]) -> Receivers {
        Receivers::new(names.iter().map(|n| uuid(n))).unwrap()
    }

    fn answer(body: &str) -> SendAnswerWire {
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn a_mixed_answer_names_every_receiver() {
        let to = receivers(&["abcdefg0001", "abcdefg0002", "abcdefg0003", "abcdefg0004"]);
        let result = SendResult::from_answer(
            &to,
            answer(
                r#"{"successful_receiver_uuids": ["abcdefg0001","abcdefg0002"],
                    "failure_info": [{"code": -532, "msg": "...", "receiver_uuids": ["abcdefg0003"]}]}"#,
            ),
        );
        assert!(result.error().is_none());
        assert_eq!(result.outcome(&uuid("abcdefg0001")), Some(&ReceiverOutcome::Sent));
        assert_eq!(result.outcome(&uuid("abcdefg0002")), Some(&ReceiverOutcome::Sent));
        assert_eq!(
            result.outcome(&uuid("abcdefg0003")),
            Some(&ReceiverOutcome::Failed(FailureReason::QuotaExceeded(
                ExceededQuota::SenderDaily
            )))
        );
        assert_eq!(
            result.outcome(&uuid("abcdefg0004")),
            Some(&ReceiverOutcome::Unknown),
            "not mentioned"
        );
        assert_eq!(result.receivers().len(), 4);
        assert!(!result.all_sent());
    }

    /// Kakao's Android SDK reads the list as `failure_infos`; the same answer under that name
    /// means the same.
    #[test]
    fn failure_infos_is_read_as_failure_info() {
        let to = receivers(&["a1", "a2"]);
        let result = SendResult::from_answer(
            &to,
            answer(
                r#"{"successful_receiver_uuids": ["a2"],
                    "failure_infos": [{"code": -530, "msg": "refuses", "receiver_uuids": ["a1"]}]}"#,
            ),
        );
        assert_eq!(
            result.outcome(&uuid("a1")),
            Some(&ReceiverOutcome::Failed(FailureReason::RefusesMessages))
        );
        assert_eq!(result.outcome(&uuid("a2")), Some(&ReceiverOutcome::Sent));
    }

    #[test]
    fn failure_info_codes_map_like_error_bodies() {
        let to = receivers(&["a1", "a2", "a3", "a4"]);
        let result = SendResult::from_answer(
            &to,
            answer(
                r#"{"successful_receiver_uuids": [],
                    "failure_info": [{"code": -502, "msg": "not friend", "receiver_uuids": ["a1"]},
                                     {"code": -530, "msg": "refuses", "receiver_uuids": ["a2"]},
                                     {"code": -536, "msg": "pair", "receiver_uuids": ["a3"]},
                                     {"code": -603, "msg": "timeout", "receiver_uuids": ["a4"]}]}"#,
            ),
        );
        let failed: Vec<_> = result
            .failed()
            .map(|(u, r)| (u.as_str().to_owned(), r.clone()))
            .collect();
        assert_eq!(
            failed,
            vec![
                ("a1".to_owned(), FailureReason::NotAFriend),
                ("a2".to_owned(), FailureReason::RefusesMessages),
                (
                    "a3".to_owned(),
                    FailureReason::QuotaExceeded(ExceededQuota::PairDaily)
                ),
            ]
        );
        assert_eq!(
            result.unknown().map(FriendUuid::as_str).collect::<Vec<_>>(),
            ["a4"],
            "-603 may have gone out"
        );
    }

    #[test]
    fn an_error_body_on_a_single_send_fails_that_receiver_and_is_kept() {
        let to = receivers(&["abcdefg0001"]);
        let err = classify(
            Endpoint::SendToFriends,
            RawFailure::from_body(400, br#"{"msg":"receiver refuses","code":-530}"#),
        );
        let result = SendResult::from_error(&to, err);
        assert_eq!(
            result.outcome(&uuid("abcdefg0001")),
            Some(&ReceiverOutcome::Failed(FailureReason::RefusesMessages))
        );
        assert!(matches!(
            result.error(),
            Some(KakaoError::RecipientRefusesMessages(_))
        ));
    }

    #[test]
    fn a_request_level_refusal_fails_everyone_and_says_what_to_do() {
        let to = receivers(&["a1", "a2"]);
        let err = classify(
            Endpoint::SendToFriends,
            RawFailure::from_body(401, br#"{"msg":"this access token does not exist","code":-401}"#),
        );
        let result = SendResult::from_error(&to, err);
        assert_eq!(result.failed().count(), 2);
        assert!(
            result
                .failed()
                .all(|(_, r)| *r == FailureReason::AccessTokenInvalid)
        );
        assert!(result.error().is_some_and(KakaoError::needs_refresh));
    }

    #[test]
    fn kakaos_internal_failures_leave_receivers_unknown() {
        let to = receivers(&["a1", "a2"]);
        let err = classify(Endpoint::SendToFriends, RawFailure::from_body(500, b"{}"));
        let result = SendResult::from_error(&to, err);
        assert_eq!(result.unknown().count(), 2);
    }

    #[test]
    fn only_unexplained_refusals_count_against_quota() {
        assert!(!FailureReason::QuotaExceeded(ExceededQuota::PairDaily).counts_against_quota());
        assert!(!FailureReason::RefusesMessages.counts_against_quota());
        assert!(!FailureReason::AccessTokenInvalid.counts_against_quota());
        let odd = FailureReason::Rejected {
            code: ErrorCode::Api(-6),
            status: 403,
            message: String::new(),
        };
        assert!(odd.counts_against_quota());
        assert_eq!(odd.kakao_code(), Some(-6));
        assert_eq!(
            FailureReason::QuotaExceeded(ExceededQuota::RecipientDaily).kakao_code(),
            Some(-533)
        );
    }
}

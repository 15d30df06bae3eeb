//! Sending KakaoTalk messages: request checks (`-2`, `-5`), the per-receiver decision (`-502`,
//! `-530`, then the quotas `-10`, `-532`, `-533`, `-536`), delivery to inboxes and counting. A
//! message is counted only when it is delivered.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::accounts::Account;
use crate::errors::KapiError;
use crate::inbox::{InboxMessage, MessageKind};
use crate::kst::kakao_day;
use crate::quota::QuotaBreach;
use crate::state::Sandbox;
use crate::template;
use crate::world::is_well_formed_uuid;

/// At most five receivers per call.
pub(crate) const MAX_RECEIVERS: usize = 5;

const INVALID_RECEIVERS: &str = "Constraints on the parameter [receiver_uuids] are unsatisfied. The input receiver id(s) is invalid format.";

/// Why one receiver did not get the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: i64,
    pub msg: &'static str,
}

/// The receivers of a send that passed the request checks, grouped by outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SendReport {
    /// How many receivers the request named (one receiver gets an error body instead).
    pub receivers: usize,
    pub successful: Vec<String>,
    /// Failures grouped by code, in order of first appearance.
    pub failures: Vec<(Refusal, Vec<String>)>,
}

/// Parses `receiver_uuids`, a JSON array serialized into a string.
pub(crate) fn parse_receivers(raw: Option<&str>) -> Result<Vec<String>, KapiError> {
    let invalid = || KapiError::invalid_param(INVALID_RECEIVERS);
    let raw =
        raw.ok_or_else(|| KapiError::invalid_param("The Parameter [receiver_uuids] cannot be null."))?;
    let value: Value = serde_json::from_str(raw).map_err(|_| invalid())?;
    let list = match value {
        Value::Null => {
            return Err(KapiError::invalid_param(
                "The Parameter [receiver_uuids] cannot be null.",
            ));
        }
        Value::Array(list) => list,
        _ => return Err(invalid()),
    };
    if list.is_empty() {
        return Err(KapiError::invalid_param(
            "The Parameter [receiver_uuids] cannot be empty.",
        ));
    }
    if list.len() > MAX_RECEIVERS {
        return Err(KapiError::invalid_param(format!(
            "Constraints on the parameter [receiver_uuids] are unsatisfied. At most {MAX_RECEIVERS} receivers \
             are allowed, got {}.",
            list.len()
        )));
    }
    let uuids: Vec<String> = list
        .into_iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<_>>()
        .ok_or_else(invalid)?;
    if uuids.iter().any(|u| !is_well_formed_uuid(u)) {
        return Err(invalid());
    }
    let mut seen = HashSet::new();
    if !uuids.iter().all(|u| seen.insert(u)) {
        return Err(KapiError::invalid_param(
            "Constraints on the parameter [receiver_uuids] are unsatisfied. The input receiver id(s) are duplicated.",
        ));
    }
    Ok(uuids)
}

/// Whether `receiver` can get a message from `sender` before quotas are considered.
pub(crate) fn reachability(receiver: &Account, is_friend: bool) -> Option<Refusal> {
    if !is_friend {
        return Some(Refusal {
            code: -502,
            msg: "The receiver is not a friend of the sender.",
        });
    }
    if !receiver.linked || !receiver.has_agreed("talk_message") || receiver.refuses_messages {
        return Some(Refusal {
            code: -530,
            msg: "The receiver is not allowed to receive messages.",
        });
    }
    None
}

/// Kakao's answer for a quota that is used up.
pub(crate) fn quota_refusal(breach: QuotaBreach) -> Refusal {
    match breach {
        QuotaBreach::App => Refusal {
            code: -10,
            msg: "API limit has been exceeded.",
        },
        QuotaBreach::Sender => Refusal {
            code: -532,
            msg: "The sender's daily message limit has been exceeded.",
        },
        QuotaBreach::Recipient => Refusal {
            code: -533,
            msg: "The receiver's daily message limit has been exceeded.",
        },
        QuotaBreach::Pair => Refusal {
            code: -536,
            msg: "The daily message limit between this sender and receiver has been exceeded.",
        },
    }
}

/// `POST /v1/api/talk/friends/message/default/send` after authentication and the scope check.
pub(crate) fn send_to_friends(
    sandbox: &mut Sandbox,
    sender_id: i64,
    receivers_raw: Option<&str>,
    template_raw: Option<&str>,
) -> Result<SendReport, KapiError> {
    let uuids = parse_receivers(receivers_raw)?;
    let mut receivers = Vec::with_capacity(uuids.len());
    for uuid in &uuids {
        let receiver = sandbox
            .directory
            .by_uuid(uuid)
            .ok_or_else(|| KapiError::invalid_param(INVALID_RECEIVERS))?;
        if receiver.id == sender_id {
            return Err(KapiError::invalid_param(
                "Cannot contain a receiver who is identical to the sender in multicast mode.",
            ));
        }
        receivers.push((uuid.clone(), receiver.id));
    }
    let template = template::validate(template_raw).map_err(KapiError::invalid_param)?;
    if !sandbox.app.message_permission
        && receivers
            .iter()
            .any(|(_, id)| !sandbox.app.team_members.contains(id))
    {
        return Err(KapiError::new(-5, "permission denied"));
    }

    let now = sandbox.now();
    let day = kakao_day(now);
    let mut report = SendReport {
        receivers: receivers.len(),
        successful: Vec::new(),
        failures: Vec::new(),
    };
    for (uuid, receiver_id) in receivers {
        let refusal = match sandbox.directory.get(receiver_id) {
            Some(receiver) => reachability(receiver, sandbox.directory.are_friends(sender_id, receiver_id)),
            None => Some(Refusal {
                code: -530,
                msg: "The receiver is not allowed to receive messages.",
            }),
        }
        .or_else(|| {
            let limits = &sandbox.app.quotas;
            sandbox
                .quota
                .check_friend_message(day, sender_id, receiver_id, limits)
                .err()
                .map(quota_refusal)
        });
        match refusal {
            Some(refusal) => match report.failures.iter_mut().find(|(r, _)| *r == refusal) {
                Some((_, uuids)) => uuids.push(uuid),
                None => report.failures.push((refusal, vec![uuid])),
            },
            None => {
                sandbox.quota.record_friend_message(day, sender_id, receiver_id);
                deliver(
                    sandbox,
                    receiver_id,
                    sender_id,
                    MessageKind::Friend,
                    template.clone(),
                    now,
                );
                report.successful.push(uuid);
            }
        }
    }
    Ok(report)
}

/// `POST /v2/api/talk/memo/default/send` after authentication and the scope check.
pub(crate) fn send_memo(
    sandbox: &mut Sandbox,
    sender_id: i64,
    template_raw: Option<&str>,
) -> Result<(), KapiError> {
    let template = template::validate(template_raw).map_err(KapiError::invalid_param)?;
    let now = sandbox.now();
    if sandbox.app.memo_counts_toward_quota {
        let day = kakao_day(now);
        if let Err(breach) = sandbox.quota.check_memo(day, sender_id, &sandbox.app.quotas) {
            let refusal = quota_refusal(breach);
            return Err(KapiError::new(refusal.code, refusal.msg));
        }
        sandbox.quota.record_memo(day, sender_id);
    }
    deliver(sandbox, sender_id, sender_id, MessageKind::Memo, template, now);
    Ok(())
}

fn deliver(
    sandbox: &mut Sandbox,
    receiver_id: i64,
    sender_id: i64,
    kind: MessageKind,
    template_object: Value,
    sent_at: DateTime<Utc>,
) {
    sandbox
        .inboxes
        .entry(receiver_id)
        .or_default()
        .push(InboxMessage {
            sender_id,
            kind,
            template_object,
            sent_at,
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(raw: &str) -> Result<usize, String> {
        parse_receivers(Some(raw)).map(|u| u.len()).map_err(|e| e.msg)
    }

    #[test]
    fn receiver_lists_are_json_arrays_of_one_to_five_uuids() {
        assert_eq!(codes(r#"["a","b"]"#), Ok(2));
        assert!(codes("null").is_err_and(|m| m.contains("cannot be null")));
        assert!(codes("[]").is_err_and(|m| m.contains("cannot be empty")));
        assert!(codes(r#"["a","b","c","d","e","f"]"#).is_err_and(|m| m.contains("At most 5")));
        assert!(codes(r#"["a b"]"#).is_err_and(|m| m.contains("invalid format")));
        assert!(codes("a,b").is_err_and(|m| m.contains("invalid format")));
        assert!(codes(r#"["a","a"]"#).is_err_and(|m| m.contains("duplicated")));
    }
}

//! Sending one reminder by hand, the same way the automatic sweep sends: a delivery record and
//! quota reserved first (so Kakao's daily limits are never exceeded and the send shows in the
//! delivery log), then one Kakao call, then what Kakao said recorded against the record.
//!
//! Every manual send gets its own small meeting (title "manual reminder", the admin's link as
//! its join link, the text as its template, no rounds due), because the store keys deliveries
//! by meeting and round; the delivery log then reads the same for manual and automatic sends.
//!
//! At most once beats twice: a send whose outcome is lost is recorded `unknown` and never
//! retried; a send refused before it left gives its quota back.

use app::delivery::{
    CrashHook, DeliverError, Fate, Held, Messages, NotReached, Outgoing, Recording, Start, deliver,
};
use app::tokens::TokenSlot;
use chrono::{DateTime, Utc};
use domain::delivery::Round;
use domain::sweep::{ClientStanding, Unreachable, reach_from_history};
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId};
use kakao::{Button, Buttons, Link, Template, TextTemplate};
use store::StoreError;
use store::model::{
    BatchRecipients, DeliveryRecord, FriendRecord, InitialState, LinkToken, MeetingDraft, MeetingSettings,
    MeetingStatus, QuotaSubject, ReservationRequest,
};
use web::WebState;

use super::compose::{BUTTON_TITLE, Reminder};
use super::problem::{QuotaScope, SendProblem};

/// The title every manual send's meeting carries.
pub const MANUAL_TITLE: &str = "수동 알림 · Manual reminder";

/// A reminder that went out.
#[derive(Debug, Clone)]
pub struct Sent {
    pub friend: FriendRecord,
    pub delivery: DeliveryRecord,
}

/// Why a reminder did not go out.
#[derive(Debug, thiserror::Error)]
pub enum SendFailure {
    /// Not one of this admin's friends (or another admin's friend): 404.
    #[error("no such friend")]
    UnknownFriend,
    /// A reason the admin can act on; shown in the dialog.
    #[error("the reminder could not go: {0:?}")]
    Problem(SendProblem, Box<FriendRecord>),
    #[error("the store failed while {step}")]
    Store {
        step: &'static str,
        #[source]
        source: StoreError,
    },
}

fn store_failed(step: &'static str) -> impl FnOnce(StoreError) -> SendFailure {
    move |source| SendFailure::Store { step, source }
}

/// What ttokttok knows about this friend as a client. A failed lookup is "unknown": it only
/// changes the words of a dialog, never whether a message is sent.
pub async fn client_standing(state: &WebState, friend: &FriendRecord) -> ClientStanding {
    let Some(id) = friend.profile.kakao_id else {
        return ClientStanding::Unknown;
    };
    match state.services().store.get_client(id).await {
        Ok(client) => client.map_or(ClientStanding::Unknown, |c| c.standing()),
        Err(error) => {
            tracing::warn!(friend = %friend.profile.uuid, error = %error, "could not read the client record");
            ClientStanding::Unknown
        }
    }
}

/// Sends `reminder` from `admin`.
pub async fn send(state: &WebState, admin: KakaoUserId, reminder: &Reminder) -> Result<Sent, SendFailure> {
    let services = state.services();
    let store = &services.store;
    let now = state.now();
    let friend = match store.get_friend(admin, &reminder.friend).await {
        Ok(friend) => friend,
        Err(error) if error.is_not_found() => return Err(SendFailure::UnknownFriend),
        Err(error) => return Err(store_failed("reading the friend")(error)),
    };
    let fail = |problem: SendProblem, friend: &FriendRecord| {
        Err(SendFailure::Problem(problem, Box::new(friend.clone())))
    };
    let standing = client_standing(state, &friend).await;
    match reach_from_history(friend.standing(), standing, []) {
        Some(Unreachable::NotAFriend) => return fail(SendProblem::NotFriends, &friend),
        // With no earlier answers, only a client who disconnected ttokttok is unreachable.
        Some(Unreachable::NoConsent | Unreachable::RefusesMessages) => {
            return fail(SendProblem::Disconnected, &friend);
        }
        None => {}
    }
    // A full sender counter needs no meeting and no Kakao call to know the answer.
    let day = KstDay::containing(now);
    let used = store
        .quota_used(day, &QuotaSubject::Sender(admin))
        .await
        .map_err(store_failed("reading today's quota"))?;
    if used >= services.settings.quotas.sender {
        return fail(SendProblem::quota(QuotaScope::Sender, now), &friend);
    }
    // Kakao refuses everything while it has stopped the app (this asks it again when due).
    if let Some(stop) = app::kakao_app::sending_stop(services, &[admin]).await {
        return fail(SendProblem::KakaoAppStopped { stop }, &friend);
    }
    // A dead login or missing consent is known before anything is reserved.
    if let Err(error) = services.tokens.access_token(admin).await {
        let fate = app::delivery::judge(std::slice::from_ref(&reminder.friend), Err(error));
        if let Some((_, Fate::NotSent(why))) = fate.first() {
            return fail(not_reached(why), &friend);
        }
    }

    let meeting = MeetingId::new_v7();
    let draft = manual_meeting(reminder, now);
    store
        .create_meeting(admin, meeting, &draft, now)
        .await
        .map_err(store_failed("creating the manual send"))?;
    let recipients =
        BatchRecipients::new(vec![reminder.friend.clone()]).map_err(store_failed("naming the recipient"))?;
    let request = ReservationRequest {
        sender: admin,
        meeting,
        round: Round::FIRST,
        recipients,
        day,
        initial: InitialState::Sending,
        limits: services.settings.quotas,
        links: None,
    };
    let out = Outgoing {
        admin,
        meeting,
        round: Round::FIRST,
        start: Start::Reserve(request),
        token: &TokenSlot::default(),
        recording: Recording::Now,
        crash: &CrashHook::default(),
    };
    let delivered = deliver(services, out, &TheMessage(template(reminder))).await?;
    if let Some((_, held)) = delivered.held.first() {
        return match held {
            Held::Quota(kind) => fail(SendProblem::quota((*kind).into(), now), &friend),
            other => Err(SendFailure::Store {
                step: "reserving quota",
                source: StoreError::conflict(format!("a new manual send already has a delivery ({other:?})")),
            }),
        };
    }
    if !delivered.unrecorded.is_empty() {
        return Err(SendFailure::Store {
            step: "recording Kakao's answer",
            source: StoreError::backend(
                "recording Kakao's answer",
                "the answer could not be written".to_owned(),
            ),
        });
    }
    let now = state.now();
    let problem = match delivered.fates.first().map(|(_, fate)| fate) {
        Some(Fate::Sent) => None,
        Some(Fate::Failed { reason, .. } | Fate::Unknown(Some(reason))) => {
            Some(SendProblem::from_failure(reason, standing, now))
        }
        Some(Fate::Unknown(None)) | None => Some(SendProblem::OutcomeUnknown),
        Some(Fate::NotSent(why)) => Some(not_reached(why)),
    };
    tracing::info!(
        admin = %admin,
        friend = %reminder.friend,
        meeting = %meeting,
        outcome = problem.as_ref().map(SendProblem::id).unwrap_or("sent"),
        "manual reminder"
    );
    match (problem, delivered.records.into_iter().next()) {
        (None, Some(delivery)) => {
            crate::metrics::count_sent(state, 1);
            Ok(Sent { friend, delivery })
        }
        (Some(problem), _) => fail(problem, &friend),
        (None, None) => Err(SendFailure::Store {
            step: "recording Kakao's answer",
            source: StoreError::not_found("the manual send's delivery"),
        }),
    }
}

/// What the dialog says when nothing left.
fn not_reached(why: &NotReached) -> SendProblem {
    match why {
        NotReached::AdminNeedsLogin => SendProblem::AdminNeedsLogin,
        NotReached::AdminNeedsConsent { missing } => SendProblem::AdminNeedsConsent {
            missing: missing.clone(),
        },
        _ => SendProblem::KakaoUnavailable,
    }
}

/// The manual send's one message, the same for its one recipient.
struct TheMessage(Template);

#[async_trait::async_trait]
impl Messages for TheMessage {
    async fn messages(
        &self,
        recipients: &[FriendUuid],
        _: &[(FriendUuid, LinkToken)],
    ) -> Vec<Option<Template>> {
        recipients.iter().map(|_| Some(self.0.clone())).collect()
    }
}

impl From<DeliverError> for SendFailure {
    fn from(error: DeliverError) -> Self {
        match error {
            DeliverError::Store { step, source } => SendFailure::Store { step, source },
            // A manual send arms no crash hook.
            DeliverError::Crashed(crashed) => SendFailure::Store {
                step: "sending",
                source: StoreError::backend("sending", crashed),
            },
        }
    }
}

fn manual_meeting(reminder: &Reminder, now: DateTime<Utc>) -> MeetingDraft {
    MeetingDraft {
        title: MANUAL_TITLE.to_owned(),
        starts_at: now,
        ends_at: now,
        time_zone: chrono_tz::Asia::Seoul,
        join_url: reminder.join_url.clone(),
        zoom_meeting_id: None,
        status: MeetingStatus::Scheduled,
        next_round: None,
        settings: MeetingSettings {
            template: Some(reminder.text.clone()),
            ..MeetingSettings::default()
        },
    }
}

/// Kakao's text template: the text, tapping it opens the link, and one button to the link.
pub fn template(reminder: &Reminder) -> Template {
    let link = Link::to(reminder.link.clone());
    let text = TextTemplate::new(reminder.text.clone(), link.clone());
    match Button::new(BUTTON_TITLE, link).and_then(|b| Buttons::new(vec![b])) {
        Ok(buttons) => text.with_buttons(buttons).into(),
        Err(_) => text.into(),
    }
}

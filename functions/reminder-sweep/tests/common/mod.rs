//! A test bed for the sweep: the Kakao sandbox, a fresh store (SQLite or DynamoDB), a manual
//! clock, the admin logged in with its friends synced, and helpers that read like the product:
//! make a meeting, let people join, sweep, look in someone's KakaoTalk inbox.
//!
//! Test set-up: failures here panic with a message, as set-up should.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use app::Services;
use app::config::PublicUrl;
use app::sweep::{LinkMode, SweepReport, SweepSettings, Sweeper};
use app::testing::{Backend, Scenario};
use chrono::{DateTime, Duration, DurationRound, Utc};
use domain::delivery::Round;
use domain::meeting::{MeetingDuration, QuietHours, ReminderOffsets, ReminderPlan, Schedule, SendMode};
use domain::{Clock, FriendUuid, KakaoUserId, MeetingId, QuotaLimits};
use kakao_sandbox::World;
use serde_json::{Value, json};
use store::model::{
    DeliveryRecord, Invitee, JoinSource, JoinUrl, LinkToken, MatchKeys, MeetingDraft, MeetingSettings,
    MeetingStatus, NextRound,
};

/// Where tracked links point in tests (an https origin, as Kakao requires).
pub const SITE: &str = "https://ttokttok.test";
/// The send-to-friends path, for request counts.
pub const SEND_PATH: &str = "/v1/api/talk/friends/message/default/send";
pub const MEMO_PATH: &str = "/v2/api/talk/memo/default/send";

pub struct Bed {
    pub s: Scenario,
    pub sweeper: Sweeper,
    http: reqwest::Client,
}

/// How a test meeting is set up.
#[derive(Debug, Clone)]
pub struct MeetingSetup {
    pub title: String,
    pub offsets: Vec<i64>,
    pub quiet: QuietHours,
    pub mode: SendMode,
    pub minutes: u32,
    pub template: Option<String>,
}

impl Default for MeetingSetup {
    fn default() -> Self {
        Self {
            title: "수학 수업".into(),
            offsets: vec![5, 15],
            quiet: QuietHours::Off,
            mode: SendMode::Automatic,
            minutes: 60,
            template: None,
        }
    }
}

impl Bed {
    /// Admin 1000 with `friends` friends (1001..), logged in, friends synced, tracked links.
    pub async fn start(friends: usize, backend: Backend) -> Option<Bed> {
        Self::start_with(World::with_friends(friends), backend, QuotaLimits::KAKAO, |s| s).await
    }

    pub async fn start_with(
        world: World,
        backend: Backend,
        quotas: QuotaLimits,
        tune: impl FnOnce(SweepSettings) -> SweepSettings,
    ) -> Option<Bed> {
        Self::start_at(world, backend, quotas, None, tune).await
    }

    /// As [`Bed::start_with`], with our clock set to `at`: 10:00 in Korea today unless given, so
    /// no test's rounds cross Kakao's midnight by accident. The sandbox clock starts there too
    /// (and runs) unless the world sets its own.
    pub async fn start_at(
        mut world: World,
        backend: Backend,
        quotas: QuotaLimits,
        at: Option<DateTime<Utc>>,
        tune: impl FnOnce(SweepSettings) -> SweepSettings,
    ) -> Option<Bed> {
        // Whole minutes make meeting times read cleanly.
        let now = at
            .unwrap_or_else(korean_morning_today)
            .duration_trunc(Duration::minutes(1))
            .unwrap();
        world.clock.start.get_or_insert(now);
        let mut s = Scenario::start(world, backend).await?;
        s.clock.set(now);
        s.services = services_with_quotas(&s, s.store.store.clone(), quotas).await;
        s.login_admin(Scenario::ADMIN).await;
        s.services
            .friend_sync()
            .sync_admin(Scenario::admin())
            .await
            .expect("the first friend sync");
        let settings = tune(SweepSettings::for_public_url(PublicUrl::parse(SITE).unwrap()));
        let sweeper = Sweeper::new(s.services.clone(), settings);
        Some(Bed {
            s,
            sweeper,
            http: reqwest::Client::new(),
        })
    }

    /// Another process (another Lambda): its own services and store handle, same data and clock.
    pub async fn another_sweeper(&self) -> Sweeper {
        let services = services_with_quotas(
            &self.s,
            self.s.store.another_handle(),
            self.s.services.settings.quotas,
        )
        .await;
        Sweeper::new(services, self.sweeper.settings().clone())
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.s.clock.now()
    }

    pub fn advance(&self, minutes: i64) {
        self.s.clock.advance(Duration::minutes(minutes));
    }

    pub fn set_time(&self, at: DateTime<Utc>) {
        self.s.clock.set(at);
    }

    pub fn uuid(&self, user: i64) -> FriendUuid {
        FriendUuid::parse(&self.s.world.user(user).expect("a world user").uuid).unwrap()
    }

    /// `users` in the order a meeting lists them (by friend UUID), which is the order the
    /// planner decides and batches in.
    pub fn in_meeting_order(&self, users: &[i64]) -> Vec<i64> {
        let mut ordered = users.to_vec();
        ordered.sort_by_key(|u| self.uuid(*u));
        ordered
    }

    pub fn nickname(&self, user: i64) -> String {
        self.s.world.user(user).expect("a world user").nickname.clone()
    }

    /// A meeting of the admin starting now, with these invitees (user ids).
    pub async fn meeting(&self, invitees: &[i64], setup: MeetingSetup) -> MeetingId {
        self.meeting_at(self.now(), invitees, setup).await
    }

    pub async fn meeting_at(
        &self,
        starts_at: DateTime<Utc>,
        invitees: &[i64],
        setup: MeetingSetup,
    ) -> MeetingId {
        let plan = ReminderPlan {
            offsets: ReminderOffsets::new(setup.offsets.clone()).unwrap(),
            quiet_hours: setup.quiet,
        };
        let schedule = Schedule::new(
            starts_at,
            chrono_tz::Asia::Seoul,
            MeetingDuration::from_minutes(setup.minutes).unwrap(),
        );
        let next_round = plan.next_round(&schedule, None);
        let draft = MeetingDraft {
            title: setup.title.clone(),
            starts_at: schedule.starts_at(),
            ends_at: schedule.ends_at(),
            time_zone: chrono_tz::Asia::Seoul,
            join_url: JoinUrl::parse("https://zoom.us/j/81234567890").unwrap(),
            zoom_meeting_id: None,
            status: MeetingStatus::Scheduled,
            next_round,
            settings: MeetingSettings {
                mode: setup.mode,
                template: setup
                    .template
                    .as_deref()
                    .map(|t| domain::TemplateText::parse(t).unwrap()),
                plan,
                ..MeetingSettings::default()
            },
        };
        let id = MeetingId::new_v7();
        let store = &self.s.store.store;
        store
            .create_meeting(Scenario::admin(), id, &draft, self.now())
            .await
            .expect("create the meeting");
        for user in invitees {
            let invitee = Invitee {
                friend: self.uuid(*user),
                display_name: self.nickname(*user),
                match_keys: MatchKeys::default(),
                opted_out: false,
            };
            store
                .put_invitee(Scenario::admin(), id, &invitee)
                .await
                .expect("add an invitee");
        }
        id
    }

    pub async fn sweep(&self) -> SweepReport {
        self.sweeper.run_once().await.expect("a sweep")
    }

    /// Someone joins through the Zoom webhook.
    pub async fn joins_on_zoom(&self, meeting: MeetingId, user: i64) {
        self.s
            .store
            .store
            .record_join(
                Scenario::admin(),
                meeting,
                &self.uuid(user),
                self.now(),
                JoinSource::Zoom,
            )
            .await
            .expect("record a join");
    }

    /// Someone taps the join button of the latest reminder in their inbox: what `/j/{token}`
    /// does (resolve the token, record "joined via link"). Returns the meeting it was for.
    pub async fn taps_join_in_latest_reminder(&self, user: i64) -> MeetingId {
        let message = self.reminders(user).await.pop().expect("a reminder in the inbox");
        let token = link_token(&message, 0, "/j/");
        let store = &self.s.store.store;
        let target = store
            .resolve_link_token(&token, self.now())
            .await
            .expect("the token resolves");
        assert_eq!(target.friend, self.uuid(user), "the link is this invitee's own");
        store
            .record_join(
                target.admin,
                target.meeting,
                &target.friend,
                self.now(),
                JoinSource::Link,
            )
            .await
            .expect("record the join");
        target.meeting
    }

    /// Everything in `user`'s KakaoTalk inbox, oldest first.
    pub async fn inbox(&self, user: i64) -> Vec<Value> {
        self.http
            .get(format!("{}/_sandbox/inbox/{user}", self.s.sandbox.url()))
            .send()
            .await
            .expect("reach the sandbox")
            .json()
            .await
            .expect("an inbox")
    }

    /// Messages from the admin to `user` (reminders), oldest first.
    pub async fn reminders(&self, user: i64) -> Vec<Value> {
        self.inbox(user)
            .await
            .into_iter()
            .filter(|m| m["kind"] == "friend" && m["sender_id"] == json!(Scenario::ADMIN))
            .collect()
    }

    /// Memos in the admin's own inbox, oldest first.
    pub async fn admin_memos(&self) -> Vec<Value> {
        self.inbox(Scenario::ADMIN)
            .await
            .into_iter()
            .filter(|m| m["kind"] == "memo")
            .collect()
    }

    /// Kakao requests served on `path` so far.
    pub async fn requests_on(&self, path: &str) -> u64 {
        let counts: Value = self
            .http
            .get(format!("{}/_sandbox/requests", self.s.sandbox.url()))
            .send()
            .await
            .expect("reach the sandbox")
            .json()
            .await
            .expect("request counts");
        counts["by_path"][path].as_u64().unwrap_or(0)
    }

    pub async fn deliveries(&self, meeting: MeetingId) -> Vec<DeliveryRecord> {
        self.s
            .store
            .store
            .list_meeting_deliveries(Scenario::admin(), meeting)
            .await
            .expect("list deliveries")
    }

    /// The state of `user`'s delivery for `round`, as `sent`, `failed(-530)`, ...
    pub async fn delivery_state(&self, meeting: MeetingId, user: i64, round: u16) -> Option<String> {
        let uuid = self.uuid(user);
        self.deliveries(meeting)
            .await
            .into_iter()
            .find(|d| d.key.recipient == uuid && d.key.round == Round::new(round).unwrap())
            .map(|d| d.state.to_string())
    }

    pub async fn next_round(&self, meeting: MeetingId) -> Option<NextRound> {
        self.s
            .store
            .store
            .get_meeting(Scenario::admin(), meeting)
            .await
            .expect("the meeting")
            .draft
            .next_round
    }

    pub async fn fault(&self, fault: Value) {
        self.s.fault(fault).await;
    }

    pub fn admin(&self) -> KakaoUserId {
        Scenario::admin()
    }
}

/// The sweep with direct links (the meeting's own join URL): messages without a personal part
/// go five to a call.
pub fn direct(settings: SweepSettings) -> SweepSettings {
    settings.with_links(LinkMode::Direct)
}

/// The token in a message's `button`th button, after `prefix` (`/j/` or `/stop/`).
pub fn link_token(message: &Value, button: usize, prefix: &str) -> LinkToken {
    store::model::PresentedLink::parse(&button_path(message, button, prefix))
        .expect("a link token")
        .token
}

/// What follows `prefix` in a button's link: `{token}.{that button's secret}`.
pub fn button_path(message: &Value, button: usize, prefix: &str) -> String {
    let url = message["template_object"]["buttons"][button]["link"]["web_url"]
        .as_str()
        .expect("a button link");
    let (_, path) = url.split_once(prefix).expect("a tracked link");
    path.to_owned()
}

/// The text of a message.
pub fn text_of(message: &Value) -> String {
    message["template_object"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn services_with_quotas(s: &Scenario, store: Arc<dyn store::Store>, quotas: QuotaLimits) -> Services {
    let mut settings = Scenario::settings(&s.world, &s.sandbox);
    settings.quotas = quotas;
    Services::with_store(settings, store, Arc::new(s.clock.clone()) as Arc<dyn Clock>)
        .await
        .expect("build the services")
}

/// 10:00 in Korea on today's Korean date.
fn korean_morning_today() -> DateTime<Utc> {
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Seoul).date_naive();
    today
        .and_hms_opt(10, 0, 0)
        .and_then(|t| t.and_local_timezone(chrono_tz::Asia::Seoul).single())
        .expect("10:00 exists on every Korean day")
        .with_timezone(&Utc)
}

//! The series' rolling window against both stores, and against DynamoDB's faults: rolls that
//! run at once, or lose their answers, never make an occurrence twice, and a roll that failed
//! part-way is completed by the next.

use std::collections::BTreeSet;

use app::plans::roll_admin;
use app::testing::{Backend, Scenario};
use chrono::{Duration, Timelike};
use domain::Clock;
use domain::class::Invitation;
use domain::friends::FriendProfile;
use domain::meeting::{JoinLink, MeetingDuration, MeetingTitle, ReminderPlan, SendMode};
use domain::series::{Ends, Repeat, RepeatRule, Series, SeriesPattern};
use domain::{FriendUuid, SeriesId};
use kakao_sandbox::World;
use store::dynamo::test_server::{FaultRates, Faults};
use store::model::{MeetingStatus, SeriesDraft};

fn student(k: usize) -> FriendProfile {
    FriendProfile {
        uuid: FriendUuid::parse(&format!("student{k}")).unwrap(),
        kakao_id: None,
        nickname: format!("학생{k}"),
        thumbnail_url: None,
        favorite: false,
    }
}

/// Daily from an hour from now (whatever the hour the test runs at), for three students: 14
/// occurrences in the 14-day window.
fn daily(s: &Scenario) -> SeriesDraft {
    let first = (s.clock.now() + Duration::hours(1))
        .naive_utc()
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap();
    SeriesDraft {
        series: Series::new(SeriesPattern {
            title: MeetingTitle::parse("영어").unwrap(),
            first_start: first,
            time_zone: "UTC".into(),
            duration: MeetingDuration::DEFAULT,
            join_link: JoinLink::parse("https://zoom.us/j/81234567890").unwrap(),
            zoom_meeting_id: None,
            invitation: Invitation::of_friends((0..3).map(|k| student(k).uuid).collect()),
            plan: ReminderPlan::default(),
            mode: SendMode::default(),
            template: None,
            rule: RepeatRule {
                repeat: Repeat::Daily { every: 1 },
                ends: Ends::Never,
            },
        }),
        cancelled: false,
        window_until: None,
    }
}

fn first_time(s: &Scenario) -> chrono::NaiveTime {
    daily(s).series.pattern.first_start.time()
}

async fn prepared(backend: Backend) -> Option<(Scenario, SeriesId)> {
    let s = Scenario::start(World::with_friends(0), backend).await?;
    s.login_admin(Scenario::ADMIN).await;
    let store = &*s.store.store;
    let now = s.clock.now();
    store
        .replace_friends(Scenario::admin(), &(0..3).map(student).collect::<Vec<_>>(), now)
        .await
        .unwrap();
    let id = SeriesId::new_v7();
    store
        .create_series(Scenario::admin(), id, &daily(&s), now)
        .await
        .unwrap();
    Some((s, id))
}

/// The window's meetings: each occurrence once, each with its three students.
async fn assert_window(s: &Scenario, series: SeriesId) {
    let store = &*s.store.store;
    let meetings = store.list_meetings(Scenario::admin()).await.unwrap();
    let originals: Vec<_> = meetings
        .iter()
        .filter_map(|m| m.draft.settings.occurrence.filter(|o| o.series == series))
        .map(|o| o.original)
        .collect();
    let unique: BTreeSet<_> = originals.iter().collect();
    assert_eq!(originals.len(), unique.len(), "an occurrence written twice");
    assert_eq!(originals.len(), 14, "{originals:?}");
    for meeting in &meetings {
        assert_eq!(meeting.draft.status, MeetingStatus::Scheduled);
        assert_eq!(meeting.draft.starts_at.time(), first_time(s));
        let invitees = store.list_invitees(Scenario::admin(), meeting.id).await.unwrap();
        assert_eq!(invitees.len(), 3, "{}", meeting.id);
    }
}

async fn rolls_at_once_write_each_occurrence_once(backend: Backend) {
    let Some((s, series)) = prepared(backend).await else {
        return;
    };
    let store = &*s.store.store;
    let now = s.clock.now();
    let rolls = futures::future::join_all((0..4).map(|_| roll_admin(store, Scenario::admin(), now))).await;
    let created: usize = rolls.into_iter().map(|r| r.unwrap().created).sum();
    assert_eq!(created, 14, "four rolls at once made 14 meetings between them");
    assert_window(&s, series).await;
    let again = roll_admin(store, Scenario::admin(), now).await.unwrap();
    assert_eq!(
        (again.created, again.updated),
        (0, 0),
        "a second roll finds it all there"
    );
    // A day later the window reaches one day further: one new meeting.
    let tomorrow = roll_admin(store, Scenario::admin(), now + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(tomorrow.created, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rolls_at_once_write_each_occurrence_once_on_sqlite() {
    rolls_at_once_write_each_occurrence_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rolls_at_once_write_each_occurrence_once_on_dynamo() {
    rolls_at_once_write_each_occurrence_once(Backend::Dynamo).await;
}

/// Every DynamoDB fault at 20%: lost answers, conflicts, throttling, transactions in progress.
/// A roll may fail part-way; rolling again until one succeeds leaves exactly the window.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_roll_through_dynamodb_faults_ends_with_each_occurrence_once() {
    let Some((s, series)) = prepared(Backend::Dynamo).await else {
        return;
    };
    let store = &*s.store.store;
    let control = s.store.fault_control().unwrap();
    control
        .set(&Faults {
            rates: FaultRates::all(0.2),
            ..Faults::default()
        })
        .await;
    let now = s.clock.now();
    let mut tries = 0;
    loop {
        tries += 1;
        let rolls =
            futures::future::join_all((0..2).map(|_| roll_admin(store, Scenario::admin(), now))).await;
        if rolls.iter().any(Result::is_ok) || tries == 20 {
            break;
        }
    }
    control.clear().await;
    // Whatever the faults left half done, the next roll completes.
    roll_admin(store, Scenario::admin(), now).await.unwrap();
    assert_window(&s, series).await;
}

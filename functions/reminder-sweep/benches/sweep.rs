//! Reminder-sweep benchmark against the Kakao sandbox with 50 ms added to every Kakao request.
//!
//! 1. One sweep of 1,000 due reminders: 200 meetings x 5 absent invitees (20 admins with 10
//!    meetings each, so no daily limit is reached), on each backend, in the two link modes:
//!    `direct` with a message that has no personal part (one Kakao call per batch of five) and
//!    `tracked` with the default message (per-invitee links and names: one call per invitee).
//!    Wall time, Kakao requests, DynamoDB requests per message, the process's peak memory.
//! 2. One sweep with nothing due over 100,000 stored meetings (half waiting for a round tomorrow,
//!    half with no rounds): DynamoDB requests (one query per due-index shard expected), wall time.
//!
//! `cargo bench -p reminder-sweep` (DynamoDB half: `source infra/lib/moto.sh && moto_start`
//! first). `SWEEP_BENCH_STORED` changes the 100,000 (0: skip part 2),
//! `SWEEP_BENCH_ADMINS` the 20 admins, `SWEEP_BENCH_MEETINGS_PER_ADMIN` the 10 (an admin's reads are shared by their due meetings,
//! so fewer meetings per admin cost more requests per message), and
//! `SWEEP_BENCH_ONLY=dynamo:direct` (or `sqlite`, `dynamo`, `sqlite:tracked`, ...) runs only the
//! matching part-1 rows. `SWEEP_BENCH_FAULTS=0.1` switches every fault of the DynamoDB test
//! server on at that rate for the DynamoDB rows (lost answers, dropped connections, conflicts,
//! transactions in progress, throttling, partial batches, a due index 1 s behind) and sweeps
//! again, a minute later each time, until every reminder is out or the round is over: sent in
//! the first sweep and in all, sweeps, duplicates and lost reminders counted in the sandbox's
//! inboxes, `unknown` deliveries, DynamoDB requests per message. `RUST_LOG=warn` prints the
//! run's logs as JSON lines (what failed, and why). Results go in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Instant;

use app::sweep::{LinkMode, SweepReport, SweepSettings, Sweeper};
use app::testing::{Backend, Scenario};
use chrono::{DateTime, DurationRound, Utc};
use domain::meeting::{MeetingDuration, QuietHours, ReminderOffsets, ReminderPlan, Schedule};
use domain::{Clock, FriendUuid, KakaoUserId, MeetingId};
use futures::StreamExt;
use kakao_sandbox::World;
use kakao_sandbox::world::{Friendship, UserSpec};
use serde_json::Value;
use store::model::{Invitee, JoinUrl, MatchKeys, MeetingDraft, MeetingSettings, MeetingStatus};

const LATENCY_MS: u64 = 50;
const ADMINS: i64 = 20;

/// `SWEEP_BENCH_ADMINS` or 20: how many admins share the 1,000 reminders' set-up (fewer admins,
/// fewer meetings and a shorter run against moto).
fn admins() -> i64 {
    std::env::var("SWEEP_BENCH_ADMINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=ADMINS).contains(n))
        .unwrap_or(ADMINS)
}
const MEETINGS_PER_ADMIN: usize = 10;
const ABSENT: i64 = 5;
const FIRST_FRIEND: i64 = 2000;
const SEND_PATH: &str = "/v1/api/talk/friends/message/default/send";
const SHARED_TEXT: &str = "'{모임}' 모임이 시작했어요. 아래 버튼으로 바로 참여해 주세요.";

fn admin_id(i: i64) -> i64 {
    Scenario::ADMIN + i
}

fn friend_id(admin: i64, k: i64) -> i64 {
    FIRST_FRIEND + (admin - Scenario::ADMIN) * ABSENT + k
}

/// 20 admins (1000..1019), each with 5 friends of their own (2000..2099).
fn world() -> World {
    let mut world = World::with_friends(0);
    let template = world.users[0].clone();
    let mut users = Vec::new();
    let mut friendships = Vec::new();
    for i in 0..admins() {
        let admin = admin_id(i);
        users.push(UserSpec {
            id: admin,
            nickname: format!("선생님{i}"),
            uuid: format!("bench-{admin}"),
            ..template.clone()
        });
        for k in 0..ABSENT {
            let friend = friend_id(admin, k);
            users.push(UserSpec {
                id: friend,
                nickname: format!("학생{friend}"),
                uuid: format!("bench-{friend}"),
                ..template.clone()
            });
            friendships.push(Friendship {
                between: [admin, friend],
                favorite_of: Vec::new(),
            });
        }
    }
    world.users = users;
    world.friendships = friendships;
    world.app.team_members = (0..admins()).map(admin_id).collect();
    world
}

fn uuid(user: i64) -> FriendUuid {
    FriendUuid::parse(&format!("bench-{user}")).unwrap()
}

fn kakao_id(user: i64) -> KakaoUserId {
    KakaoUserId::new(user).unwrap()
}

fn draft(start: DateTime<Utc>, offsets: &[i64], template: Option<&str>) -> MeetingDraft {
    let plan = ReminderPlan {
        offsets: ReminderOffsets::new(offsets.iter().copied()).unwrap(),
        quiet_hours: QuietHours::Off,
    };
    let schedule = Schedule::new(start, chrono_tz::Asia::Seoul, MeetingDuration::DEFAULT);
    MeetingDraft {
        title: "수학 수업".into(),
        starts_at: schedule.starts_at(),
        ends_at: schedule.ends_at(),
        time_zone: chrono_tz::Asia::Seoul,
        join_url: JoinUrl::parse("https://zoom.us/j/81234567890").unwrap(),
        zoom_meeting_id: None,
        status: MeetingStatus::Scheduled,
        next_round: plan.next_round(&schedule, None),
        settings: MeetingSettings {
            template: template.map(|t| domain::TemplateText::parse(t).unwrap()),
            plan,
            ..MeetingSettings::default()
        },
    }
}

/// Peak resident memory of this process since the last reset, in MB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak to the current resident size (Linux: `5` to `clear_refs`).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn requests_on(s: &Scenario, path: &str) -> u64 {
    let counts: Value = reqwest::get(format!("{}/_sandbox/requests", s.sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    counts["by_path"][path].as_u64().unwrap_or(0)
}

async fn prepared(backend: Backend) -> Option<Scenario> {
    let s = Scenario::start(world(), backend).await?;
    let now = s
        .clock
        .now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap();
    s.clock.set(now);
    for i in 0..admins() {
        s.login_admin(admin_id(i)).await;
        s.services
            .friend_sync()
            .sync_admin(kakao_id(admin_id(i)))
            .await
            .unwrap();
    }
    Some(s)
}

fn sweeper(s: &Scenario, links: LinkMode) -> Sweeper {
    let settings =
        SweepSettings::for_public_url(app::config::PublicUrl::parse("https://ttokttok.test").unwrap())
            .with_links(links);
    // moto serialises requests (see infra/lib/moto.sh), so the DynamoDB runs take minutes; the
    // bench wants the whole sweep, not the part that fits a Lambda minute.
    Sweeper::new(s.services.clone(), settings).with_budget(std::time::Duration::from_secs(3600))
}

/// `SWEEP_BENCH_FAULTS`: the rate every DynamoDB fault is injected at (unset: none).
fn fault_rate() -> Option<f64> {
    std::env::var("SWEEP_BENCH_FAULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|r: &f64| *r > 0.0 && *r <= 1.0)
}

/// Reminders each friend's inbox holds from the admin's meetings, against one per meeting:
/// (duplicates, missing).
async fn inbox_tally(s: &Scenario) -> (usize, usize) {
    let (mut duplicates, mut missing) = (0, 0);
    let expected = meetings_per_admin();
    for i in 0..admins() {
        for k in 0..ABSENT {
            let friend = friend_id(admin_id(i), k);
            let inbox: Vec<Value> = reqwest::get(format!("{}/_sandbox/inbox/{friend}", s.sandbox.url()))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let got = inbox.iter().filter(|m| m["kind"] == "friend").count();
            duplicates += got.saturating_sub(expected);
            missing += expected.saturating_sub(got);
        }
    }
    (duplicates, missing)
}

/// The 1,000 reminders with every DynamoDB fault at `rate`: the first sweep, then one a minute
/// until all are out or the meetings are over.
async fn thousand_due_with_faults(s: &Scenario, sweeper: &Sweeper, mode: &str, rate: f64) {
    use store::dynamo::test_server::{FaultRates, Faults};
    let control = s.store.fault_control().expect("DynamoDB");
    control
        .set(&Faults {
            seed: Some(2026),
            rates: FaultRates::all(rate),
            lost_response_mode: Some("mixed"),
            index_lag_seconds: Some(1.0),
            ..Faults::default()
        })
        .await;
    let total = admins() as usize * meetings_per_admin() * ABSENT as usize;
    let dynamo_before = s.store.dynamo_metrics().unwrap();
    let started = Instant::now();
    let first: SweepReport = sweeper.run_once().await.expect("the first sweep");
    let first_wall = started.elapsed();
    let (mut sent, mut unknown, mut errors, mut sweeps) = (first.sent, first.unknown, first.errors, 1);
    while sent < total && sweeps < 60 {
        s.advance(chrono::Duration::minutes(1));
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await; // the lagging index
        match sweeper.run_once().await {
            Ok(report) => {
                sent += report.sent;
                unknown += report.unknown;
                errors += report.errors;
            }
            Err(error) => {
                errors += 1;
                eprintln!("a sweep failed: {error}");
            }
        }
        sweeps += 1;
    }
    let wall = started.elapsed();
    let spent = s.store.dynamo_metrics().unwrap() - dynamo_before;
    let injected = control.report().await;
    control.clear().await;
    let (duplicates, missing) = inbox_tally(s).await;
    println!(
        "| Dynamo | {mode} | {:.0}% | {} of {total} | {sent} of {total} ({missing} missing) | {sweeps} | {duplicates} | {unknown} | {errors} | {} ({:.2} per message; {} retried) | {:.1} s first, {:.1} s all | {} |",
        rate * 100.0,
        first.sent,
        spent.requests,
        spent.requests as f64 / sent.max(1) as f64,
        spent.request_retries + spent.transaction_retries,
        first_wall.as_secs_f64(),
        wall.as_secs_f64(),
        injected.injected_total(),
    );
}

fn meetings_per_admin() -> usize {
    std::env::var("SWEEP_BENCH_MEETINGS_PER_ADMIN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MEETINGS_PER_ADMIN)
}

/// Whether `SWEEP_BENCH_ONLY` (unset: everything) asks for this part-1 row.
fn selected(backend: Backend, mode: &str) -> bool {
    let Ok(only) = std::env::var("SWEEP_BENCH_ONLY") else {
        return true;
    };
    let row = format!("{backend:?}:{mode}").to_lowercase();
    row.starts_with(&only.to_lowercase())
}

async fn thousand_due(backend: Backend, mode: &str) {
    if !selected(backend, mode) {
        return;
    }
    let Some(s) = prepared(backend).await else {
        return;
    };
    let (links, template) = match mode {
        "direct" => (LinkMode::Direct, Some(SHARED_TEXT)),
        _ => (
            LinkMode::Tracked {
                base: url::Url::parse("https://ttokttok.test").unwrap(),
            },
            None,
        ),
    };
    let store = &s.store.store;
    for i in 0..admins() {
        let admin = admin_id(i);
        for _ in 0..meetings_per_admin() {
            let id = MeetingId::new_v7();
            store
                .create_meeting(
                    kakao_id(admin),
                    id,
                    &draft(s.clock.now(), &[5], template),
                    s.clock.now(),
                )
                .await
                .unwrap();
            for k in 0..ABSENT {
                let friend = friend_id(admin, k);
                let invitee = Invitee {
                    friend: uuid(friend),
                    display_name: format!("학생{friend}"),
                    match_keys: MatchKeys::default(),
                    opted_out: false,
                };
                store.put_invitee(kakao_id(admin), id, &invitee).await.unwrap();
            }
        }
    }
    s.advance(chrono::Duration::minutes(5));
    s.add_latency(LATENCY_MS).await;
    let sweeper = sweeper(&s, links);
    if let (Backend::Dynamo, Some(rate)) = (backend, fault_rate()) {
        thousand_due_with_faults(&s, &sweeper, mode, rate).await;
        return;
    }
    let kakao_before = requests_on(&s, SEND_PATH).await;
    let dynamo_before = s.store.dynamo_metrics();
    reset_peak_rss();
    let started = Instant::now();
    let report: SweepReport = sweeper.run_once().await.expect("the sweep");
    let wall = started.elapsed();
    let peak = peak_rss_mb();
    let kakao = requests_on(&s, SEND_PATH).await - kakao_before;
    let dynamo = match (dynamo_before, s.store.dynamo_metrics()) {
        (Some(before), Some(after)) => {
            let d = after - before;
            format!(
                "{} ({:.2} per message; {} writes)",
                d.requests,
                d.requests as f64 / report.sent.max(1) as f64,
                d.write_requests
            )
        }
        _ => "n/a (SQLite)".to_owned(),
    };
    println!(
        "| {backend:?} | {mode} | {} due, {} sent, {} errors | {:.2} s | {kakao} | {dynamo} | {} |",
        report.due,
        report.sent,
        report.errors,
        wall.as_secs_f64(),
        peak.map(|mb| format!("{mb:.0} MB"))
            .unwrap_or_else(|| "n/a".into()),
    );
}

/// Meetings that are stored but not due: through the store, `real` of them (half waiting for a
/// round tomorrow, half with no rounds); the rest as bare items of the due index's shape (a
/// round due tomorrow), written 25 to a BatchWriteItem, because moto stores about ten meetings
/// a second through the store's transactions. The sweep reads neither kind.
async fn fill(
    store: &Arc<dyn store::Store>,
    raw: Option<(&aws_sdk_dynamodb::Client, &str)>,
    stored: usize,
    real: usize,
    now: DateTime<Utc>,
) {
    for i in 0..admins() {
        let login = store::model::AdminLogin {
            id: kakao_id(admin_id(i)),
            nickname: format!("선생님{i}"),
            scopes: Default::default(),
            status: store::model::AdminStatus::Active,
        };
        store.upsert_admin(&login, now).await.unwrap();
    }
    let tomorrow = now + chrono::Duration::days(1);
    futures::stream::iter(0..real.min(stored))
        .map(|n| {
            let store = Arc::clone(store);
            async move {
                let admin = kakao_id(admin_id((n as i64) % admins()));
                let offsets: &[i64] = if n % 2 == 0 { &[5, 15] } else { &[] };
                store
                    .create_meeting(admin, MeetingId::new_v7(), &draft(tomorrow, offsets, None), now)
                    .await
                    .unwrap();
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    let Some((client, table)) = raw else {
        return;
    };
    use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
    // Raw rows in the due index's layout, with the store's default shard count.
    let shards = store::dynamo::DueShards::DEFAULT;
    let due_at = (tomorrow + chrono::Duration::minutes(5))
        .format("%Y-%m-%dT%H:%M:%S%.9fZ")
        .to_string();
    let items: Vec<WriteRequest> = (real..stored)
        .map(|n| {
            let admin = admin_id((n as i64) % admins());
            let id = MeetingId::new_v7();
            let s = |v: String| AttributeValue::S(v);
            let put = PutRequest::builder()
                .item("PK", s(format!("ADMIN#{admin}")))
                .item("SK", s(format!("MEETING#{id}")))
                .item("kind", s("meeting".into()))
                .item("due_pk", s(format!("DUE#{}", shards.shard_of(id))))
                .item("due_sk", s(format!("{due_at}#{id}")))
                .item("next_round", AttributeValue::N("1".into()))
                .item("next_due_at", s(due_at.clone()))
                .build()
                .unwrap();
            WriteRequest::builder().put_request(put).build()
        })
        .collect();
    let batches: Vec<Vec<WriteRequest>> = items.chunks(25).map(<[WriteRequest]>::to_vec).collect();
    futures::stream::iter(batches)
        .map(|batch| async move {
            let mut pending = batch;
            while !pending.is_empty() {
                let out = client
                    .batch_write_item()
                    .request_items(table, pending)
                    .send()
                    .await
                    .expect("BatchWriteItem");
                pending = out
                    .unprocessed_items()
                    .and_then(|u| u.get(table).cloned())
                    .unwrap_or_default();
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
}

async fn nothing_due(backend: Backend, stored: usize) {
    // A sandbox only for the services' settings: nothing is due, so nothing is sent.
    let world = World::with_friends(0);
    let sandbox = kakao_sandbox::spawn(world.clone()).await.unwrap();
    let clock = domain::ManualClock::new(Utc::now().duration_trunc(chrono::Duration::minutes(1)).unwrap());
    let mut sqlite = None; // the test store removes its file when dropped, after the run
    let (store, dynamo): (Arc<dyn store::Store>, Option<store::dynamo::DynamoStore>) = match backend {
        Backend::Sqlite => {
            let Some(test) = app::testing::TestStore::open(Backend::Sqlite).await else {
                return;
            };
            let handle = test.store.clone();
            sqlite = Some(test);
            (handle, None)
        }
        Backend::Dynamo => {
            if std::env::var(store::dynamo::ENDPOINT_ENV).is_err() {
                eprintln!("NOTICE: skipping the DynamoDB half: DYNAMODB_ENDPOINT is unset");
                return;
            }
            let client = store::dynamo::client_from_env().await.unwrap();
            let table = format!("ttokttok-bench-{:016x}", rand::random::<u64>());
            store::dynamo::TableSchema::from_workspace_template()
                .unwrap()
                .create(&client, &table)
                .await
                .unwrap();
            let keys = Arc::new(store::crypto::StaticKeyProvider::new([0x5a; 32]));
            let dynamo =
                store::dynamo::DynamoStore::new(client, table, keys, store::dynamo::DynamoConfig::default());
            (Arc::new(dynamo.clone()) as Arc<dyn store::Store>, Some(dynamo))
        }
    };
    let started = Instant::now();
    let raw = dynamo.as_ref().map(|d| (d.client(), d.table_name()));
    let real = if dynamo.is_some() { 1_000 } else { stored };
    fill(&store, raw, stored, real, clock.now()).await;
    let setup = started.elapsed();
    let services = app::Services::with_store(
        Scenario::settings(&world, &sandbox),
        store.clone(),
        Arc::new(clock.clone()) as Arc<dyn Clock>,
    )
    .await
    .unwrap();
    let sweeper = Sweeper::new(
        services,
        SweepSettings::for_public_url(app::config::PublicUrl::parse("https://ttokttok.test").unwrap()),
    );
    let shards = match dynamo {
        Some(_) => format!("{} shards", store::dynamo::DueShards::DEFAULT.get()),
        None => "one index".to_owned(),
    };
    let before = dynamo.as_ref().map(store::dynamo::DynamoStore::metrics);
    let started = Instant::now();
    let report = sweeper.run_once().await.expect("the sweep");
    let wall = started.elapsed();
    let requests = match (before, dynamo.as_ref().map(store::dynamo::DynamoStore::metrics)) {
        (Some(before), Some(after)) => format!("{}", (after - before).requests),
        _ => "n/a (SQLite)".to_owned(),
    };
    println!(
        "| {backend:?} | {stored} ({} through the store; {:.0} s to write) | {} due | {requests} | {shards} | {:.1} ms |",
        real.min(stored),
        setup.as_secs_f64(),
        report.due,
        wall.as_secs_f64() * 1000.0
    );
    sandbox.shutdown().await;
    drop(sqlite);
}

fn main() {
    let stored: usize = std::env::var("SWEEP_BENCH_STORED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    if std::env::var("RUST_LOG").is_ok() {
        // What went wrong, when asked (`RUST_LOG=warn`): JSON lines on stderr.
        app::logs::init_lambda_json();
    }
    runtime.block_on(async {
        println!(
            "\n{} due reminders ({} meetings x 5 absent, {} admins), +{LATENCY_MS} ms per Kakao request",
            admins() as usize * meetings_per_admin() * ABSENT as usize,
            admins() as usize * meetings_per_admin(),
            admins()
        );
        if fault_rate().is_some() {
            println!("| backend | links | faults | sent by the first sweep | sent in all | sweeps | duplicates | unknown | meeting errors | DynamoDB requests | wall time | faults injected |");
            println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
        } else {
            println!("| backend | links | sweep | wall time | Kakao send requests | DynamoDB requests | peak memory (process) |");
            println!("|---|---|---|---|---|---|---|");
        }
        for backend in [Backend::Sqlite, Backend::Dynamo] {
            for mode in ["direct", "tracked"] {
                thousand_due(backend, mode).await;
            }
        }
        println!("\nA sweep with nothing due");
        println!("| backend | meetings | found due | DynamoDB requests | due-index shards | wall time |");
        println!("|---|---|---|---|---|---|");
        for backend in [Backend::Sqlite, Backend::Dynamo] {
            if stored > 0 {
                nothing_due(backend, stored).await;
            }
        }
    });
}

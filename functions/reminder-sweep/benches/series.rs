//! Series at scale, on DynamoDB (moto, started by `source infra/lib/moto.sh && moto_start`):
//!
//! 1. The sweep with nothing due over `SERIES_BENCH_STORED` (10,000) stored series and their
//!    occurrences of the next two weeks (four each, in the due index, due tomorrow): the store
//!    requests (target: one query per due-index shard, as without series) and the wall time.
//!    A hundred series go through the store and the rest are copies of their rows under new
//!    ids; the occurrences are written as raw rows in the due index's layout, as the sweep bench
//!    does, so the set-up takes minutes on moto, not hours.
//! 2. Keeping the window current: one admin with `SERIES_BENCH_ROLLED` (100) twice-weekly
//!    series of six students. The first roll writes the window; then, a day at a time for a
//!    week, each day's roll: DynamoDB requests and write units per series per day, and wall time.
//!
//! `cargo bench -p reminder-sweep --bench series`; prints markdown rows.

use std::sync::Arc;
use std::time::Instant;

use app::sweep::{SweepSettings, Sweeper};
use app::testing::Scenario;
use chrono::{DateTime, Duration, DurationRound, NaiveDateTime, Utc};
use domain::class::Invitation;
use domain::friends::FriendProfile;
use domain::meeting::{JoinLink, MeetingDuration, MeetingTitle, ReminderPlan, SendMode};
use domain::series::{Ends, Repeat, RepeatRule, Series, SeriesPattern};
use domain::{Clock, FriendUuid, KakaoUserId, MeetingId, SeriesId};
use futures::StreamExt;
use kakao_sandbox::World;
use store::dynamo::DynamoStore;
use store::model::SeriesDraft;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn admin(i: usize) -> KakaoUserId {
    KakaoUserId::new(7_000_000_000 + i as i64).unwrap()
}

fn pattern(first: NaiveDateTime, students: &[FriendUuid]) -> SeriesPattern {
    SeriesPattern {
        title: MeetingTitle::parse("수학").unwrap(),
        first_start: first,
        time_zone: "Asia/Seoul".into(),
        duration: MeetingDuration::DEFAULT,
        join_link: JoinLink::parse("https://zoom.us/j/81234567890").unwrap(),
        zoom_meeting_id: None,
        invitation: Invitation::of_friends(students.to_vec()),
        plan: ReminderPlan::default(),
        mode: SendMode::default(),
        template: None,
        rule: RepeatRule {
            repeat: Repeat::Weekly {
                every: 1,
                on: vec![chrono::Weekday::Tue, chrono::Weekday::Thu],
            },
            ends: Ends::Never,
        },
    }
}

async fn dynamo() -> Option<DynamoStore> {
    if std::env::var(store::dynamo::ENDPOINT_ENV).is_err() {
        eprintln!("NOTICE: DYNAMODB_ENDPOINT is unset: start moto (source infra/lib/moto.sh && moto_start)");
        return None;
    }
    let client = store::dynamo::client_from_env().await.unwrap();
    let table = format!("ttokttok-bench-{:016x}", rand::random::<u64>());
    store::dynamo::TableSchema::from_workspace_template()
        .unwrap()
        .create(&client, &table)
        .await
        .unwrap();
    let keys = Arc::new(store::crypto::StaticKeyProvider::new([0x5a; 32]));
    Some(DynamoStore::new(
        client,
        table,
        keys,
        store::dynamo::DynamoConfig::default(),
    ))
}

async fn login(store: &DynamoStore, id: KakaoUserId, now: DateTime<Utc>) {
    use store::api::AdminStore as _;
    let login = store::model::AdminLogin {
        id,
        nickname: "선생님".into(),
        scopes: Default::default(),
        status: store::model::AdminStatus::Active,
    };
    store.upsert_admin(&login, now).await.unwrap();
}

async fn nothing_due(stored: usize) {
    let Some(dynamo) = dynamo().await else { return };
    let store: Arc<dyn store::Store> = Arc::new(dynamo.clone());
    let now = Utc::now().duration_trunc(Duration::minutes(1)).unwrap();
    let admins = 100.min(stored.max(1));
    let started = Instant::now();
    for i in 0..admins {
        login(&dynamo, admin(i), now).await;
    }
    let first = (now + Duration::days(1)).naive_utc();
    // A hundred series through the store (one per admin); the rest are copies of a stored row
    // under new ids, written in batches: moto's transactions slow down as its table grows, so
    // 10,000 creates through the store take hours there.
    let through_store = admins.min(stored);
    let mut written = Vec::new();
    for n in 0..through_store {
        let draft = SeriesDraft {
            series: Series::new(pattern(first, &[])),
            cancelled: false,
            window_until: Some(now + app::plans::HORIZON),
        };
        let id = SeriesId::new_v7();
        store.create_series(admin(n), id, &draft, now).await.unwrap();
        written.push((admin(n), id));
    }
    use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
    let (client, table) = (dynamo.client().clone(), dynamo.table_name().to_owned());
    let mut copies: Vec<WriteRequest> = Vec::new();
    for (owner, id) in &written {
        let stored_row = client
            .get_item()
            .table_name(&table)
            .key("PK", AttributeValue::S(format!("ADMIN#{owner}")))
            .key("SK", AttributeValue::S(format!("SERIES#{id}")))
            .send()
            .await
            .unwrap()
            .item
            .expect("the series row");
        let per_admin = (stored - through_store).div_ceil(through_store);
        for _ in 0..per_admin {
            if copies.len() == stored - through_store {
                break;
            }
            let mut row = stored_row.clone();
            row.insert(
                "SK".into(),
                AttributeValue::S(format!("SERIES#{}", SeriesId::new_v7())),
            );
            let put = PutRequest::builder().set_item(Some(row)).build().unwrap();
            copies.push(WriteRequest::builder().put_request(put).build());
        }
    }
    // Four occurrences a series in the due index, due tomorrow (raw rows in its layout).
    let shards = store::dynamo::DueShards::DEFAULT;
    let due_at = (now + Duration::days(1) + Duration::minutes(5))
        .format("%Y-%m-%dT%H:%M:%S%.9fZ")
        .to_string();
    let mut items: Vec<WriteRequest> = (0..stored * 4)
        .map(|n| {
            let id = MeetingId::new_v7();
            let s = |v: String| AttributeValue::S(v);
            let put = PutRequest::builder()
                .item("PK", s(format!("ADMIN#{}", admin(n % admins))))
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
    items.append(&mut copies);
    futures::stream::iter(items.chunks(25).map(<[WriteRequest]>::to_vec).collect::<Vec<_>>())
        .map(|batch| {
            let (client, table) = (client.clone(), table.clone());
            async move {
                let mut pending = batch;
                while !pending.is_empty() {
                    let out = client
                        .batch_write_item()
                        .request_items(&table, pending)
                        .send()
                        .await
                        .unwrap();
                    pending = out
                        .unprocessed_items()
                        .and_then(|u| u.get(&table).cloned())
                        .unwrap_or_default();
                }
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
    // The copies read back as series, as the store wrote them.
    let of_first = store.list_series(admin(0)).await.unwrap().len();
    assert_eq!(
        of_first,
        stored.div_ceil(through_store).min(stored),
        "admin 0's series"
    );
    let setup = started.elapsed();

    let world = World::with_friends(0);
    let sandbox = kakao_sandbox::spawn(world.clone()).await.unwrap();
    let clock = domain::ManualClock::new(now);
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
    let before = dynamo.metrics();
    let started = Instant::now();
    let report = sweeper.run_once().await.expect("the sweep");
    let wall = started.elapsed();
    let spent = dynamo.metrics() - before;
    println!(
        "| {stored} series, {} occurrences in the due index ({:.0} s to write) | {} due | {} | {} shards | {:.1} ms |",
        stored * 4,
        setup.as_secs_f64(),
        report.due,
        spent.requests,
        shards.get(),
        wall.as_secs_f64() * 1000.0
    );
    sandbox.shutdown().await;
}

async fn rolling(series: usize) {
    let Some(dynamo) = dynamo().await else { return };
    let store: Arc<dyn store::Store> = Arc::new(dynamo.clone());
    let start = Utc::now().duration_trunc(Duration::minutes(1)).unwrap();
    let teacher = admin(0);
    login(&dynamo, teacher, start).await;
    let students: Vec<FriendProfile> = (0..6)
        .map(|k| FriendProfile {
            uuid: FriendUuid::parse(&format!("student{k}")).unwrap(),
            kakao_id: None,
            nickname: format!("학생{k}"),
            thumbnail_url: None,
            favorite: false,
        })
        .collect();
    store.replace_friends(teacher, &students, start).await.unwrap();
    let uuids: Vec<FriendUuid> = students.iter().map(|s| s.uuid.clone()).collect();
    let first = (start + Duration::days(1)).naive_utc();
    for _ in 0..series {
        let draft = SeriesDraft {
            series: Series::new(pattern(first, &uuids)),
            cancelled: false,
            window_until: None,
        };
        store
            .create_series(teacher, SeriesId::new_v7(), &draft, start)
            .await
            .unwrap();
    }
    let before = dynamo.metrics();
    let started = Instant::now();
    let rolled = app::plans::roll_admin(&*store, teacher, start).await.unwrap();
    let first_roll = (dynamo.metrics() - before, started.elapsed(), rolled);
    let before = dynamo.metrics();
    let started = Instant::now();
    let mut created = 0;
    for day in 1..=7 {
        created += app::plans::roll_admin(&*store, teacher, start + Duration::days(day))
            .await
            .unwrap()
            .created;
    }
    let week = (dynamo.metrics() - before, started.elapsed());
    let per = |n: u64| n as f64 / (series as f64 * 7.0);
    println!(
        "| first roll | {series} series x 6 students | {} meetings | {} requests, {} write units | {:.1} s |",
        first_roll.2.created,
        first_roll.0.requests,
        first_roll.0.write_units,
        first_roll.1.as_secs_f64()
    );
    println!(
        "| daily rolls, a week | {series} series x 6 students | {created} meetings | {} requests ({:.1} per series per day), {} write units ({:.1} per series per day) | {:.1} s ({:.1} ms per series per day) |",
        week.0.requests,
        per(week.0.requests),
        week.0.write_units,
        per(week.0.write_units),
        week.1.as_secs_f64(),
        week.1.as_secs_f64() * 1000.0 / (series as f64 * 7.0)
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        println!("\nThe sweep with nothing due, over stored series");
        println!("| stored | found due | DynamoDB requests | due-index shards | wall time |");
        println!("|---|---|---|---|---|");
        nothing_due(env("SERIES_BENCH_STORED", 10_000)).await;
        println!("\nKeeping the 14-day window current");
        println!("| roll | series | meetings written | DynamoDB | wall time |");
        println!("|---|---|---|---|---|");
        rolling(env("SERIES_BENCH_ROLLED", 100)).await;
    });
}

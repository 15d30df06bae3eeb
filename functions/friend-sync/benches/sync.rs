//! Friend-sync benchmark against the Kakao sandbox with 50 ms added to every Kakao request:
//! for 1,000 friends, Kakao requests, store write requests and wall time of a first sync and of
//! an unchanged re-sync; then the daily run's pace over many admins, for the 10,000-admin
//! estimate. Runs on SQLite, and on DynamoDB too when `DYNAMODB_ENDPOINT` points at moto.
//!
//! `cargo bench -p friend-sync` (with moto: `source infra/lib/moto.sh && moto_start` first).
//! Results go in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use app::sync::{DailyRun, SyncedAdmin};
use app::testing::{Backend, Scenario};
use kakao_sandbox::World;

const FRIENDS: usize = 1000;
const LATENCY_MS: u64 = 50;
/// Admins in the daily-run pace measurement (plus the admin of the generated world).
const DAILY_ADMINS: i64 = 200;
const DAILY_CONCURRENCY: usize = 8;

struct Measured {
    report: SyncedAdmin,
    kakao_requests: u64,
    store_writes: String,
    wall: Duration,
}

async fn measure(s: &Scenario) -> Measured {
    let kakao_before = s.kakao_requests().await;
    let store_before = s.store.dynamo_metrics();
    let started = Instant::now();
    let report = s
        .services
        .friend_sync()
        .sync_admin(Scenario::admin())
        .await
        .expect("the sync succeeds");
    let wall = started.elapsed();
    let kakao_requests = s.kakao_requests().await - kakao_before;
    let store_writes = match (store_before, s.store.dynamo_metrics()) {
        (Some(before), Some(after)) => {
            let total = (after - before).write_requests;
            format!(
                "{total} ({} friend TransactWriteItems of up to 99 + {} sync record)",
                report.counts.write_requests,
                total - u64::from(report.counts.write_requests)
            )
        }
        _ => format!(
            "{} friend transaction(s) + 1 sync record",
            report.counts.write_requests
        ),
    };
    Measured {
        report,
        kakao_requests,
        store_writes,
        wall,
    }
}

fn row(what: &str, m: &Measured) {
    println!(
        "| {what} | {} listed, {} added, {} unchanged | {} | {} | {:.0} ms |",
        m.report.listed,
        m.report.counts.added,
        m.report.counts.unchanged,
        m.kakao_requests,
        m.store_writes,
        m.wall.as_secs_f64() * 1000.0
    );
}

async fn one_admin(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(FRIENDS), backend).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    s.add_latency(LATENCY_MS).await;
    println!("\n{backend:?}: one admin with {FRIENDS} friends, +{LATENCY_MS} ms per Kakao request");
    println!("| sync | friends | Kakao requests | store write requests | wall time |");
    println!("|---|---|---|---|---|");
    let first = measure(&s).await;
    row("first", &first);
    let again = measure(&s).await;
    row("unchanged re-sync", &again);
}

async fn daily_pace(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(DAILY_ADMINS as usize), backend).await else {
        return;
    };
    for user in Scenario::ADMIN..=Scenario::ADMIN + DAILY_ADMINS {
        s.login_admin(user).await;
    }
    s.add_latency(LATENCY_MS).await;
    let run = DailyRun::new(
        s.services.friend_sync(),
        s.store.store.clone(),
        DAILY_CONCURRENCY,
        Duration::from_secs(120),
    );
    let kakao_before = s.kakao_requests().await;
    let started = Instant::now();
    let tally = run.run_to_end().await.expect("the daily run lists admins");
    let wall = started.elapsed();
    let admins = tally.attempted();
    let per_second = f64::from(admins) / wall.as_secs_f64();
    println!(
        "\n{backend:?}: daily run, {admins} admins ({} succeeded), concurrency {DAILY_CONCURRENCY}, \
         +{LATENCY_MS} ms per Kakao request: {} Kakao requests, {:.1} s, {per_second:.0} admins/s; \
         10,000 such admins ≈ {:.0} s",
        tally.succeeded,
        s.kakao_requests().await - kakao_before,
        wall.as_secs_f64(),
        10_000.0 / per_second
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is configurable.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        for backend in [Backend::Sqlite, Backend::Dynamo] {
            one_admin(backend).await;
            daily_pace(backend).await;
        }
    });
}

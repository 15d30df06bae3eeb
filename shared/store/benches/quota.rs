//! Store benchmark: how fast each backend reserves quota, and what a reminder round costs on
//! DynamoDB.
//!
//! ```text
//! source infra/lib/moto.sh && moto_start && cargo bench -p store --bench quota; moto_stop
//! ```
//!
//! 1. 5-recipient quota reservations per second, one at a time, on a single-threaded runtime
//!    (one core for the client). SQLite: a WAL file in the temp directory. DynamoDB: the server
//!    `DYNAMODB_ENDPOINT` names (moto locally, so that figure measures moto as much as us).
//! 2. DynamoDB requests and write units per delivered message in a simulated round of 1,000
//!    messages: 10 admins with one meeting of 100 invitees each, sent in batches of 5
//!    (reserve + record outcomes), one refusal per meeting released; then the sweep's own cost
//!    (one due-index query per shard, one round advance per meeting).
//!
//! Without `DYNAMODB_ENDPOINT` the DynamoDB half is skipped with a notice. Results go to
//! docs/benchmarks.md by hand, with the machine they ran on.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::delivery::{KakaoErrorCode, Round};
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId, QuotaLimits};
use store::Store;
use store::api::{MeetingStateStore, MeetingStore, QuotaStore};
use store::crypto::StaticKeyProvider;
use store::dynamo::{DynamoConfig, DynamoStore, MetricsSnapshot, TableSchema, client_from_env};
use store::model::{
    AdminLogin, AdminStatus, BatchRecipients, DeliveryOutcome, InitialState, JoinUrl, MeetingDraft,
    MeetingSettings, MeetingStatus, NextRound, ReservationRequest,
};

const BATCH: usize = 5;
/// Generous limits: the throughput run measures reserving, not refusing.
const OPEN_LIMITS: QuotaLimits = QuotaLimits {
    app: 10_000_000,
    sender: 10_000_000,
    recipient: 100,
    pair: 20,
};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0)
        .single()
        .expect("a valid time")
}

fn uuid(s: &str) -> FriendUuid {
    FriendUuid::parse(s).expect("a valid friend uuid")
}

async fn admin_with_meeting(store: &dyn Store, admin: KakaoUserId, due: DateTime<Utc>) -> MeetingId {
    let login = AdminLogin {
        id: admin,
        nickname: "bench".into(),
        scopes: Default::default(),
        status: AdminStatus::Active,
    };
    store.upsert_admin(&login, start()).await.expect("upsert admin");
    let meeting = MeetingId::new_v7();
    let draft = MeetingDraft {
        title: "bench".into(),
        starts_at: due - Duration::minutes(5),
        ends_at: due + Duration::hours(1),
        time_zone: chrono_tz::Asia::Seoul,
        join_url: JoinUrl::parse("https://zoom.us/j/1").expect("a join url"),
        zoom_meeting_id: None,
        status: MeetingStatus::Scheduled,
        next_round: Some(NextRound {
            round: Round::FIRST,
            due_at: due,
        }),
        settings: MeetingSettings::default(),
    };
    store
        .create_meeting(admin, meeting, &draft, start())
        .await
        .expect("create meeting");
    meeting
}

fn request(
    admin: KakaoUserId,
    meeting: MeetingId,
    names: Vec<FriendUuid>,
    limits: QuotaLimits,
) -> ReservationRequest {
    ReservationRequest {
        sender: admin,
        meeting,
        round: Round::FIRST,
        recipients: BatchRecipients::new(names).expect("1 to 5 recipients"),
        day: KstDay::containing(start()),
        initial: InitialState::Sending,
        limits,
        links: None,
    }
}

/// CPU time this process has used so far, all threads together, exited ones included (Linux
/// `/proc/self/stat` utime + stime, in clock ticks of 1/100 s); `None` where that is not
/// available.
fn process_cpu() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(std::time::Duration::from_millis((utime + stime) * 10))
}

struct Throughput {
    /// Batches per second of wall time (client and server together).
    wall: f64,
    /// Batches per second of this process's CPU time: what one client core could drive if the
    /// server answered instantly.
    client_cpu: Option<f64>,
}

/// Reserves `count` batches of 5 fresh recipients one after another.
async fn reservations_per_second(store: &dyn Store, count: usize) -> Throughput {
    let admin = KakaoUserId::new(1).expect("an admin id");
    let meeting = admin_with_meeting(store, admin, start()).await;
    let cpu_before = process_cpu();
    let began = Instant::now();
    for b in 0..count {
        let names = (0..BATCH).map(|i| uuid(&format!("b{b}r{i}"))).collect();
        let reservation = store
            .reserve(&request(admin, meeting, names, OPEN_LIMITS), start())
            .await
            .expect("reserve");
        assert_eq!(reservation.reserved.len(), BATCH);
    }
    let wall = count as f64 / began.elapsed().as_secs_f64();
    let client_cpu = match (cpu_before, process_cpu()) {
        (Some(before), Some(after)) if after > before => Some(count as f64 / (after - before).as_secs_f64()),
        _ => None,
    };
    Throughput { wall, client_cpu }
}

fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".to_owned(), |r| format!("{r:.0}"))
}

struct RoundCost {
    delivered: u64,
    batches: u64,
    sending: MetricsSnapshot,
    sweep: MetricsSnapshot,
}

/// One reminder round of 1,000 messages (10 admins x 100 invitees) on DynamoDB.
async fn simulated_round(store: &DynamoStore) -> RoundCost {
    let due = start();
    let mut meetings = Vec::new();
    for a in 0..10 {
        let admin = KakaoUserId::new(1_000 + a).expect("an admin id");
        meetings.push((admin, admin_with_meeting(store, admin, due).await));
    }
    let now = due + Duration::minutes(1);

    let before_sweep = store.metrics();
    let found = store
        .due_meetings(now, 1000)
        .await
        .expect("due meetings")
        .due
        .len();
    assert_eq!(found, meetings.len());
    let after_query = store.metrics();

    let (mut delivered, mut batches) = (0u64, 0u64);
    for (m, (admin, meeting)) in meetings.iter().enumerate() {
        for b in 0..100 / BATCH {
            let names: Vec<FriendUuid> = (0..BATCH)
                .map(|i| uuid(&format!("m{m}f{}", b * BATCH + i)))
                .collect();
            let reservation = store
                .reserve(&request(*admin, *meeting, names, QuotaLimits::KAKAO), now)
                .await
                .expect("reserve");
            // One invitee per meeting refuses messages: its slots go back.
            let outcomes: Vec<(FriendUuid, DeliveryOutcome)> = reservation
                .reserved
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let refused = b == 0 && i == 0;
                    let outcome = if refused {
                        DeliveryOutcome::Failed {
                            code: KakaoErrorCode::RECEIVER_REFUSES,
                            release_quota: true,
                        }
                    } else {
                        DeliveryOutcome::Sent
                    };
                    (f.clone(), outcome)
                })
                .collect();
            store
                .record_outcomes(*admin, *meeting, Round::FIRST, &outcomes, now)
                .await
                .expect("record outcomes");
            delivered += outcomes
                .iter()
                .filter(|(_, o)| *o == DeliveryOutcome::Sent)
                .count() as u64;
            batches += 1;
        }
    }
    let after_sending = store.metrics();
    for (admin, meeting) in &meetings {
        let from = NextRound {
            round: Round::FIRST,
            due_at: due,
        };
        store
            .finish_round(*admin, *meeting, from, None, &[], now)
            .await
            .expect("finish round")
            .advanced
            .expect("advance round");
    }
    let after_advance = store.metrics();
    RoundCost {
        delivered,
        batches,
        sending: after_sending - after_query,
        sweep: (after_query - before_sweep) + (after_advance - after_sending),
    }
}

async fn dynamo_store() -> Option<DynamoStore> {
    if std::env::var(store::dynamo::ENDPOINT_ENV).is_err() {
        println!("DynamoDB: skipped (DYNAMODB_ENDPOINT is unset; source infra/lib/moto.sh && moto_start)");
        return None;
    }
    let client = client_from_env().await.expect("a DynamoDB client");
    let table = format!("ttokttok-bench-{:016x}", rand::random::<u64>());
    TableSchema::from_workspace_template()
        .expect("template.yaml")
        .create(&client, &table)
        .await
        .expect("create table");
    Some(DynamoStore::new(
        client,
        table,
        Arc::new(StaticKeyProvider::new([9; 32])),
        DynamoConfig::default(),
    ))
}

fn per(n: u64, d: u64) -> f64 {
    n as f64 / d.max(1) as f64
}

async fn run() {
    println!("## Quota reservations (5 recipients each, one at a time, one core)\n");
    println!("| backend | batches | batches/s (wall) | messages/s (wall) | batches/s per client CPU core |");
    println!("|---|---|---|---|---|");

    let dir = std::env::temp_dir().join(format!("ttokttok-bench-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sqlite = store::SqliteStore::open(dir.join("bench.db"), Arc::new(StaticKeyProvider::new([9; 32])))
        .expect("open SQLite");
    let count = 2_000;
    let t = reservations_per_second(&sqlite, count).await;
    println!(
        "| SQLite (WAL file, in process) | {count} | {:.0} | {:.0} | {} |",
        t.wall,
        t.wall * BATCH as f64,
        rate(t.client_cpu)
    );
    drop(sqlite);
    let _ = std::fs::remove_dir_all(&dir);

    let Some(dynamo) = dynamo_store().await else {
        return;
    };
    // Few batches: moto copies the whole table for every transaction (to roll it back), so its
    // time per transaction grows with the table. Against DynamoDB itself the wall figure is
    // bound by latency; the CPU figure is the client's own cost.
    let count = 100;
    let t = reservations_per_second(&dynamo, count).await;
    let endpoint = std::env::var(store::dynamo::ENDPOINT_ENV).unwrap_or_default();
    println!(
        "| DynamoDB API ({endpoint}) | {count} | {:.1} | {:.1} | {} |",
        t.wall,
        t.wall * BATCH as f64,
        rate(t.client_cpu)
    );

    // A fresh table, so only the round's ten meetings are due.
    let Some(dynamo) = dynamo_store().await else {
        return;
    };
    let cost = simulated_round(&dynamo).await;
    let s = cost.sending;
    let all = cost.sending + cost.sweep;
    println!("\n## DynamoDB cost of a reminder round of 1,000 messages\n");
    println!(
        "{} batches of up to 5, {} messages delivered, 10 refused (slots released).\n",
        cost.batches, cost.delivered
    );
    println!(
        "| | requests | per batch | per delivered message | write units (est.) | per delivered message |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| reserve + record outcomes | {} | {:.2} | {:.3} | {} | {:.2} |",
        s.requests,
        per(s.requests, cost.batches),
        per(s.requests, cost.delivered),
        s.write_units,
        per(s.write_units, cost.delivered)
    );
    println!(
        "| whole round (+ due queries, round advances) | {} | {:.2} | {:.3} | {} | {:.2} |",
        all.requests,
        per(all.requests, cost.batches),
        per(all.requests, cost.delivered),
        all.write_units,
        per(all.write_units, cost.delivered)
    );
    println!("\ntransaction retries: {}", all.transaction_retries);
    assert!(
        per(s.requests, cost.batches) <= 2.0,
        "target: at most 2 requests per batch"
    );
}

fn main() {
    // One core for the client: a current-thread runtime.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run());
}

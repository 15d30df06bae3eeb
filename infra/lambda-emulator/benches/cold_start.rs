//! Cold start and peak memory of each function's release binary, under the runtime API emulator.
//!
//! `source infra/lib/moto.sh && moto_start && cargo bench -p lambda-emulator`
//!
//! For each function, `RUNS` times: a fresh process with the template's environment; cold start
//! is process start to its first `GET /runtime/invocation/next`; then one real first event (the
//! schedule input, or a typical first request), and the process's peak resident memory
//! (`VmHWM`) once it has answered. Two environments: secrets fetched from Secrets Manager (moto
//! on loopback, so the round trip is near zero; in AWS add one parallel GetSecretValue), and the
//! same values in plain variables (the binary's own initialisation alone). Prints a Markdown
//! table for docs/benchmarks.md, with the zip sizes when `cargo lambda build` has made them.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use common::{Deployment, Running, ZOOM_SECRET_TOKEN, fill};
use lambda_emulator::binaries::{self, FUNCTIONS, Profile};
use serde_json::Value;

const RUNS: usize = 10;

/// The event each function is cold-started for: what it first gets in production.
fn first_event(function: &str) -> Value {
    match function {
        "login" => common::fixture("apigw_v2_get_login.json"),
        "admin" => common::fixture("apigw_v2_get_home.json"),
        "attendance" => {
            let mut request = common::fixture("apigw_v2_post_zoom_url_validation.json");
            let body = request["body"].as_str().unwrap_or_default().to_owned();
            let timestamp = chrono::Utc::now().timestamp().to_string();
            let secret =
                attendance::zoom::signature::ZoomSecret::new(&secrecy::SecretString::from(ZOOM_SECRET_TOKEN))
                    .expect("a usable secret");
            let signature = attendance::zoom::signature::sign(&secret, &timestamp, body.as_bytes());
            fill(&mut request, "ZOOM_TIMESTAMP", &timestamp);
            fill(&mut request, "ZOOM_SIGNATURE", &signature);
            request
        }
        "friend-sync" => {
            common::workspace_fixture("functions/friend-sync/tests/fixtures/schedule_v2_daily.json")
        }
        "reminder-sweep" => {
            common::workspace_fixture("functions/reminder-sweep/tests/fixtures/schedule_v2_minute.json")
        }
        other => panic!("no first event for {other}"),
    }
}

/// The template's environment with each `*_SECRET_ARN` replaced by the secret's value.
fn plain(deployment: &Deployment, function: &str) -> Vec<(String, String)> {
    let values = [
        ("KAKAO_REST_API_KEY", common::REST_API_KEY),
        ("KAKAO_ADMIN_KEY", common::ADMIN_KEY),
        ("WEB_SECRET", common::WEB_SECRET),
        ("ZOOM_WEBHOOK_SECRET_TOKEN", ZOOM_SECRET_TOKEN),
    ];
    let mut env: Vec<(String, String)> = deployment
        .environment(function)
        .into_iter()
        .filter(|(name, _)| !name.ends_with(app::secrets::ARN_SUFFIX))
        .collect();
    env.extend(values.map(|(k, v)| (k.to_owned(), v.to_owned())));
    env
}

struct Sample {
    ready: Duration,
    first: Duration,
    peak_kib: u64,
}

async fn once(deployment: &Deployment, function: &str, env: Vec<(String, String)>) -> Sample {
    let running: Running = deployment.start_with(function, env).await;
    let started = std::time::Instant::now();
    let outcome = running.invoke(first_event(function)).await;
    let first = started.elapsed();
    if let lambda_emulator::Outcome::Error(report) = &outcome {
        panic!(
            "{function}: the first event failed: {report:?}\n{}",
            running.process.output_text()
        );
    }
    let peak_kib = running.process.peak_rss_kib().unwrap_or_default();
    let ready = running.ready_after;
    if let Err(e) = running.process.stop().await {
        eprintln!("{function}: could not stop the process: {e}");
    }
    Sample {
        ready,
        first,
        peak_kib,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn zip_size(function: &str) -> Option<u64> {
    let zip = binaries::target_dir()
        .join("lambda")
        .join(function)
        .join("bootstrap.zip");
    std::fs::metadata(zip).ok().map(|m| m.len())
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    common::use_profile(Profile::Release);
    let Some(deployment) = Deployment::create().await else {
        eprintln!("the cold-start benchmark needs moto: source infra/lib/moto.sh && moto_start");
        std::process::exit(2);
    };
    for function in FUNCTIONS {
        let _ = common::binary(function); // build once, before any timing
    }
    println!(
        "| function | zip | cold start, secrets from Secrets Manager | cold start, plain env | first event | peak memory |"
    );
    println!("|---|---|---|---|---|---|");
    for function in FUNCTIONS {
        let mut with_secrets = Vec::new();
        let mut plain_env = Vec::new();
        for _ in 0..RUNS {
            with_secrets.push(once(&deployment, function, deployment.environment(function)).await);
            plain_env.push(once(&deployment, function, plain(&deployment, function)).await);
        }
        let ms = |samples: &[Sample], pick: fn(&Sample) -> Duration| {
            median(samples.iter().map(|s| pick(s).as_secs_f64() * 1000.0).collect())
        };
        let peak = with_secrets
            .iter()
            .chain(&plain_env)
            .map(|s| s.peak_kib)
            .max()
            .unwrap_or_default();
        let zip = zip_size(function)
            .map(|b| format!("{:.2} MB", b as f64 / 1_000_000.0))
            .unwrap_or_else(|| "(not built)".to_owned());
        println!(
            "| {function} | {zip} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} MB |",
            ms(&with_secrets, |s| s.ready),
            ms(&plain_env, |s| s.ready),
            ms(&with_secrets, |s| s.first),
            peak as f64 / 1024.0,
        );
    }
    println!(
        "\nmedians of {RUNS} cold starts each; peak memory is the highest VmHWM over all {} runs",
        RUNS * 2
    );
}

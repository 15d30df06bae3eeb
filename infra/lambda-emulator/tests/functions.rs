//! Each function binary, started the way Lambda starts it (the runtime API, the template's
//! environment, secrets from Secrets Manager), invoked with committed payloads of the shapes AWS
//! sends: EventBridge Scheduler inputs for the sweep and the sync, API Gateway HTTP API (payload
//! v2) requests for the HTTP functions.
//!
//! Run with moto up: `source infra/lib/moto.sh && moto_start && cargo test -p lambda-emulator`.

mod common;

use common::{ADMIN_KEY, Deployment, HttpResponse, KAKAO_APP_ID, REST_API_KEY, ZOOM_SECRET_TOKEN, fill};
use lambda_emulator::Outcome;
use serde_json::{Value, json};

fn emf_lines(output: &[String], function: &str) -> Vec<Value> {
    output
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get("_aws").is_some() && line["Function"] == function)
        .collect()
}

#[tokio::test]
async fn the_reminder_sweep_answers_the_minute_schedule_and_counts_it_in_cloudwatch() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let sweep = deployment.start("reminder-sweep").await;

    let input = common::workspace_fixture("functions/reminder-sweep/tests/fixtures/schedule_v2_minute.json");
    let outcome = sweep.invoke_json(input).await;

    assert_eq!(outcome["due"], 0, "{outcome}");
    assert_eq!(outcome["sent"], 0, "{outcome}");
    assert_eq!(outcome["errors"], 0, "{outcome}");
    let output = sweep.process.finish().await.expect("the sweep stops");
    let metrics = emf_lines(&output, "reminder-sweep");
    assert!(
        metrics
            .iter()
            .any(|m| m["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "ttokttok" && m["MeetingsDue"] == 0),
        "no EMF totals line in:\n{}",
        output.join("\n")
    );
}

#[tokio::test]
async fn the_reminder_sweep_reports_an_eventbridge_envelope_as_an_error_and_keeps_serving() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let sweep = deployment.start("reminder-sweep").await;

    // The classic EventBridge rule shape: not what ScheduleV2 sends, refused by name.
    let envelope = json!({
        "version": "0", "id": "5b6b9ec5-2c1d-4c2e-9a34-0c4f1d8e7a10",
        "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-11-21T10:05:00Z", "region": "ap-northeast-2",
        "resources": ["arn:aws:events:ap-northeast-2:123456789012:rule/ttokttok-sweep"], "detail": {}
    });
    match sweep.invoke(envelope).await {
        Outcome::Error(report) => assert_eq!(report.error_type, "Payload", "{report:?}"),
        other => panic!("expected an error, got {other:?}"),
    }

    // The runtime loop goes on: the next (good) invocation is served by the same process.
    let input = common::workspace_fixture("functions/reminder-sweep/tests/fixtures/schedule_v2_minute.json");
    let outcome = sweep.invoke_json(input).await;
    assert_eq!(outcome["due"], 0, "{outcome}");
}

#[tokio::test]
async fn the_friend_sync_runs_the_daily_schedule_to_the_end() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let sync = deployment.start("friend-sync").await;

    let input = common::workspace_fixture("functions/friend-sync/tests/fixtures/schedule_v2_daily.json");
    let outcome = sync.invoke_json(input).await;

    assert_eq!(outcome["result"], "daily", "{outcome}");
    assert_eq!(outcome["finished"], true, "{outcome}");
    assert_eq!(outcome["hops"], 0, "{outcome}");
}

#[tokio::test]
async fn the_friend_sync_answers_an_after_login_request_for_an_admin_it_does_not_know() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let sync = deployment.start("friend-sync").await;

    // What the login function's LambdaSyncTrigger sends, for an admin with no stored tokens.
    let outcome = sync.invoke(common::fixture("friend_sync_after_login.json")).await;

    match outcome {
        Outcome::Response(_) => {
            let outcome = outcome.json().unwrap();
            assert_eq!(outcome["result"], "not_synced", "{outcome}");
            assert_eq!(outcome["admin"], 4105009223_u64, "{outcome}");
        }
        Outcome::Error(report) => panic!(
            "a sync that cannot succeed must not be retried: {report:?}\n{}",
            sync.process.output_text()
        ),
    }
}

#[tokio::test]
async fn login_redirects_to_kakao_with_the_rest_api_key_from_secrets_manager() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let login = deployment.start("login").await;

    let response = HttpResponse::from_json(
        &login
            .invoke_json(common::fixture("apigw_v2_get_login.json"))
            .await,
    );

    assert!(matches!(response.status, 302 | 303), "{response:?}");
    let location = response.header("location").expect("a Location header");
    let location = url::Url::parse(location).expect("an absolute Location");
    assert_eq!(location.path(), "/oauth/authorize", "{location}");
    let query: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(
        query["client_id"], REST_API_KEY,
        "the REST API key comes from its secret"
    );
    assert_eq!(
        query["redirect_uri"],
        "https://ttokttok.example.com/oauth/callback"
    );
    assert!(!query["state"].is_empty());
    // The login-browser binding travels in the v2 `cookies` list, Secure on https.
    assert!(
        response
            .cookies
            .iter()
            .any(|c| c.contains("Secure") && c.contains("HttpOnly")),
        "{:?}",
        response.cookies
    );
}

#[tokio::test]
async fn the_unlink_webhook_takes_kakaos_form_post_and_marks_the_client() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let login = deployment.start("login").await;

    let mut request = common::fixture("apigw_v2_post_kakao_unlink.json");
    fill(&mut request, "KAKAO_ADMIN_KEY", ADMIN_KEY);
    let response = HttpResponse::from_json(&login.invoke_json(request).await);
    assert_eq!(
        response.status,
        200,
        "{response:?}\n{}",
        login.process.output_text()
    );

    let item = deployment
        .dynamodb
        .get_item()
        .table_name(&deployment.table)
        .key(
            "PK",
            aws_sdk_dynamodb::types::AttributeValue::S("CLIENT#4105009223".into()),
        )
        .key("SK", aws_sdk_dynamodb::types::AttributeValue::S("PROFILE".into()))
        .consistent_read(true)
        .send()
        .await
        .expect("read the client back");
    let status = item
        .item()
        .and_then(|i| i.get("status"))
        .and_then(|v| v.as_s().ok());
    assert_eq!(status.map(String::as_str), Some("unlinked"));

    // Someone else's key is refused (and nothing is written for them).
    let mut forged = common::fixture("apigw_v2_post_kakao_unlink.json");
    fill(&mut forged, "KAKAO_ADMIN_KEY", "0000000000000000000000000000000f");
    let response = HttpResponse::from_json(&login.invoke_json(forged).await);
    assert_eq!(response.status, 401, "{response:?}");
    assert_eq!(KAKAO_APP_ID, "100001", "the fixture's app_id is the deployment's");
}

#[tokio::test]
async fn the_admin_function_serves_the_landing_page_and_static_files_on_the_default_route() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let admin = deployment.start("admin").await;

    let home = HttpResponse::from_json(&admin.invoke_json(common::fixture("apigw_v2_get_home.json")).await);
    assert_eq!(home.status, 200, "{home:?}");
    assert!(
        home.header("content-type")
            .unwrap_or_default()
            .starts_with("text/html")
    );
    assert!(
        home.header("content-security-policy").is_some(),
        "{:?}",
        home.headers
    );
    assert!(home.text().contains("href=\"/login\""), "{}", home.text());

    let css = HttpResponse::from_json(
        &admin
            .invoke_json(common::fixture("apigw_v2_get_static_css.json"))
            .await,
    );
    assert_eq!(css.status, 200, "{css:?}");
    assert!(
        css.header("content-type")
            .unwrap_or_default()
            .starts_with("text/css")
    );
    assert!(!css.body.is_empty());
}

#[tokio::test]
async fn the_zoom_webhook_answers_zooms_endpoint_validation_signed_with_the_secret_token() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let attendance = deployment.start("attendance").await;

    let mut request = common::fixture("apigw_v2_post_zoom_url_validation.json");
    let body = request["body"].as_str().expect("a body").to_owned();
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let secret =
        attendance::zoom::signature::ZoomSecret::new(&secrecy::SecretString::from(ZOOM_SECRET_TOKEN))
            .expect("a usable secret");
    let signature = attendance::zoom::signature::sign(&secret, &timestamp, body.as_bytes());
    fill(&mut request, "ZOOM_TIMESTAMP", &timestamp);
    let mut forged = request.clone();
    fill(&mut request, "ZOOM_SIGNATURE", &signature);
    fill(&mut forged, "ZOOM_SIGNATURE", "v0=00");

    let response = HttpResponse::from_json(&attendance.invoke_json(request).await);
    assert_eq!(
        response.status,
        200,
        "{response:?}\n{}",
        attendance.process.output_text()
    );
    let answer: Value = serde_json::from_slice(&response.body).expect("a JSON answer");
    assert_eq!(answer["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    let expected = {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(ZOOM_SECRET_TOKEN.as_bytes()).unwrap();
        mac.update(b"qgg8vlvZRS6UYooatFL8Aw");
        hex::encode(mac.finalize().into_bytes())
    };
    assert_eq!(answer["encryptedToken"], expected.as_str());

    let refused = HttpResponse::from_json(&attendance.invoke_json(forged).await);
    assert_eq!(refused.status, 401, "{refused:?}");
}

#[tokio::test]
async fn an_unknown_join_link_is_a_plain_404_page() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let attendance = deployment.start("attendance").await;

    let response = HttpResponse::from_json(
        &attendance
            .invoke_json(common::fixture("apigw_v2_get_join_link.json"))
            .await,
    );

    assert_eq!(response.status, 404, "{response:?}");
    assert!(
        response
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn a_function_missing_a_setting_stops_at_start_naming_the_variable_not_a_secret() {
    let Some(deployment) = Deployment::create().await else {
        return;
    };
    let mut env = deployment.environment("reminder-sweep");
    env.retain(|(name, _)| name != "TABLE_NAME");

    let api = lambda_emulator::RuntimeApi::start().await.unwrap();
    let mut process = lambda_emulator::FunctionProcess::spawn(
        &common::binary("reminder-sweep"),
        "ttokttok-reminder-sweep",
        &api,
        &env,
    )
    .unwrap();
    let code = tokio::time::timeout(common::READY_LIMIT, process.wait_exit())
        .await
        .expect("the process exits")
        .unwrap();

    assert_ne!(code, Some(0));
    assert!(api.first_next_at().is_none(), "it must not ask for work");
    let output = process.output_text();
    assert!(output.contains("TABLE_NAME"), "{output}");
    assert!(
        !output.contains(ADMIN_KEY) && !output.contains(REST_API_KEY),
        "{output}"
    );
}

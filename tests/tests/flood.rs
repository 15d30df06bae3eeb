//! Flood control per tenant: one admin (or one client address, for logins) hammering what
//! costs Kakao calls or store writes gets 429 with `Retry-After`, in words a person reads, while
//! every other admin goes on untouched; the window ends and the admin goes on too.

use chrono::Duration;
use kakao_sandbox::World;
use serde_json::{Value, json};
use ttokttok_tests::{Browser, Consent, TestApp, spawn_app};

const TEACHER: i64 = 4812345001;
const PRINCIPAL: i64 = 4812345101;
const SEOYEON: i64 = 4812345011;

async fn admin(app: &TestApp, user: i64) -> (Browser, String) {
    let browser = app.browser();
    assert_eq!(browser.log_in(user, Consent::AgreeAll).await.status, 303);
    app.syncs_done().await;
    let csrf = browser.get("/").await.csrf().unwrap();
    (browser, csrf)
}

#[tokio::test]
async fn a_sync_flood_is_refused_to_that_admin_only() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, teacher_csrf) = admin(&app, TEACHER).await;
    let (principal, principal_csrf) = admin(&app, PRINCIPAL).await;

    let first = teacher
        .post_json("/api/sync", &json!({}), Some(&teacher_csrf))
        .await;
    assert_eq!(first.status, 202, "{}", first.body);
    let again = teacher
        .post_json("/api/sync", &json!({}), Some(&teacher_csrf))
        .await;
    assert_eq!(again.status, 429, "{}", again.body);
    assert_eq!(again.json()["error"], "too_many_requests");
    let wait: i64 = again.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=180).contains(&wait), "{wait}");
    // The form says it in a page, in the admin's language.
    let page = teacher
        .post_form("/sync", &[("csrf", teacher_csrf.as_str())])
        .await;
    assert_eq!(page.status, 429);
    assert_eq!(page.problem().as_deref(), Some("too-many-requests"));
    assert!(page.body.contains("3분에 한 번"), "{}", page.body);

    let other = principal
        .post_json("/api/sync", &json!({}), Some(&principal_csrf))
        .await;
    assert_eq!(other.status, 202, "another admin is not touched");

    app.advance(Duration::minutes(3));
    let later = teacher
        .post_json("/api/sync", &json!({}), Some(&teacher_csrf))
        .await;
    assert_eq!(later.status, 202, "the next window opens");
    app.shutdown().await;
}

#[tokio::test]
async fn meeting_writes_and_manual_sends_have_their_own_limits() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, csrf) = admin(&app, TEACHER).await;
    let (principal, principal_csrf) = admin(&app, PRINCIPAL).await;
    let preview = |csrf: &str| {
        let body = json!({
            "title": "수학 수업",
            "start": "2030-01-07T19:00",
            "duration_minutes": 60,
            "join_url": "https://zoom.us/j/81234567890",
            "invitees": [],
            "quiet_hours": {"from": "", "until": ""},
        });
        (body, csrf.to_owned())
    };
    let mut answers: Vec<u16> = Vec::new();
    for _ in 0..61 {
        let (body, csrf) = preview(&csrf);
        answers.push(
            teacher
                .post_json("/api/meetings/preview", &body, Some(&csrf))
                .await
                .status,
        );
    }
    assert!(answers[..60].iter().all(|s| *s == 200), "{answers:?}");
    assert_eq!(answers[60], 429);
    // Reads go on; the other admin's writes go on.
    assert_eq!(teacher.get("/api/meetings").await.status, 200);
    let (body, principal_csrf) = preview(&principal_csrf);
    assert_eq!(
        principal
            .post_json("/api/meetings/preview", &body, Some(&principal_csrf))
            .await
            .status,
        200
    );

    // Manual sends: 20 a minute (a full window of refusals would be as bad as sends).
    let friend = app.uuid_of(SEOYEON);
    let reminder: Value = json!({"friend": friend, "text": "시작!", "link": "https://zoom.us/j/1"});
    let mut sent: Vec<u16> = Vec::new();
    for _ in 0..21 {
        sent.push(
            teacher
                .post_json("/api/reminders", &reminder, Some(&csrf))
                .await
                .status,
        );
    }
    assert!(sent[..20].iter().all(|s| *s != 429), "{sent:?}");
    assert_eq!(sent[20], 429, "{sent:?}");
    app.shutdown().await;
}

#[tokio::test]
async fn logins_are_counted_per_client_address() {
    let app = spawn_app(World::default_world()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login_from = |address: &'static str| {
        http.get(app.url("/login"))
            .header("x-forwarded-for", format!("10.0.0.1, {address}"))
            .send()
    };
    for _ in 0..30 {
        assert_eq!(login_from("203.0.113.7").await.unwrap().status(), 303);
    }
    let refused = login_from("203.0.113.7").await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(
        login_from("198.51.100.2").await.unwrap().status(),
        303,
        "another address is not touched"
    );
    app.shutdown().await;
}

//! Sending one reminder by hand: it reaches the friend's KakaoTalk inbox and the delivery log,
//! and every way it cannot go ends in a dialog that says why and what to do.

use domain::{KakaoUserId, KstDay, QuotaLimits};
use kakao_sandbox::World;
use serde_json::{Value, json};
use store::model::QuotaSubject;
use ttokttok_tests::{Browser, Consent, TestApp, spawn_app};

const TEACHER: i64 = 4812345001;
/// 이서연: linked, agreed to everything.
const SEOYEON: i64 = 4812345011;
/// 조수아: linked and listed (agreed to `friends`), never agreed to `talk_message`.
const SUA: i64 = 4812345016;
const LINK: &str = "https://zoom.us/j/81234567890";

async fn teacher(app: &TestApp) -> (Browser, String) {
    let browser = app.browser();
    assert_eq!(browser.log_in(TEACHER, Consent::AgreeAll).await.status, 303);
    app.syncs_done().await;
    let token = browser.get("/send").await.csrf().unwrap();
    (browser, token)
}

fn reminder(friend: &str, text: &str) -> Value {
    json!({"friend": friend, "text": text, "link": LINK})
}

async fn sender_quota_used(app: &TestApp) -> u32 {
    let day = KstDay::containing(app.services().clock.now());
    let teacher = KakaoUserId::parse(&TEACHER.to_string()).unwrap();
    app.store()
        .quota_used(day, &QuotaSubject::Sender(teacher))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reminder_reaches_the_friends_inbox_and_the_delivery_log() {
    let app = spawn_app(World::default_world()).await;
    let (browser, token) = teacher(&app).await;
    let seoyeon = app.uuid_of(SEOYEON);

    let sent = browser
        .post_json(
            "/api/reminders",
            &reminder(&seoyeon, "수업이 시작되었어요!"),
            Some(&token),
        )
        .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let sent = sent.json();
    assert_eq!(sent["sent"], true);
    assert_eq!(sent["delivery"]["state"]["state"], "sent");

    let inbox = app.inbox(SEOYEON).await;
    assert_eq!(inbox.len(), 1);
    let message = &inbox[0];
    assert_eq!(message["sender_id"], TEACHER);
    let template: Value = match &message["template_object"] {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        other => other.clone(),
    };
    assert_eq!(template["object_type"], "text");
    assert_eq!(template["text"], "수업이 시작되었어요!");
    assert_eq!(template["buttons"][0]["link"]["web_url"], LINK);
    assert_eq!(
        sender_quota_used(&app).await,
        1,
        "the send took one slot of today's quota"
    );

    let log = browser.get("/api/deliveries").await.json();
    let entry = &log["deliveries"][0];
    assert_eq!(entry["friend"], seoyeon.as_str());
    assert_eq!(entry["friend_name"], "이서연");
    assert_eq!(entry["state"]["state"], "sent");

    // The form does the same, and the page confirms it.
    let fields = [
        ("csrf", token.as_str()),
        ("friend", seoyeon.as_str()),
        ("text", "두 번째 알림"),
        ("link", LINK),
    ];
    let posted = browser.post_form("/send", &fields).await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let page = browser.follow(posted).await;
    assert!(page.has_id("sent-banner"));
    assert!(page.text("sent-banner").unwrap().contains("이서연"));
    assert_eq!(page.body.matches(r#"class="log-entry""#).count(), 2);
    assert_eq!(app.inbox(SEOYEON).await.len(), 2);
    app.shutdown().await;
}

#[tokio::test]
async fn bad_fields_are_named_and_nothing_is_sent() {
    let app = spawn_app(World::default_world()).await;
    let (browser, token) = teacher(&app).await;
    let seoyeon = app.uuid_of(SEOYEON);
    let too_long = "가".repeat(201);
    let fields = [
        ("csrf", token.as_str()),
        ("friend", ""),
        ("text", too_long.as_str()),
        ("link", "http://zoom.us/j/1"),
    ];
    let page = browser.post_form("/send", &fields).await;
    assert_eq!(page.status, 400);
    for field in ["friend", "text", "link"] {
        assert!(page.has_id(&format!("error-{field}")), "{field}");
    }
    assert!(page.text("error-text").unwrap().contains("201"));
    let api = browser
        .post_json(
            "/api/reminders",
            &json!({"friend": seoyeon, "text": "", "link": LINK}),
            Some(&token),
        )
        .await;
    assert_eq!(api.status, 400);
    assert_eq!(api.json()["fields"][0]["field"], "text");
    assert!(app.inbox(SEOYEON).await.is_empty());
    assert_eq!(sender_quota_used(&app).await, 0);
    app.shutdown().await;
}

#[tokio::test]
async fn a_friend_who_has_not_agreed_gets_the_invite_link_dialog() {
    let app = spawn_app(World::default_world()).await;
    let (browser, token) = teacher(&app).await;
    let sua = app.uuid_of(SUA);

    let api = browser
        .post_json("/api/reminders", &reminder(&sua, "수업 시작!"), Some(&token))
        .await;
    assert_eq!(api.status, 422, "{}", api.body);
    let api = api.json();
    assert_eq!(api["error"], "not_agreed");
    let invite = api["invite_link"].as_str().unwrap().to_owned();
    assert!(invite.starts_with(&app.url("/join/")), "{invite}");
    assert!(api["message"].as_str().unwrap().contains("조수아"));

    let fields = [
        ("csrf", token.as_str()),
        ("friend", sua.as_str()),
        ("text", "수업 시작!"),
        ("link", LINK),
    ];
    let page = browser.post_form("/send", &fields).await;
    assert_eq!(page.status, 422);
    assert_eq!(page.problem().as_deref(), Some("not_agreed"));
    assert_eq!(
        page.attr("invite-link", "value").as_deref(),
        Some(invite.as_str())
    );
    assert!(page.has_id("copy-invite-link") && page.has_id("choose-another"));
    // The form keeps what was written, for another friend.
    assert!(page.body.contains(">수업 시작!</textarea>"));
    assert!(app.inbox(SUA).await.is_empty());
    assert_eq!(
        sender_quota_used(&app).await,
        0,
        "a refused message gives its slot back"
    );
    let log = browser.get("/api/deliveries").await.json();
    assert_eq!(
        log["deliveries"][0]["state"],
        json!({"state": "failed", "code": -530})
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_used_up_quota_says_when_it_resets() {
    // Kakao's pair limit, lowered in the sandbox: Kakao itself refuses the second message.
    let app = spawn_app(World::default_world()).await;
    app.running
        .sandbox()
        .unwrap()
        .update_app(|kakao| kakao.quotas.pair_daily = 1);
    let (browser, token) = teacher(&app).await;
    let seoyeon = app.uuid_of(SEOYEON);
    assert_eq!(
        browser
            .post_json("/api/reminders", &reminder(&seoyeon, "하나"), Some(&token))
            .await
            .status,
        201
    );
    let second = browser
        .post_json("/api/reminders", &reminder(&seoyeon, "둘"), Some(&token))
        .await;
    assert_eq!(second.status, 422, "{}", second.body);
    let second = second.json();
    assert_eq!(second["error"], "quota_used_up");
    assert_eq!(second["problem"]["quota"], "pair");
    assert!(
        second["message"].as_str().unwrap().contains("00:00 KST"),
        "{second}"
    );
    assert_eq!(app.inbox(SEOYEON).await.len(), 1);
    app.shutdown().await;

    // ttokttok's own sender limit: refused before Kakao is asked.
    let limits = QuotaLimits {
        sender: 1,
        ..QuotaLimits::KAKAO
    };
    let app = TestApp::spawn_with(World::default_world(), limits).await;
    let (browser, token) = teacher(&app).await;
    let seoyeon = app.uuid_of(SEOYEON);
    assert_eq!(
        browser
            .post_json("/api/reminders", &reminder(&seoyeon, "하나"), Some(&token))
            .await
            .status,
        201
    );
    let fields = [
        ("csrf", token.as_str()),
        ("friend", seoyeon.as_str()),
        ("text", "둘"),
        ("link", LINK),
    ];
    let page = browser.post_form("/send", &fields).await;
    assert_eq!(page.status, 422);
    assert_eq!(page.problem().as_deref(), Some("quota_used_up"));
    assert!(page.text("problem-message").unwrap().contains("KST"));
    assert_eq!(app.inbox(SEOYEON).await.len(), 1);
    let dashboard = browser.get("/").await;
    assert_eq!(dashboard.text("quota-used").as_deref(), Some("1"));
    assert_eq!(dashboard.text("quota-limit").as_deref(), Some("1"));
    app.shutdown().await;
}

#[tokio::test]
async fn kakaos_refusals_become_dialogs() {
    let app = spawn_app(World::default_world()).await;
    let (browser, token) = teacher(&app).await;
    let seoyeon = app.uuid_of(SEOYEON);
    let send_path = "/v1/api/talk/friends/message/default/send";
    for (fault, problem) in [
        (
            json!({"path": send_path, "kakao_code": -502, "times": 1}),
            "not_friends",
        ),
        (
            json!({"path": send_path, "kakao_code": -5, "times": 1}),
            "no_permission",
        ),
        (
            json!({"path": send_path, "status": 503, "times": 1}),
            "outcome_unknown",
        ),
        (
            json!({"path": send_path, "drop_connection": true, "after_processing": true, "times": 1}),
            "outcome_unknown",
        ),
    ] {
        let (status, _) = app.sandbox_post("/_sandbox/faults", fault.clone()).await;
        assert_eq!(status, 200);
        let page = browser
            .post_json("/api/reminders", &reminder(&seoyeon, "시작!"), Some(&token))
            .await;
        assert_eq!(page.status, 422, "{fault}: {}", page.body);
        assert_eq!(page.json()["error"], problem, "{fault}");
    }
    // The form path shows the same in a dialog, with the way out.
    app.sandbox_post(
        "/_sandbox/faults",
        json!({"path": send_path, "kakao_code": -502, "times": 1}),
    )
    .await;
    let fields = [
        ("csrf", token.as_str()),
        ("friend", seoyeon.as_str()),
        ("text", "시작!"),
        ("link", LINK),
    ];
    let page = browser.post_form("/send", &fields).await;
    assert_eq!(page.problem().as_deref(), Some("not_friends"));
    assert!(page.has_id("dialog-sync") && page.has_id("choose-another"));
    // The dropped answer went out after all: one message, recorded as unconfirmed, never resent.
    assert_eq!(app.inbox(SEOYEON).await.len(), 1);
    let log = browser.get("/api/deliveries").await.json();
    let states: Vec<&str> = log["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states.iter().filter(|s| **s == "unknown").count(),
        2,
        "{states:?}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_admin_who_withdrew_consent_is_asked_to_agree_again() {
    let app = spawn_app(World::default_world()).await;
    let (browser, token) = teacher(&app).await;
    // 김선생 withdraws talk_message in KakaoTalk's settings.
    let (status, _) = app
        .sandbox_post(
            "/_sandbox/tokens",
            json!({"user_id": TEACHER, "scopes": ["profile_nickname", "friends"]}),
        )
        .await;
    assert_eq!(status, 200);
    let page = browser
        .post_json(
            "/api/reminders",
            &reminder(&app.uuid_of(SEOYEON), "시작!"),
            Some(&token),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert_eq!(page.json()["error"], "admin_needs_consent");
    assert_eq!(sender_quota_used(&app).await, 0);

    let dashboard = browser.get("/").await;
    assert!(dashboard.has_id("banner-consent"), "{}", dashboard.body);
    let grant = dashboard.attr("grant-consent", "href").unwrap();
    let to_kakao = browser.get(&grant).await;
    let authorize = url::Url::parse(&to_kakao.location().unwrap()).unwrap();
    let scope = authorize
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(scope, "talk_message");
    let back = browser.through_kakao(&to_kakao, TEACHER, Consent::AgreeAll).await;
    let landed = browser.get(&back.location().unwrap()).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    let dashboard = browser.get("/").await;
    assert!(!dashboard.has_id("banner-consent"));
    // Logging in again starts a new session, with a new CSRF token.
    let token = dashboard.csrf().unwrap();
    let sent = browser
        .post_json(
            "/api/reminders",
            &reminder(&app.uuid_of(SEOYEON), "이제 됩니다"),
            Some(&token),
        )
        .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    app.shutdown().await;
}

/// Kakao stops the whole app (here: suspended for long disuse). A reminder sent by hand says so
/// plainly and nothing goes; every admin's dashboard and `/api/me` carry the notice; Kakao is
/// not asked again for 15 minutes; once it serves the app again, sending works.
#[tokio::test]
async fn a_stopped_kakao_app_is_said_plainly_to_every_admin() {
    let app = spawn_app(World::default_world()).await;
    let (browser, token) = teacher(&app).await;
    let other = app.browser();
    assert_eq!(other.log_in(SEOYEON, Consent::AgreeAll).await.status, 303);
    let seoyeon = app.uuid_of(SEOYEON);
    let (status, _) = app
        .sandbox_post("/_sandbox/app", json!({"standing": "suspended"}))
        .await;
    assert_eq!(status, 200);

    let page = browser
        .post_json("/api/reminders", &reminder(&seoyeon, "시작!"), Some(&token))
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert_eq!(page.json()["error"], "kakao_app_stopped");
    assert!(app.inbox(SEOYEON).await.is_empty());
    assert_eq!(sender_quota_used(&app).await, 0, "the slot went back");

    for admin in [&browser, &other] {
        let desk = admin.get("/").await;
        assert!(desk.has_id("banner-kakao-app-stopped"), "{}", desk.body);
        let me = admin.get("/api/me").await.json();
        assert_eq!(me["kakao_app_stop"]["stop"], "suspended");
        assert_eq!(me["kakao_app_stop"]["kakao_code"], -13);
    }
    // The form says the same in a dialog, without asking Kakao again.
    let send_path = "/v1/api/talk/friends/message/default/send";
    let before = app.sandbox_get("/_sandbox/requests").await["by_path"][send_path].clone();
    let fields = [
        ("csrf", token.as_str()),
        ("friend", seoyeon.as_str()),
        ("text", "시작!"),
        ("link", LINK),
    ];
    let dialog = browser.post_form("/send", &fields).await;
    assert_eq!(dialog.problem().as_deref(), Some("kakao_app_stopped"));
    assert_eq!(
        app.sandbox_get("/_sandbox/requests").await["by_path"][send_path],
        before
    );

    app.sandbox_post("/_sandbox/app", json!({"standing": "active"}))
        .await;
    app.advance(chrono::Duration::minutes(15));
    let sent = browser
        .post_json("/api/reminders", &reminder(&seoyeon, "시작!"), Some(&token))
        .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert_eq!(app.inbox(SEOYEON).await.len(), 1);
    assert!(!browser.get("/").await.has_id("banner-kakao-app-stopped"));
    app.shutdown().await;
}

//! Client onboarding through an admin's invite link: the welcome page, Kakao login with friends
//! and talk_message, the "you will get reminders" page, declined items and trying again.

use kakao_sandbox::World;
use serde_json::json;
use ttokttok_tests::{Browser, Consent, TestApp, spawn_app};

const TEACHER: i64 = 4812345001;
/// 장예린: 김선생's friend, never logged in to the app (not listed, cannot be messaged).
const YERIN: i64 = 4812345018;
const LINK: &str = "https://zoom.us/j/81234567890";

async fn invite_link(app: &TestApp) -> (Browser, String) {
    let teacher = app.browser();
    assert_eq!(teacher.log_in(TEACHER, Consent::AgreeAll).await.status, 303);
    app.syncs_done().await;
    let invite = teacher.get("/invite").await;
    assert_eq!(invite.status, 200);
    assert!(
        invite.has_id("invite-qr") && invite.body.contains("<svg"),
        "a QR code"
    );
    assert!(invite.has_id("copy-invite-link"));
    let link = invite.attr("invite-link", "value").unwrap();
    (teacher, link)
}

#[tokio::test]
async fn a_client_who_agrees_gets_reminders_from_that_admin() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, link) = invite_link(&app).await;
    assert!(link.starts_with(&app.url("/join/")));

    let client = app.browser();
    let welcome = client.get(&link).await;
    assert_eq!(welcome.status, 200);
    assert!(welcome.has_id("client-welcome"));
    assert!(welcome.text("client-welcome").unwrap().contains("김선생"));
    let start = client.get(&welcome.attr("join-start", "href").unwrap()).await;
    let authorize = url::Url::parse(&start.location().unwrap()).unwrap();
    let scope = authorize
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(scope, "friends,talk_message", "clients are asked for both items");
    let back = client.through_kakao(&start, YERIN, Consent::AgreeAll).await;
    let done = client.get(&back.location().unwrap()).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.has_id("client-done"));
    assert!(
        done.text("client-done").unwrap().contains("김선생"),
        "names the admin"
    );
    assert!(done.body.contains("연결된 서비스 관리"), "says how to stop");
    assert!(client.cookie("tt_session").is_none(), "clients get no dashboard");
    assert_eq!(client.get("/send").await.status, 303);

    // The admin's next sync lists the client, and a reminder reaches them.
    let token = teacher.get("/send").await.csrf().unwrap();
    assert_eq!(teacher.post_form("/sync", &[("csrf", &token)]).await.status, 303);
    app.syncs_done().await;
    let yerin = app.uuid_of(YERIN);
    let friends = teacher.get("/api/friends").await.json();
    assert!(
        friends["friends"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["uuid"] == yerin.as_str())
    );
    let body = json!({"friend": yerin, "text": "수업 시작했어요", "link": LINK});
    let sent = teacher.post_json("/api/reminders", &body, Some(&token)).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert_eq!(app.inbox(YERIN).await.len(), 1);
    app.shutdown().await;
}

#[tokio::test]
async fn a_client_who_declines_is_told_what_they_miss_and_can_try_again() {
    let app = spawn_app(World::default_world()).await;
    let (_teacher, link) = invite_link(&app).await;
    let client = app.browser();
    let start = client.get(&format!("{link}/start")).await;
    let back = client
        .through_kakao(&start, YERIN, Consent::Agree(&["friends"]))
        .await;
    let missing = client.get(&back.location().unwrap()).await;
    assert_eq!(missing.status, 200);
    assert!(missing.has_id("client-missing"), "{}", missing.body);
    assert!(missing.has_id("missing-talk_message") && !missing.has_id("missing-friends"));
    let retry = missing.attr("try-again", "href").unwrap();
    assert!(retry.ends_with("/start?scopes=talk_message"), "{retry}");

    let again = client.get(&retry).await;
    let back = client
        .through_kakao(&again, YERIN, Consent::Agree(&["talk_message"]))
        .await;
    let done = client.get(&back.location().unwrap()).await;
    assert!(done.has_id("client-done"), "{}", done.body);
    app.shutdown().await;
}

#[tokio::test]
async fn a_client_who_cancels_can_start_over() {
    let app = spawn_app(World::default_world()).await;
    let (_teacher, link) = invite_link(&app).await;
    let client = app.browser();
    let start = client.get(&format!("{link}/start")).await;
    let back = client.through_kakao(&start, YERIN, Consent::Cancel).await;
    let cancelled = client.get(&back.location().unwrap()).await;
    assert!(cancelled.has_id("login-cancelled"));
    let path = url::Url::parse(&link).unwrap().path().to_owned();
    assert_eq!(
        cancelled.attr("try-again", "href").as_deref(),
        Some(path.as_str())
    );
    app.shutdown().await;
}

#[tokio::test]
async fn links_we_did_not_issue_and_the_admins_own_link() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, link) = invite_link(&app).await;
    let stranger = app.browser();
    for bad in [
        "/join/nonsense",
        "/join/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/join/nonsense/start",
    ] {
        let page = stranger.get(bad).await;
        assert_eq!(page.status, 404, "{bad}");
        assert_eq!(page.problem().as_deref(), Some("unknown-link"), "{bad}");
    }
    // The admin tries their own link.
    let start = teacher.get(&format!("{link}/start")).await;
    let back = teacher.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    let page = teacher.get(&back.location().unwrap()).await;
    assert!(page.has_id("client-is-organiser"), "{}", page.body);
    app.shutdown().await;
}

/// 한소율: linked, agreed to everything, and has turned messages off in KakaoTalk.
const SOYUL: i64 = 4812345020;

async fn join(app: &TestApp, link: &str, user: i64) {
    let client = app.browser();
    let start = client.get(&format!("{link}/start")).await;
    let back = client.through_kakao(&start, user, Consent::AgreeAll).await;
    let done = client.get(&back.location().unwrap()).await;
    assert!(done.has_id("client-done"), "{}", done.body);
}

fn sends(requests: &serde_json::Value) -> u64 {
    requests["by_path"]["/v1/api/talk/friends/message/default/send"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_client_who_joined_but_turned_messages_off_is_told_apart_from_one_who_never_agreed() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, link) = invite_link(&app).await;
    let token = teacher.get("/send").await.csrf().unwrap();
    let soyul = app.uuid_of(SOYUL);
    let body = json!({"friend": soyul, "text": "수업 시작했어요", "link": LINK});

    // Kakao says -530; ttokttok has no record of her joining, so she "has not agreed".
    let before = teacher.post_json("/api/reminders", &body, Some(&token)).await;
    assert_eq!(before.json()["error"], "not_agreed");

    join(&app, &link, SOYUL).await;
    let after = teacher.post_json("/api/reminders", &body, Some(&token)).await;
    assert_eq!(after.status, 422);
    let after = after.json();
    assert_eq!(after["error"], "refuses_messages", "{after}");
    assert!(
        after.get("invite_link").is_none(),
        "the invite link would not help"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_client_who_disconnects_is_unreachable_for_every_admin_at_once() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, link) = invite_link(&app).await;
    join(&app, &link, YERIN).await;
    let token = teacher.get("/send").await.csrf().unwrap();
    teacher.post_form("/sync", &[("csrf", &token)]).await;
    app.syncs_done().await;

    // 장예린 disconnects ttokttok in KakaoTalk; Kakao calls the unlink webhook.
    let (status, answer) = app
        .sandbox_post("/_sandbox/unlink", json!({"user_id": YERIN}))
        .await;
    assert_eq!(
        (status, answer["webhook_status"].as_u64()),
        (200, Some(200)),
        "{answer}"
    );
    let yerin = domain::KakaoUserId::parse(&YERIN.to_string()).unwrap();
    let mark = app.store().get_client(yerin).await.unwrap().unwrap();
    assert_eq!(mark.status, store::model::ClientStatus::Unlinked);
    assert!(
        mark.invited_by.is_empty() && mark.scopes.is_empty(),
        "nothing else kept"
    );

    // The admin's friend list still has her until the next sync; the send stops before Kakao.
    let sends_before = sends(&app.sandbox_get("/_sandbox/requests").await);
    let body = json!({"friend": app.uuid_of(YERIN), "text": "수업 시작했어요", "link": LINK});
    let page = teacher.post_json("/api/reminders", &body, Some(&token)).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert_eq!(page.json()["error"], "disconnected");
    assert_eq!(
        sends(&app.sandbox_get("/_sandbox/requests").await),
        sends_before,
        "Kakao was not asked"
    );
    app.shutdown().await;
}

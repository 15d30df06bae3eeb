//! Kakao's unlink webhook: only Kakao (our admin key and app id) may call it, and it deletes the
//! person's data and answers 200.

use domain::KakaoUserId;
use kakao_sandbox::World;
use serde_json::json;
use ttokttok_tests::{Consent, TestApp, spawn_app};

const TEACHER: i64 = 4812345001;

async fn post_unlink(app: &TestApp, authorization: Option<&str>, form: &[(&str, &str)]) -> u16 {
    let mut request = reqwest::Client::new().post(app.url("/kakao/unlink")).form(form);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn only_kakao_may_call_the_webhook() {
    let world = World::default_world();
    let key = format!("KakaoAK {}", world.app.admin_key);
    let app_id = world.app.app_id.to_string();
    let app = spawn_app(world).await;
    let browser = app.browser();
    assert_eq!(browser.log_in(TEACHER, Consent::AgreeAll).await.status, 303);
    app.syncs_done().await;
    let user = TEACHER.to_string();
    let form = [
        ("app_id", app_id.as_str()),
        ("user_id", user.as_str()),
        ("referrer_type", "UNLINK_FROM_APPS"),
    ];

    assert_eq!(post_unlink(&app, None, &form).await, 401);
    assert_eq!(post_unlink(&app, Some("KakaoAK wrong-key"), &form).await, 401);
    assert_eq!(
        post_unlink(&app, Some(&format!("Bearer {}", &key[8..])), &form).await,
        401
    );
    let wrong_app = [("app_id", "999"), ("user_id", user.as_str())];
    assert_eq!(post_unlink(&app, Some(&key), &wrong_app).await, 401);
    let teacher = KakaoUserId::parse(&user).unwrap();
    assert!(
        app.store().get_admin(teacher).await.is_ok(),
        "nothing deleted yet"
    );

    assert_eq!(post_unlink(&app, Some(&key), &form).await, 200);
    assert!(app.store().get_admin(teacher).await.unwrap_err().is_not_found());
    assert!(app.store().get_tokens(teacher).await.unwrap_err().is_not_found());
    assert!(app.store().list_friends(teacher, true).await.unwrap().is_empty());
    // The browser's session now leads back to the start.
    let page = browser.get("/").await;
    assert_eq!(page.status, 303);
    assert!(browser.cookie("tt_session").is_none());
    // An unknown user is fine too (Kakao wants 200), and GET with a query works.
    let response = reqwest::Client::new()
        .get(app.url(&format!(
            "/kakao/unlink?app_id={app_id}&user_id=123&referrer_type=ACCOUNT_DELETE"
        )))
        .header("authorization", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    app.shutdown().await;
}

#[tokio::test]
async fn an_unlink_in_kakaotalk_reaches_the_webhook_and_deletes_the_admin() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    assert_eq!(browser.log_in(TEACHER, Consent::AgreeAll).await.status, 303);
    app.syncs_done().await;
    let (status, answer) = app
        .sandbox_post("/_sandbox/unlink", json!({"user_id": TEACHER}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["webhook_status"], 200);
    let teacher = KakaoUserId::parse(&TEACHER.to_string()).unwrap();
    assert!(app.store().get_admin(teacher).await.unwrap_err().is_not_found());
    app.shutdown().await;
}

/// Kakao pauses a webhook that answers errors, and its console's test call sends no app id or a
/// user id that is not a number: every request signed with the admin key gets 200, and only a
/// real user id deletes anything.
#[tokio::test]
async fn every_call_signed_with_the_admin_key_is_answered_200() {
    let world = World::default_world();
    let key = format!("KakaoAK {}", world.app.admin_key);
    let app_id = world.app.app_id.to_string();
    let app = spawn_app(world).await;
    let browser = app.browser();
    assert_eq!(browser.log_in(TEACHER, Consent::AgreeAll).await.status, 303);
    app.syncs_done().await;
    let teacher = KakaoUserId::new(TEACHER).unwrap();

    for form in [
        vec![("user_id", "not-a-number")],
        vec![("app_id", app_id.as_str()), ("user_id", "")],
        vec![("app_id", app_id.as_str())],
        vec![],
    ] {
        assert_eq!(post_unlink(&app, Some(&key), &form).await, 200, "{form:?}");
    }
    assert!(app.store().get_admin(teacher).await.is_ok(), "nothing deleted");

    let user = TEACHER.to_string();
    assert_eq!(
        post_unlink(&app, Some(&key), &[("user_id", user.as_str())]).await,
        200
    );
    assert!(
        app.store().get_admin(teacher).await.unwrap_err().is_not_found(),
        "without an app id, the admin key alone is enough to act"
    );
    app.shutdown().await;
}

/// The webhook's deletion was noted but did not finish (the store failed part-way), and the
/// admin logs in again before ttokttok's own pass came: the login finishes the old deletion
/// first (their old friends and preferences go), then writes the new login, which a later pass
/// leaves alone.
#[tokio::test]
async fn a_login_after_an_unfinished_deletion_starts_clean_and_stays() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    assert_eq!(browser.log_in(TEACHER, Consent::AgreeAll).await.status, 303);
    app.syncs_done().await;
    let teacher = KakaoUserId::new(TEACHER).unwrap();
    let store = app.store();
    let before = store.get_admin(teacher).await.unwrap();
    assert!(!store.list_friends(teacher, true).await.unwrap().is_empty());

    store
        .note_pending_deletion(teacher, app.services().clock.now())
        .await
        .unwrap();
    app.advance(chrono::Duration::minutes(2));
    let again = app.browser();
    assert_eq!(again.log_in(TEACHER, Consent::AgreeAll).await.status, 303);
    assert_eq!(store.pending_admin_deletion(teacher).await.unwrap(), None);
    let after = store.get_admin(teacher).await.unwrap();
    assert!(
        after.created_at > before.created_at,
        "the old profile was deleted and a new one written"
    );
    assert!(
        browser.get("/api/me").await.status == 401,
        "the old session ended with the old data"
    );
    assert_eq!(again.get("/api/me").await.status, 200);

    let pass = app::unlink::finish_pending_deletions(&**store, app.services().clock.now())
        .await
        .unwrap();
    assert_eq!((pass.finished, pass.still_pending), (0, 0));
    assert!(store.get_admin(teacher).await.is_ok(), "the new login stays");
    app.shutdown().await;
}

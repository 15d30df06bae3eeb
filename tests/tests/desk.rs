//! The admin's desk around the login: sessions expire, state changes need the CSRF token, one
//! admin never sees another's data, Kakao's strings are escaped, every page carries a strict CSP,
//! and the pages speak Korean or English.

use chrono::Duration;
use kakao_sandbox::World;
use serde_json::json;
use ttokttok_tests::{Browser, TestApp, spawn_app};

const TEACHER: i64 = 4812345001;
const PRINCIPAL: i64 = 4812345101;
/// 이서연: friend of both admins, agreed to everything.
const SEOYEON: i64 = 4812345011;
/// 문가은: 박원장's friend only.
const GAEUN: i64 = 4812345111;

#[tokio::test]
async fn a_session_ends_after_twelve_idle_hours() {
    let app = spawn_app(World::default_world()).await;
    let (browser, _) = app.logged_in(TEACHER).await;
    app.advance(Duration::hours(11));
    assert_eq!(browser.get("/").await.status, 200, "still fine after 11 hours");
    // That visit renewed the cookie, so 11 more hours are fine too; 12 idle ones are not.
    app.advance(Duration::hours(11));
    assert_eq!(browser.get("/api/me").await.status, 200);
    app.advance(Duration::hours(12));

    let api = browser.get("/api/friends").await;
    assert_eq!(api.status, 401);
    assert_eq!(api.json()["error"], "unauthenticated");
    assert!(
        browser.cookie("tt_session").is_none(),
        "the dead cookie is removed"
    );

    // The browser still holds nothing; a page asks to log in, saying why when it knows.
    let (browser, _) = app.logged_in(TEACHER).await;
    app.advance(Duration::hours(13));
    let page = browser.get("/send").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location_path().as_deref(), Some("/?next=%2Fsend&expired=1"));
    let landing = browser.follow(page).await;
    assert!(landing.has_id("notice-expired") && landing.has_id("kakao-login"));
    assert_eq!(
        landing.attr("kakao-login", "href").as_deref(),
        Some("/login?next=%2Fsend")
    );
    app.shutdown().await;
}

#[tokio::test]
async fn state_changes_without_the_csrf_token_are_refused() {
    let app = spawn_app(World::default_world()).await;
    let (browser, _) = app.logged_in(TEACHER).await;
    let send = browser.get("/send").await;
    let token = send.csrf().expect("the page carries the token");
    let friend = app.uuid_of(SEOYEON);
    let fields = [
        ("friend", friend.as_str()),
        ("text", "수업 시작!"),
        ("link", "https://zoom.us/j/1"),
    ];

    let refused = browser.post_form("/send", &fields).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.problem().as_deref(), Some("csrf"));
    let wrong = [("csrf", "not-the-token"), fields[0], fields[1], fields[2]];
    assert_eq!(browser.post_form("/send", &wrong).await.status, 403);
    assert_eq!(browser.post_form("/sync", &[]).await.status, 403);
    let body = json!({"friend": friend, "text": "수업 시작!", "link": "https://zoom.us/j/1"});
    let api = browser.post_json("/api/reminders", &body, None).await;
    assert_eq!(api.status, 403);
    assert_eq!(api.json()["error"], "csrf");
    assert!(app.inbox(SEOYEON).await.is_empty(), "nothing was sent");

    let allowed = browser.post_form("/sync", &[("csrf", &token)]).await;
    assert_eq!(allowed.status, 303);
    let sent = browser.post_json("/api/reminders", &body, Some(&token)).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    app.shutdown().await;
}

#[tokio::test]
async fn an_admin_asking_for_another_admins_data_gets_404() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, _) = app.logged_in(TEACHER).await;
    let (principal, _) = app.logged_in(PRINCIPAL).await;
    let gaeun = app.uuid_of(GAEUN);

    // 문가은 is 박원장's friend...
    assert_eq!(principal.get(&format!("/api/friends/{gaeun}")).await.status, 200);
    // ...and nobody's business of 김선생's.
    let page = teacher.get(&format!("/api/friends/{gaeun}")).await;
    assert_eq!(page.status, 404);
    assert_eq!(page.json()["error"], "not_found");
    let token = teacher.get("/").await.csrf().unwrap();
    let body = json!({"friend": gaeun, "text": "안녕하세요", "link": "https://zoom.us/j/1"});
    let page = teacher.post_json("/api/reminders", &body, Some(&token)).await;
    assert_eq!(page.status, 404);
    assert!(app.inbox(GAEUN).await.is_empty());
    let listed = teacher.get("/api/friends").await.json();
    assert!(
        !listed["friends"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["uuid"] == gaeun.as_str()),
        "not listed either"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn nicknames_from_kakao_are_escaped_everywhere() {
    let mut world = World::default_world();
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    world.user_mut(SEOYEON).unwrap().nickname = evil.to_owned();
    world.user_mut(TEACHER).unwrap().nickname = "<b>김선생</b>".to_owned();
    let app = spawn_app(world).await;
    let (browser, _) = app.logged_in(TEACHER).await;

    for path in ["/", "/send", "/invite"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("<script>alert"), "{path}: raw script");
        assert!(!page.body.contains("<img src=x"), "{path}: raw img");
        assert!(!page.body.contains("<b>김선생</b>"), "{path}: raw admin name");
        assert!(
            page.body.contains("&lt;b&gt;김선생&lt;/b&gt;"),
            "{path}: the name is shown, escaped"
        );
    }
    let send = browser.get("/send").await;
    assert!(
        send.body.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "the friend is listed, escaped"
    );
    let friends = browser.get("/api/friends").await.json();
    assert!(
        friends["friends"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["nickname"] == evil),
        "JSON keeps the text"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn every_page_sends_a_strict_csp_and_no_inline_script_or_style() {
    let app = spawn_app(World::default_world()).await;
    let (browser, _) = app.logged_in(TEACHER).await;
    for path in [
        "/",
        "/send",
        "/invite",
        "/login-nowhere",
        "/oauth/callback",
        "/static/app.css",
    ] {
        let page = browser.get(path).await;
        let csp = page
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"), "{path}");
        if page
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
        {
            for (i, _) in page.body.match_indices("<script") {
                let tag = &page.body[i..i + page.body[i..].find('>').unwrap()];
                assert!(tag.contains(" src="), "{path}: inline script {tag}");
            }
            assert!(
                !page.body.contains("<style") && !page.body.contains(" style="),
                "{path}: inline style"
            );
            assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
        }
    }
    let script = browser.get("/static/app.js").await;
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    app.shutdown().await;
}

#[tokio::test]
async fn pages_speak_the_browsers_language_and_the_switch_sticks() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    *browser.accept_language.lock().unwrap() = Some("en-US,en;q=0.9,ko;q=0.5".into());
    let landing = browser.get("/").await;
    assert!(landing.body.contains(r#"<html lang="en">"#));
    assert_eq!(landing.text("kakao-login").as_deref(), Some("Log in with Kakao"));
    let switch = landing.attr("lang-switch", "href").unwrap();
    assert_eq!(switch, "/lang/ko?next=%2F");

    let switched = browser.get(&switch).await;
    assert_eq!(switched.status, 303);
    assert_eq!(switched.location_path().as_deref(), Some("/"));
    let landing = browser.get("/").await;
    assert!(landing.body.contains(r#"<html lang="ko">"#));
    assert_eq!(landing.text("kakao-login").as_deref(), Some("카카오로 로그인"));
    // The switch never sends anyone off-site.
    let off = browser.get("/lang/en?next=https%3A%2F%2Fevil.example").await;
    assert_eq!(off.location_path().as_deref(), Some("/"));
    assert!(off.location().unwrap().starts_with(&app.url("/")));
    app.shutdown().await;
}

#[tokio::test]
async fn logging_out_ends_the_session_and_the_kakao_login() {
    let app = spawn_app(World::default_world()).await;
    let (browser, _) = app.logged_in(TEACHER).await;
    let teacher = domain::KakaoUserId::parse(&TEACHER.to_string()).unwrap();
    let dashboard = browser.get("/").await;

    // A bare link (which any site could plant) only asks, even one carrying the session's
    // CSRF token: a token never travels in a URL, and no GET logs out.
    let csrf = dashboard.csrf().unwrap();
    for link in ["/logout".to_string(), format!("/logout?csrf={csrf}")] {
        let asked = browser.get(&link).await;
        assert_eq!(asked.status, 200);
        assert!(asked.has_id("logout-confirm"));
        assert!(browser.cookie("tt_session").is_some());
    }
    assert_eq!(browser.get("/api/me").await.status, 200, "still logged in");
    assert!(
        !dashboard.body.contains(&format!("?csrf={csrf}")),
        "no link on the page carries the token"
    );
    // A POST without the token is refused; the header's form (with it) logs out.
    assert_eq!(browser.post_form("/logout", &[]).await.status, 403);
    assert_eq!(dashboard.attr("logout", "type").as_deref(), Some("submit"));
    let out = browser.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location_path().as_deref(), Some("/?logged_out=1"));
    assert!(browser.cookie("tt_session").is_none());
    assert!(
        app.store().get_tokens(teacher).await.unwrap_err().is_not_found(),
        "tokens deleted"
    );
    let profile = app.store().get_admin(teacher).await.unwrap();
    assert_eq!(profile.status, store::model::AdminStatus::NeedsLogin);
    assert_eq!(browser.get("/api/me").await.status, 401);
    let requests = app.sandbox_get("/_sandbox/requests").await;
    assert!(
        requests.to_string().contains("/v1/user/logout"),
        "Kakao's logout was called: {requests}"
    );
    app.shutdown().await;
}

/// A logout ends the admin's session everywhere, not only in the browser that logged out: a
/// copy of the cookie kept elsewhere gets 401 and the login page, never data. Logging in again
/// works.
#[tokio::test]
async fn a_logout_ends_the_session_in_every_browser() {
    let app = spawn_app(World::default_world()).await;
    let (browser, _) = app.logged_in(TEACHER).await;
    let elsewhere = app.browser();
    elsewhere.set_cookie("tt_session", &browser.cookie("tt_session").unwrap());
    assert_eq!(
        elsewhere.get("/api/me").await.status,
        200,
        "the copy works before"
    );
    assert_eq!(elsewhere.get("/api/meetings").await.status, 200);

    app.advance(Duration::minutes(1));
    let csrf = browser.get("/").await.csrf().unwrap();
    assert_eq!(browser.post_form("/logout", &[("csrf", &csrf)]).await.status, 303);

    let copy = elsewhere.cookie("tt_session").unwrap();
    for path in ["/api/me", "/api/meetings", "/api/friends"] {
        elsewhere.set_cookie("tt_session", &copy);
        let answer = elsewhere.get(path).await;
        assert_eq!(answer.status, 401, "{path}: {}", answer.body);
    }
    elsewhere.set_cookie("tt_session", &copy);
    let page = elsewhere.get("/").await;
    assert!(page.status < 500);
    assert!(!page.has_id("logout"), "the start page, not the dashboard");
    assert!(
        elsewhere.cookie("tt_session").is_none(),
        "the dead cookie is dropped"
    );

    app.advance(Duration::minutes(1));
    let (again, _) = app.logged_in(TEACHER).await;
    assert_eq!(again.get("/api/me").await.status, 200, "a new login works");
    app.shutdown().await;
}

/// When Kakao's unlink deletes the admin, a session cookie of theirs gets 401 or the start
/// page, never data and never a 5xx.
#[tokio::test]
async fn a_session_of_a_deleted_admin_reads_nothing() {
    let app = spawn_app(World::default_world()).await;
    let (browser, _) = app.logged_in(TEACHER).await;
    let teacher = domain::KakaoUserId::parse(&TEACHER.to_string()).unwrap();
    let pages = logged_in_copy(&app, &browser);
    app.store()
        .delete_admin_data(teacher, app.services().clock.now())
        .await
        .unwrap();

    for path in ["/api/me", "/api/meetings", "/api/friends"] {
        assert_eq!(browser.get(path).await.status, 401, "{path}");
    }
    for path in ["/", "/meetings", "/send"] {
        let pages = logged_in_copy(&app, &pages);
        let page = pages.get(path).await;
        assert!(page.status < 500, "{path}: {}", page.status);
        assert!(!page.body.contains("이서연"), "{path} shows no friend");
    }
    app.shutdown().await;
}

fn logged_in_copy(app: &TestApp, browser: &Browser) -> Browser {
    let copy = app.browser();
    if let Some(cookie) = browser.cookie("tt_session") {
        copy.set_cookie("tt_session", &cookie);
    }
    copy
}

/// Every answer pins HTTPS for a year (HSTS), pages, the API and static files alike.
#[tokio::test]
async fn every_answer_pins_https() {
    let app = spawn_app(World::default_world()).await;
    let (browser, _) = app.logged_in(TEACHER).await;
    for path in ["/", "/api/me", "/meetings", "/static/app.css", "/no-such-page"] {
        let page = browser.get(path).await;
        assert_eq!(
            page.header("strict-transport-security"),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    app.shutdown().await;
}

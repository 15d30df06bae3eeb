//! Admin login against the Kakao sandbox: the happy path, every consent path, and every way a
//! callback can be refused.

use chrono::Duration;
use kakao_sandbox::World;
use serde_json::json;
use ttokttok_tests::{Consent, spawn_app};

/// 김선생 in the shipped world: linked, agreed to everything, 13 friends in every state.
const TEACHER: i64 = 4812345001;
/// 장예린: a friend of 김선생 who never logged in to the app.
const NEWCOMER: i64 = 4812345018;

#[tokio::test]
async fn an_admin_who_agreed_to_everything_lands_on_the_dashboard_with_friends_synced() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();

    let landed = browser.log_in(TEACHER, Consent::AgreeAll).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    assert_eq!(landed.location_path().as_deref(), Some("/"));
    let session = browser.cookie("tt_session").expect("a session cookie");
    assert!(!session.is_empty());
    assert!(
        browser.cookie("tt_login").is_none(),
        "the pending-login cookie is spent"
    );
    let line = landed
        .set_cookies()
        .into_iter()
        .find(|l| l.starts_with("tt_session="))
        .unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(line.contains(attribute), "{line}");
    }
    assert!(!line.contains("Secure"), "plain http locally: {line}");

    app.syncs_done().await;
    let dashboard = browser.get("/").await;
    assert_eq!(dashboard.status, 200);
    assert_eq!(dashboard.text("admin-name").as_deref(), Some("김선생"));
    assert_eq!(
        dashboard.attr("token-health", "data-state").as_deref(),
        Some("healthy")
    );
    assert_eq!(dashboard.text("quota-limit").as_deref(), Some("100"));
    // Kakao lists the friends who linked the app and agreed to `friends`: 10 of the 13.
    assert_eq!(dashboard.text("friend-count").as_deref(), Some("10"));
    assert!(!dashboard.has_id("banner-consent") && !dashboard.has_id("banner-relogin"));
    app.shutdown().await;
}

#[tokio::test]
async fn a_login_goes_back_to_the_page_that_asked_for_it() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    let asked = browser.get("/invite").await;
    assert_eq!(asked.status, 303);
    assert_eq!(asked.location_path().as_deref(), Some("/?next=%2Finvite"));
    let start = browser.get("/login?next=%2Finvite").await;
    let back = browser.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    let landed = browser.get(&back.location().unwrap()).await;
    assert_eq!(landed.location_path().as_deref(), Some("/invite"));
    // Never another site.
    let start = browser.get("/login?next=https%3A%2F%2Fevil.example").await;
    let back = browser.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    let landed = browser.get(&back.location().unwrap()).await;
    assert_eq!(landed.location_path().as_deref(), Some("/"));
    app.shutdown().await;
}

#[tokio::test]
async fn each_declined_consent_item_is_named_and_the_admin_is_not_logged_in() {
    let app = spawn_app(World::default_world()).await;
    for (declined, agreed) in [
        (vec!["friends"], vec!["talk_message"]),
        (vec!["talk_message"], vec!["friends"]),
        (vec!["friends", "talk_message"], vec![]),
    ] {
        // A fresh person each time: unlink at Kakao so the consent screen shows every item.
        let (status, _) = app
            .sandbox_post("/_sandbox/unlink", json!({"user_id": NEWCOMER}))
            .await;
        assert!(status == 200 || status == 409 || status == 502, "{status}");
        let browser = app.browser();
        let page = browser.log_in(NEWCOMER, Consent::Agree(&agreed)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.has_id("one-more-step"), "{}", page.body);
        for item in ["friends", "talk_message"] {
            assert_eq!(
                page.has_id(&format!("missing-{item}")),
                declined.contains(&item),
                "declined {declined:?}: {item}"
            );
        }
        assert!(browser.cookie("tt_session").is_none(), "not logged in");
        let grant = page.attr("grant-missing", "href").expect("a button to Kakao");
        let grant = url::Url::parse(&grant).unwrap();
        let scope = grant
            .query_pairs()
            .find(|(k, _)| k == "scope")
            .map(|(_, v)| v.into_owned());
        assert_eq!(
            scope.as_deref(),
            Some(declined.join(",").as_str()),
            "asks for exactly the missing items"
        );
        assert_eq!(browser.get("/api/me").await.status, 401);
    }
    app.shutdown().await;
}

#[tokio::test]
async fn additional_consent_completes_the_login() {
    let app = spawn_app(World::default_world()).await;
    app.sandbox_post("/_sandbox/unlink", json!({"user_id": NEWCOMER}))
        .await;
    let browser = app.browser();
    let page = browser.log_in(NEWCOMER, Consent::Agree(&["friends"])).await;
    assert!(page.has_id("missing-talk_message"));
    let grant = page.attr("grant-missing", "href").unwrap();

    let back = browser
        .kakao_from(&grant, NEWCOMER, Consent::Agree(&["talk_message"]))
        .await;
    let landed = browser.get(&back.location().unwrap()).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    assert_eq!(landed.location_path().as_deref(), Some("/"));
    assert!(browser.cookie("tt_session").is_some());
    let me = browser.get("/api/me").await;
    assert_eq!(me.status, 200);
    let me = me.json();
    assert_eq!(me["status"], "active");
    assert_eq!(me["missing_scopes"], json!([]));
    app.shutdown().await;
}

#[tokio::test]
async fn a_cancelled_login_says_so_and_offers_to_try_again() {
    let app = spawn_app(World::default_world()).await;
    app.sandbox_post("/_sandbox/unlink", json!({"user_id": NEWCOMER}))
        .await;
    let browser = app.browser();
    let page = browser.log_in(NEWCOMER, Consent::Cancel).await;
    assert_eq!(page.status, 200);
    assert!(page.has_id("login-cancelled"), "{}", page.body);
    assert_eq!(page.attr("try-again", "href").as_deref(), Some("/login"));
    assert!(browser.cookie("tt_session").is_none());
    app.shutdown().await;
}

#[tokio::test]
async fn a_tampered_missing_or_foreign_state_is_refused() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    let start = browser.get("/login").await;
    let back = browser.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    let callback = url::Url::parse(&back.location().unwrap()).unwrap();
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let state = callback
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();

    let mut tampered = state.clone().into_bytes();
    tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let page = browser
        .get(&format!("/oauth/callback?code={code}&state={tampered}"))
        .await;
    assert_eq!(page.status, 400);
    assert_eq!(page.problem().as_deref(), Some("state-foreign"));

    let page = browser.get(&format!("/oauth/callback?code={code}")).await;
    assert_eq!(page.status, 400);
    assert_eq!(page.problem().as_deref(), Some("state-invalid"));

    let page = browser
        .get(&format!("/oauth/callback?code={code}&state=%3Cscript%3E"))
        .await;
    assert_eq!(page.status, 400);
    assert!(!page.body.contains("<script>"));

    // The right state from another browser (someone luring a victim to their callback URL).
    let victim = app.browser();
    let page = victim
        .get(&format!("/oauth/callback?code={code}&state={state}"))
        .await;
    assert_eq!(page.status, 400);
    assert_eq!(page.problem().as_deref(), Some("state-foreign"));
    assert!(victim.cookie("tt_session").is_none());
    app.shutdown().await;
}

#[tokio::test]
async fn a_state_is_used_once() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    let start = browser.get("/login").await;
    let login_cookie = browser.cookie("tt_login").unwrap();
    let back = browser.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    let callback = back.location().unwrap();
    assert_eq!(browser.get(&callback).await.status, 303);

    // The same callback again, pending-login cookie and all.
    browser.set_cookie("tt_login", &login_cookie);
    let again = browser.get(&callback).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.problem().as_deref(), Some("state-invalid"));
    assert_eq!(again.attr("problem-action", "href").as_deref(), Some("/login"));
    app.shutdown().await;
}

#[tokio::test]
async fn a_state_expires_after_ten_minutes() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    let start = browser.get("/login").await;
    let back = browser.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    app.advance(Duration::seconds(10 * 60 + 30));
    let page = browser.get(&back.location().unwrap()).await;
    assert_eq!(page.status, 400);
    assert_eq!(page.problem().as_deref(), Some("state-expired"));
    app.shutdown().await;
}

#[tokio::test]
async fn a_spent_code_is_refused_with_a_friendly_page() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    let start = browser.get("/login").await;
    let back = browser.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    let first = url::Url::parse(&back.location().unwrap()).unwrap();
    let code = first
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(browser.get(first.as_str()).await.status, 303);

    // A new login whose callback brings the old code (a double callback): Kakao says KOE320.
    let start = browser.get("/login").await;
    let authorize = url::Url::parse(&start.location().unwrap()).unwrap();
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let page = browser
        .get(&format!("/oauth/callback?code={code}&state={state}"))
        .await;
    assert_eq!(page.status, 400);
    assert_eq!(page.problem().as_deref(), Some("code-used"));
    assert!(!page.body.contains("KOE320"), "details stay in the logs");
    assert!(
        !page.body.contains(&code),
        "spent values do not travel on in links"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn kakao_failures_end_in_a_friendly_page_without_details() {
    let app = spawn_app(World::default_world()).await;
    for fault in [
        json!({"path": "/oauth/token", "status": 503}),
        json!({"path": "/oauth/token", "drop_connection": true}),
        json!({"path": "/v2/user/scopes", "kakao_code": -1}),
    ] {
        app.sandbox_post("/_sandbox/faults", json!({"clear": true})).await;
        let (status, _) = app.sandbox_post("/_sandbox/faults", fault.clone()).await;
        assert_eq!(status, 200, "{fault}");
        let browser = app.browser();
        let page = browser.log_in(TEACHER, Consent::AgreeAll).await;
        assert_eq!(page.status, 502, "{fault}: {}", page.body);
        assert_eq!(page.problem().as_deref(), Some("kakao-unavailable"), "{fault}");
        assert!(
            !page.body.contains("503") && !page.body.contains("-1)"),
            "{fault}"
        );
        assert!(browser.cookie("tt_session").is_none());
    }
    app.sandbox_post("/_sandbox/faults", json!({"clear": true})).await;
    app.shutdown().await;
}

#[tokio::test]
async fn kakao_errors_on_the_redirect_are_friendly_too() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    let start = browser.get("/login").await;
    let authorize = url::Url::parse(&start.location().unwrap()).unwrap();
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let page = browser
        .get(&format!(
            "/oauth/callback?error=server_error&error_description=KOE003%20boom&state={state}"
        ))
        .await;
    assert_eq!(page.status, 502);
    assert_eq!(page.problem().as_deref(), Some("kakao-unavailable"));
    assert!(!page.body.contains("KOE003") && !page.body.contains("boom"));
    app.shutdown().await;
}

/// PKCE (S256): every authorization request carries a challenge whose verifier only the
/// browser that started the login holds, so a code taken to another browser (which started a
/// login of its own) cannot be traded there: the login fails, nobody is logged in.
#[tokio::test]
async fn a_code_completed_in_another_browser_logs_nobody_in() {
    let app = spawn_app(World::default_world()).await;
    let victim = app.browser();
    let start = victim.get("/login").await;
    let authorize = url::Url::parse(&start.location().unwrap()).unwrap();
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(
        query.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    assert_eq!(query.get("code_challenge").map(String::len), Some(43));
    let back = victim.through_kakao(&start, TEACHER, Consent::AgreeAll).await;
    let stolen = url::Url::parse(&back.location().unwrap()).unwrap();
    let code = stolen
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();

    let thief = app.browser();
    let own = thief.get("/login").await;
    let own_state = url::Url::parse(&own.location().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let page = thief
        .get(&format!("/oauth/callback?code={code}&state={own_state}"))
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(thief.cookie("tt_session").is_none(), "the thief is not logged in");

    // The browser that started the login completes it.
    assert_eq!(victim.get(stolen.as_str()).await.status, 303);
    assert!(victim.cookie("tt_session").is_some());
    app.shutdown().await;
}

/// Kakao may bring a cancelled login back with `error=access_denied` and no `state`: the
/// cancelled page, with a way to try again, not a state error.
#[tokio::test]
async fn a_cancel_that_comes_back_without_its_state_is_still_a_cancel() {
    let app = spawn_app(World::default_world()).await;
    let browser = app.browser();
    let page = browser
        .get("/oauth/callback?error=access_denied&error_description=User%20denied%20access")
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.has_id("login-cancelled"), "{}", page.body);
    assert_eq!(page.attr("try-again", "href").as_deref(), Some("/login"));
    assert!(browser.cookie("tt_session").is_none());
    app.shutdown().await;
}

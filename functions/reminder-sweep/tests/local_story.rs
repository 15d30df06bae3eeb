//! The sweep with the whole product around it, through `infra/local`: the admin logs in with
//! Kakao in a browser, creates a meeting with the meetings API, people join (Zoom, and the
//! reminder's tracked link `/j/{token}` served by the attendance routes), the sweep reminds who
//! is missing; then the admin's pages: approving a confirm-first round from the memo's link,
//! the delivery log per meeting and per friend, the unknown-deliveries panel and the banner when
//! reminders are paused. Another admin sees none of it (404).

use app::config::PublicUrl;
use app::sweep::{SweepSettings, Sweeper};
use chrono::{Duration, DurationRound, FixedOffset};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use kakao_sandbox::World;
use serde_json::{Value, json};
use store::model::LinkButton;
use store::model::{AdminStatus, JoinSource};
use ttokttok_tests::{Browser, Consent, TestApp};

const ADMIN: i64 = 1000;
const SITE: &str = "https://ttokttok.test";

async fn logged_in(app: &TestApp, user: i64) -> (Browser, String) {
    let browser = app.browser();
    let landed = browser.log_in(user, Consent::AgreeAll).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    app.syncs_done().await;
    let csrf = browser.get("/meetings/new").await.csrf().expect("a CSRF token");
    (browser, csrf)
}

fn sweeper(app: &TestApp) -> Sweeper {
    Sweeper::new(
        app.services().clone(),
        SweepSettings::for_public_url(PublicUrl::parse(SITE).unwrap()),
    )
}

fn seoul_now(app: &TestApp) -> String {
    let at = app
        .services()
        .clock
        .now()
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    at.with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn create_meeting(
    app: &TestApp,
    browser: &Browser,
    csrf: &str,
    invitees: &[i64],
    mode: &str,
) -> MeetingId {
    let invitees: Vec<String> = invitees.iter().map(|u| app.uuid_of(*u)).collect();
    let body = json!({
        "title": "수학 수업",
        "start": seoul_now(app),
        "duration_minutes": 60,
        "join_url": "https://zoom.us/j/85012345678",
        "invitees": invitees,
        "reminder_offsets": [5, 15],
        "quiet_hours": {"from": "", "until": ""},
        "send_mode": mode,
    });
    let created = browser.post_json("/api/meetings", &body, Some(csrf)).await;
    assert!(created.status == 200 || created.status == 201, "{}", created.body);
    let id = created.json()["id"]
        .as_str()
        .map(str::to_owned)
        .expect("the meeting's id");
    MeetingId::parse(&id).unwrap()
}

fn reminders(inbox: &[Value]) -> usize {
    inbox.iter().filter(|m| m["kind"] == "friend").count()
}

fn uuid(app: &TestApp, user: i64) -> FriendUuid {
    FriendUuid::parse(&app.uuid_of(user)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_whole_story_on_infra_local() {
    let app = TestApp::spawn(World::with_friends(5)).await;
    let (browser, csrf) = logged_in(&app, ADMIN).await;
    let meeting = create_meeting(
        &app,
        &browser,
        &csrf,
        &[1001, 1002, 1003, 1004, 1005],
        "automatic",
    )
    .await;
    let admin = KakaoUserId::new(ADMIN).unwrap();
    let store = app.store();

    // 3 of 5 join: two on Zoom (what the webhook records), one through their tracked link.
    app.advance(Duration::minutes(2));
    for user in [1001, 1002] {
        store
            .record_join(
                admin,
                meeting,
                &uuid(&app, user),
                app.services().clock.now(),
                JoinSource::Zoom,
            )
            .await
            .unwrap();
    }
    let token = store
        .ensure_link_token(
            admin,
            meeting,
            &uuid(&app, 1003),
            app.services().clock.now() + Duration::days(1),
            app.services().clock.now(),
        )
        .await
        .unwrap();
    let opened = app
        .browser()
        .get(&format!("/j/{}", token.path_part(LinkButton::Join)))
        .await;
    assert_eq!(opened.status, 302, "{}", opened.body);

    app.advance(Duration::minutes(3));
    let sweep = sweeper(&app);
    let first = sweep.run_once().await.unwrap();
    assert_eq!(first.sent, 2, "{first:?}");
    for (user, expected) in [(1001, 0), (1002, 0), (1003, 0), (1004, 1), (1005, 1)] {
        assert_eq!(reminders(&app.inbox(user).await), expected, "user {user}");
    }

    // 1004 taps the join button in the reminder: /j/{token} on ttokttok, then the meeting.
    let inbox = app.inbox(1004).await;
    let message = inbox.iter().find(|m| m["kind"] == "friend").unwrap();
    let join = message["template_object"]["buttons"][0]["link"]["web_url"]
        .as_str()
        .unwrap();
    let path = join.strip_prefix(SITE).expect("a tracked link on the site");
    let tapped = app.browser().get(path).await;
    assert_eq!(tapped.status, 302);
    assert_eq!(
        tapped.location().as_deref(),
        Some("https://zoom.us/j/85012345678")
    );

    app.advance(Duration::minutes(10));
    let second = sweep.run_once().await.unwrap();
    assert_eq!(second.sent, 1, "{second:?}");
    assert_eq!(reminders(&app.inbox(1004).await), 1);
    assert_eq!(reminders(&app.inbox(1005).await), 2);

    // The admin's delivery log: every attempt, with round and outcome.
    let log = browser.get(&format!("/api/meetings/{meeting}/deliveries")).await;
    assert_eq!(log.status, 200);
    let entries = log.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|e| e["state"] == "sent" && e["outcome"] == "보냄")
    );
    let page = browser.get(&format!("/meetings/{meeting}/deliveries")).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.attr(&format!("delivery-{}-2", app.uuid_of(1005)), "data-state")
            .as_deref(),
        Some("sent")
    );
    let friend = browser
        .get(&format!("/friends/{}/deliveries", app.uuid_of(1005)))
        .await;
    assert_eq!(friend.status, 200);
    assert!(friend.has_id(&format!("delivery-{}-1", app.uuid_of(1005))));

    // Another admin (1001 logs in as one) sees none of it.
    let (other, _) = logged_in(&app, 1001).await;
    for path in [
        format!("/meetings/{meeting}/deliveries"),
        format!("/api/meetings/{meeting}/deliveries"),
        format!("/meetings/{meeting}/rounds/1/send"),
        format!("/api/meetings/{meeting}/rounds/1"),
    ] {
        assert_eq!(other.get(&path).await.status, 404, "{path}");
    }
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_admin_approves_a_round_from_the_memo_link_and_sees_what_is_unknown() {
    let app = TestApp::spawn(World::with_friends(3)).await;
    let (browser, csrf) = logged_in(&app, ADMIN).await;
    let meeting = create_meeting(&app, &browser, &csrf, &[1001, 1002, 1003], "confirm_first").await;
    app.advance(Duration::minutes(5));
    let sweep = sweeper(&app);
    let report = sweep.run_once().await.unwrap();
    assert_eq!((report.prepared, report.sent, report.memos), (3, 0, 1));
    let memo = app
        .inbox(ADMIN)
        .await
        .into_iter()
        .find(|m| m["kind"] == "memo")
        .expect("a memo");
    let link = memo["template_object"]["buttons"][0]["link"]["web_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = link.strip_prefix(SITE).unwrap().to_owned();
    assert_eq!(path, format!("/meetings/{meeting}/rounds/1/send"));

    // The page behind the link, then one tap.
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.has_id("send-prepared") && page.has_id("prepared"));
    let token = page.csrf().unwrap();
    let without = browser.post_form(&path, &[]).await;
    assert_eq!(without.status, 403, "the approval needs the CSRF token");
    // Kakao loses its answer for one of them (delivered, answer lost).
    let (status, _) = app
        .sandbox_post(
            "/_sandbox/faults",
            json!({"path": "/v1/api/talk/friends/message/default/send", "drop_connection": true, "after_processing": true, "times": 1}),
        )
        .await;
    assert_eq!(status, 200);
    let sent = browser.post_form(&path, &[("csrf", token.as_str())]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.has_id("approval"));
    for user in [1001, 1002, 1003] {
        assert_eq!(reminders(&app.inbox(user).await), 1, "user {user}: exactly once");
    }
    let again = browser.post_form(&path, &[("csrf", token.as_str())]).await;
    assert!(again.has_id("nothing-to-send"), "{}", again.body);

    // The unknown panel shows the one whose answer was lost, and it is never resent.
    let unknown = browser.get("/deliveries/unknown").await;
    assert_eq!(unknown.attr("unknown-count", "data-count").as_deref(), Some("1"));
    let json = browser.get("/api/deliveries/unknown").await.json();
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    assert_eq!(json[0]["state"], "unknown");
    assert!(
        json[0]["detail"]
            .as_str()
            .unwrap()
            .contains("다시 보내지 않습니다")
    );

    // The admin asks for round summaries on the settings page.
    let settings = browser.get("/settings/reminders").await;
    assert_eq!(settings.status, 200);
    let token = settings.csrf().unwrap();
    let saved = browser
        .post_form(
            "/settings/reminders",
            &[("csrf", token.as_str()), ("round_summary", "on")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let choice = browser.get("/api/settings/reminders").await.json();
    assert_eq!(
        (choice["round_summary"].clone(), choice["effective"].clone()),
        (json!(true), json!(true))
    );
    let prefs = app
        .store()
        .get_preferences(KakaoUserId::new(ADMIN).unwrap())
        .await
        .unwrap();
    assert_eq!(prefs.round_summary, Some(true));

    // Reminders paused: the banner says so on the admin's pages and in the API.
    app.store()
        .set_admin_status(
            KakaoUserId::new(ADMIN).unwrap(),
            AdminStatus::NeedsLogin,
            app.services().clock.now(),
        )
        .await
        .unwrap();
    let paused = browser.get(&format!("/meetings/{meeting}/deliveries")).await;
    assert!(paused.has_id("reminders-paused"), "{}", paused.body);
    assert_eq!(paused.attr("fix-reminders", "href").as_deref(), Some("/login"));
    let banner = browser.get("/api/reminders/banner").await.json();
    assert_eq!(banner["paused"], "needs_login");
    assert_eq!(banner["meetings_affected"], 1);
    app.shutdown().await;
}

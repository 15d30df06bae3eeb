//! The whole story in headless Chromium (Debian's `chromium` + `chromium-driver`), on
//! `infra/local` with the Kakao sandbox: log in, decline talk_message, see "one more step",
//! grant it, pick a friend who never joined (a dialog explains), pick one who did, send, and find
//! the message in that friend's sandbox inbox.
//!
//! On the way it saves the screens Kakao's permission review asks for into `docs/review/`:
//! the Kakao login, the flow when `friends` is declined, the flow when `talk_message` is
//! declined, and a message as received (plus the dialog and the composer, for context).
//!
//! Without Chromium, or without a font that covers Korean (the kit would show empty boxes), the
//! test skips with a notice, except under `CI=true`, where it fails (`infra/test.sh` installs
//! Chromium and `fonts-noto-cjk` first).

use std::path::{Path, PathBuf};

use kakao_sandbox::World;
use serde_json::json;
use ttokttok_tests::spawn_app;
use ttokttok_tests::webdriver::{Chromium, find_binaries, korean_font_installed};

const TEACHER: i64 = 4812345001;
/// 이서연: joined and agreed to everything.
const SEOYEON: i64 = 4812345011;
/// 조수아: listed as a friend, never agreed to messages from the app.
const SUA: i64 = 4812345016;
/// 임현우: a Kakao user who never logged in to the app.
const HYEONWOO: i64 = 4812345019;
const MESSAGE: &str = "수업이 시작되었어요. 아래 버튼을 눌러 바로 참여해 주세요!";
const LINK: &str = "https://zoom.us/j/81234567890";

fn review_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/review")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_story_in_a_real_browser() {
    let Some((browser_bin, driver_bin)) = find_binaries() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "Chromium and chromedriver are required under CI=true (infra/lib/chromium.sh installs them)"
            );
        }
        eprintln!(
            "NOTICE: skipping the browser test: chromium/chromedriver not found (run infra/lib/chromium.sh)"
        );
        return;
    };
    if !korean_font_installed() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "a font covering Korean is required under CI=true (infra/lib/chromium.sh installs fonts-noto-cjk)"
            );
        }
        eprintln!(
            "NOTICE: skipping the browser test: no font covers Korean, so docs/review/ would show empty boxes (run infra/lib/chromium.sh)"
        );
        return;
    }
    // A fixed, frozen moment (Monday 14:00 in Seoul) for Kakao and ttokttok alike, so the kit's
    // screenshots come out the same on every run.
    let mut world = World::default_world();
    world.clock.start = chrono::DateTime::parse_from_rfc3339("2026-03-02T05:00:00Z")
        .ok()
        .map(|t| t.to_utc());
    world.clock.frozen = true;
    let app = spawn_app(world).await;
    // The operator registers the meeting host's domain with Kakao, so the message's button opens.
    app.running
        .sandbox()
        .unwrap()
        .update_app(|kakao| kakao.web_domains.push("https://zoom.us".into()));
    let chrome = Chromium::launch(&browser_bin, &driver_bin).await;
    let shots = review_dir();

    // --- The review kit's "friends declined": someone new logs in without the friends list.
    chrome.goto(&app.url("/")).await;
    chrome.click("#kakao-login").await;
    chrome.click(&format!("#pick-{HYEONWOO}")).await;
    chrome.click("#consent-talk_message").await;
    chrome.click("#agree").await;
    chrome.find("#one-more-step").await;
    assert!(
        !chrome.all("#missing-friends").await.is_empty(),
        "names the friends list"
    );
    assert!(chrome.all("#missing-talk_message").await.is_empty());
    chrome
        .save_screenshot(&shots.join("02-friends-declined.png"))
        .await;

    // --- The story. 김선생 starts over (unlinked at Kakao), so Kakao asks for every item.
    let (status, _) = app
        .sandbox_post("/_sandbox/unlink", json!({"user_id": TEACHER}))
        .await;
    assert_eq!(status, 200);
    chrome.goto(&app.url("/")).await;
    chrome.click("#kakao-login").await;
    chrome.click(&format!("#pick-{TEACHER}")).await;
    chrome.find("#consent").await;
    chrome.save_screenshot(&shots.join("01-kakao-login.png")).await;
    // Agree to the friends list, decline talk_message.
    chrome.click("#consent-friends").await;
    chrome.click("#agree").await;
    chrome.find("#one-more-step").await;
    assert!(
        !chrome.all("#missing-talk_message").await.is_empty(),
        "names talk_message"
    );
    assert!(chrome.all("#missing-friends").await.is_empty());
    assert!(chrome.all("#dashboard").await.is_empty(), "not logged in");
    chrome
        .save_screenshot(&shots.join("03-talk-message-declined.png"))
        .await;

    // Grant it: Kakao asks for exactly that item, and the login completes.
    chrome.click("#grant-missing").await;
    chrome.click(&format!("#pick-{TEACHER}")).await;
    assert!(
        chrome.all("#consent-friends").await.is_empty(),
        "only the missing item is asked"
    );
    chrome.click("#consent-talk_message").await;
    chrome.click("#agree").await;
    chrome.find("#dashboard").await;
    assert_eq!(chrome.text("#admin-name").await, "김선생");
    app.syncs_done().await;
    chrome.goto(&app.url("/")).await;
    assert_eq!(chrome.text("#friend-count").await, "10");
    chrome.save_screenshot(&shots.join("07-dashboard.png")).await;

    // A friend who never joined: the dialog says why and offers the invite link.
    chrome.goto(&app.url("/send")).await;
    let sua = app.uuid_of(SUA);
    chrome.click("#friend-picker-button").await;
    chrome.type_into("#friend-search", "조수").await;
    chrome.click(&format!("#friend-option-{sua}")).await;
    chrome.type_into("#message-text", MESSAGE).await;
    assert_eq!(
        chrome.text("#preview-text").await,
        MESSAGE,
        "the preview follows the text"
    );
    assert_eq!(
        chrome.text("#char-count").await,
        MESSAGE.chars().count().to_string()
    );
    chrome.type_into("#link", LINK).await;
    chrome
        .save_screenshot(&shots.join("05-compose-and-preview.png"))
        .await;
    chrome.click("#send-button").await;
    chrome.find("#problem-dialog").await;
    assert_eq!(
        chrome
            .attribute("#problem-dialog", "data-problem")
            .await
            .as_deref(),
        Some("not_agreed")
    );
    let invite = chrome
        .attribute("#invite-link", "value")
        .await
        .unwrap_or_default();
    assert!(invite.starts_with(&app.url("/join/")), "{invite}");
    // The real link carries this run's ephemeral port and a fresh code; the review kit shows a
    // stable example instead, so the committed picture only changes when the page does.
    chrome
        .run_script(
            "document.getElementById('invite-link').value = 'https://ttokttok.example.com/join/g8S7mtG2VJfiaGK68H2';",
        )
        .await;
    chrome
        .save_screenshot(&shots.join("06-friend-not-agreed-dialog.png"))
        .await;
    chrome.click("#choose-another").await;

    // A friend who did: sent, confirmed, logged.
    let seoyeon = app.uuid_of(SEOYEON);
    chrome.click("#friend-picker-button").await;
    chrome.type_into("#friend-search", "이서연").await;
    chrome.click(&format!("#friend-option-{seoyeon}")).await;
    assert_eq!(chrome.text("#preview-text").await, MESSAGE, "the text was kept");
    chrome.click("#send-button").await;
    chrome.find("#sent-banner").await;
    assert!(chrome.text("#sent-banner").await.contains("이서연"));
    let logged = chrome
        .all(&format!(".log-entry[data-friend='{seoyeon}'][data-state='sent']"))
        .await;
    assert_eq!(logged.len(), 1, "a delivery-log entry");

    // The message is in 이서연's KakaoTalk.
    let inbox = app.inbox(SEOYEON).await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["sender_id"], TEACHER);
    assert!(app.inbox(SUA).await.is_empty());
    chrome.goto(&app.sandbox_url(&format!("/inbox/{SEOYEON}"))).await;
    chrome.find("#message-1").await;
    assert!(chrome.text("#message-1").await.contains(MESSAGE));
    chrome
        .save_screenshot(&shots.join("04-message-received.png"))
        .await;

    // --- Recurring classes: a class, a weekly series from it, a holiday skipped, and the first
    // class's reminder in the inbox.
    chrome.goto(&app.url("/classes")).await;
    chrome
        .type_into("#new-class input[name='name']", "2학년 수학반")
        .await;
    chrome
        .click(&format!("#new-class input[value='{seoyeon}']"))
        .await;
    chrome.click("#new-class button[type='submit']").await;
    chrome.find(".class-card").await;
    let class_id = chrome
        .attribute(".class-card", "data-class")
        .await
        .unwrap_or_default();
    chrome.goto(&app.url("/series/new")).await;
    chrome.type_into("#series-form input[name='title']", "수학").await;
    // Monday 2 March 2026 now: the class is Tuesdays and Thursdays at 19:00 from tomorrow.
    chrome
        .run_script(
            "document.querySelector(\"#series-form input[name='start']\").value = '2026-03-03T19:00';",
        )
        .await;
    chrome
        .type_into(
            "#series-form input[name='join_url']",
            "https://zoom.us/j/85012345678",
        )
        .await;
    chrome
        .click("#series-form input[name='weekdays'][value='tue']")
        .await;
    chrome
        .click("#series-form input[name='weekdays'][value='thu']")
        .await;
    chrome
        .click(&format!("#series-form input[name='classes'][value='{class_id}']"))
        .await;
    chrome.save_screenshot(&shots.join("08-new-series.png")).await;
    chrome.click("#series-form button[type='submit']").await;
    chrome.find("#week-page").await;
    assert_eq!(
        chrome.all(".week-entry").await.len(),
        2,
        "Tuesday and Thursday this week (hand-sent reminders are not meetings)"
    );
    chrome
        .click(".week-day[data-date='2026-03-05'] .skip-occurrence")
        .await;
    chrome
        .find(".week-day[data-date='2026-03-05'] .unskip-occurrence")
        .await;
    chrome
        .save_screenshot(&shots.join("09-week-with-a-skipped-class.png"))
        .await;

    // Tuesday 19:06: the sweep nudges 이서연, who has not joined.
    app.advance(chrono::Duration::minutes(29 * 60 + 6));
    app.sweep().await;
    let inbox = app.inbox(SEOYEON).await;
    assert_eq!(
        inbox.len(),
        2,
        "the reminder joins the earlier message: {inbox:?}"
    );
    assert!(inbox[1].to_string().contains("수학"), "{inbox:?}");

    chrome.quit().await;
    app.shutdown().await;
}

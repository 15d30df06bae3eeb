//! Recurring classes end to end, through `infra/local`: a teacher makes a class, sets up a
//! weekly series from it, skips a holiday, changes the class, splits the series, and the
//! reminders of one occurrence reach the sandbox inbox; quota foresight warns before a plan that
//! cannot fit; another admin sees none of it.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::QuotaLimits;
use kakao_sandbox::World;
use serde_json::{Value, json};
use ttokttok_tests::{Browser, TestApp, spawn_app};

const TEACHER: i64 = 4812345001;
const PRINCIPAL: i64 = 4812345101;
const SEOYEON: i64 = 4812345011;
const MINJUN: i64 = 4812345012;
const JOIN: &str = "https://zoom.us/j/85012345678?pwd=abc";
const SEOUL: chrono_tz::Tz = chrono_tz::Asia::Seoul;

fn now(app: &TestApp) -> DateTime<Utc> {
    app.services().clock.now()
}

/// Tomorrow in Seoul.
fn tomorrow(app: &TestApp) -> NaiveDate {
    now(app).with_timezone(&SEOUL).date_naive() + Duration::days(1)
}

fn seoul(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    SEOUL
        .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap()))
        .unwrap()
        .with_timezone(&Utc)
}

fn weekday(date: NaiveDate) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][date.weekday().num_days_from_monday() as usize]
}

/// A twice-weekly series at 19:00 from tomorrow, six times, inviting `classes`.
fn series_json(app: &TestApp, classes: &[&str]) -> Value {
    let first = tomorrow(app);
    json!({
        "meeting": {
            "title": "수학",
            "start": format!("{}T19:00", first.format("%Y-%m-%d")),
            "duration_minutes": 60,
            "join_url": JOIN,
            "quiet_hours": {"from": "", "until": ""},
        },
        "classes": classes,
        "repeat": {"kind": "weekly", "weekdays": [weekday(first), weekday(first + Duration::days(2))], "ends": "after", "count": 6},
    })
}

/// An `.ics` file as `prodid` exports it, of these events, each given as its property lines.
fn ics(prodid: &str, events: &[Vec<String>]) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".into(),
        format!("PRODID:{prodid}"),
    ];
    for event in events {
        lines.push("BEGIN:VEVENT".into());
        lines.extend(event.iter().cloned());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// A date as iCalendar writes it (`20270105`).
fn ics_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// A date's weekday as RRULE's BYDAY writes it (`TU`).
fn byday(date: NaiveDate) -> String {
    weekday(date)[..2].to_uppercase()
}

async fn upcoming(browser: &Browser) -> Vec<Value> {
    let listing = browser.get("/api/meetings").await.json();
    listing["upcoming"].as_array().unwrap().clone()
}

async fn invitees(browser: &Browser, meeting: &str) -> Vec<String> {
    let got = browser.get(&format!("/api/meetings/{meeting}")).await.json();
    got["invitees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["friend"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_weekly_class_is_set_up_once_and_its_reminders_reach_the_students() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let (seoyeon, minjun) = (app.uuid_of(SEOYEON), app.uuid_of(MINJUN));

    // A class from the page's form.
    let made = browser
        .post_form(
            "/classes",
            &[
                ("csrf", &csrf),
                ("name", "2학년 수학반"),
                ("members", &seoyeon),
                ("members", &minjun),
            ],
        )
        .await;
    assert_eq!(
        (made.status, made.location_path().as_deref()),
        (303, Some("/classes"))
    );
    let page = browser.get("/classes").await;
    assert!(page.body.contains("2학년 수학반"), "{}", page.body);
    let classes = browser.get("/api/classes").await.json();
    let class = classes["classes"][0].clone();
    assert_eq!(class["members"].as_array().unwrap().len(), 2);
    let class_id = class["id"].as_str().unwrap().to_owned();

    // A weekly series from it: the occurrences of the next two weeks exist as meetings.
    let created = browser
        .post_json("/api/series", &series_json(&app, &[&class_id]), Some(&csrf))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let series = created.json();
    let series_id = series["id"].as_str().unwrap().to_owned();
    assert_eq!(series["foresight"]["fits"], json!(true));
    assert_eq!(series["meetings_created"], json!(4), "{series}");
    let meetings = upcoming(&browser).await;
    assert_eq!(meetings.len(), 4);
    let first = meetings[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(meetings[0]["starts_at"], json!(seoul(tomorrow(&app), 19)));
    assert_eq!(
        invitees(&browser, &first).await.len(),
        2,
        "both of the class are invited"
    );

    // A holiday: the second class is skipped from the week page, and stays skipped.
    let second = series["next"][1].clone();
    let original = second["original"].as_str().unwrap().to_owned();
    let monday = tomorrow(&app) - Duration::days(i64::from(tomorrow(&app).weekday().num_days_from_monday()));
    let week = browser
        .get(&format!("/week?from={}", monday.format("%Y-%m-%d")))
        .await;
    assert_eq!(week.status, 200);
    assert!(week.body.contains("skip-occurrence"), "the week offers to skip");
    let skipped = browser
        .post_form(
            &format!("/series/{series_id}/occurrences/{original}"),
            &[("csrf", &csrf), ("skip", "true"), ("return_to", "/week")],
        )
        .await;
    assert_eq!(skipped.status, 303, "{}", skipped.body);
    let second_meeting = second["meeting"].as_str().unwrap().to_owned();
    let got = browser
        .get(&format!("/api/meetings/{second_meeting}"))
        .await
        .json();
    assert_eq!(got["status"], json!("cancelled"));
    // The window rolls again (opening the week): the skipped class does not come back.
    let week = browser.get("/api/week").await.json();
    assert!(week["days"].is_array());
    let got = browser
        .get(&format!("/api/meetings/{second_meeting}"))
        .await
        .json();
    assert_eq!(got["status"], json!("cancelled"));
    assert_eq!(
        upcoming(&browser)
            .await
            .iter()
            .filter(|m| m["status"] == json!("scheduled"))
            .count(),
        3
    );

    // 박민준 leaves the class: the classes that have not started no longer invite him.
    let (status, body) = browser
        .put_json(
            &format!("/api/classes/{class_id}"),
            &json!({"name": "2학년 수학반", "members": [seoyeon], "version": 1}),
            &csrf,
        )
        .await
        .answer();
    assert_eq!(status, 200, "{body}");
    assert_eq!(invitees(&browser, &first).await, vec![seoyeon.clone()]);
    // An edit from a stale version is refused and changes nothing.
    let (status, body) = browser
        .put_json(
            &format!("/api/classes/{class_id}"),
            &json!({"name": "옛 반", "members": [], "version": 1}),
            &csrf,
        )
        .await
        .answer();
    assert_eq!((status, body["version"].clone()), (409, json!(2)));

    // The first class starts; five minutes later the sweep nudges who has not joined.
    let start = seoul(tomorrow(&app), 19);
    app.advance(start + Duration::minutes(6) - now(&app));
    app.sweep().await;
    let inbox = app.inbox(SEOYEON).await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert!(inbox[0].to_string().contains("수학"), "{inbox:?}");
    assert!(
        app.inbox(MINJUN).await.is_empty(),
        "who left the class is not messaged"
    );
    // A second sweep in the same minute sends nothing twice.
    app.sweep().await;
    assert_eq!(app.inbox(SEOYEON).await.len(), 1);

    // Another admin sees none of it.
    let (other, other_csrf) = app.logged_in(PRINCIPAL).await;
    assert_eq!(other.get(&format!("/api/series/{series_id}")).await.status, 404);
    assert!(
        other.get("/api/classes").await.json()["classes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, _) = other
        .put_json(
            &format!("/api/classes/{class_id}"),
            &json!({"name": "가로채기", "members": [], "version": 2}),
            &other_csrf,
        )
        .await
        .answer();
    assert_eq!(status, 404);
    app.shutdown().await;
}

#[tokio::test]
async fn this_and_following_starts_a_new_series_from_that_class_on() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let mut body = series_json(&app, &[]);
    body["meeting"]["invitees"] = json!([app.uuid_of(SEOYEON)]);
    let created = browser.post_json("/api/series", &body, Some(&csrf)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let series = created.json();
    let id = series["id"].as_str().unwrap();
    let third = series["next"][2]["original"].clone();

    body["meeting"]["title"] = json!("수학 (심화)");
    body["version"] = series["version"].clone();
    body["scope"] = json!("following");
    body["from"] = third;
    let (status, split) = browser
        .put_json(&format!("/api/series/{id}"), &body, &csrf)
        .await
        .answer();
    assert_eq!(status, 200, "{split}");
    assert_ne!(
        split["id"].as_str(),
        Some(id),
        "a new series from the third class on"
    );
    assert_eq!(split["title"], json!("수학 (심화)"));

    let titles: Vec<String> = upcoming(&browser)
        .await
        .iter()
        .filter(|m| m["status"] == json!("scheduled"))
        .map(|m| m["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["수학", "수학", "수학 (심화)", "수학 (심화)"]);
    let old = browser.get(&format!("/api/series/{id}")).await.json();
    assert_eq!(
        old["next"].as_array().unwrap().len(),
        2,
        "the old series ends before the split"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_plan_that_cannot_fit_the_daily_limit_is_named_before_it_is_saved() {
    // A sender limit of 3 a day: two students with two rounds each would need 4.
    let limits = QuotaLimits {
        sender: 3,
        ..QuotaLimits::KAKAO
    };
    let app = TestApp::spawn_with(World::default_world(), limits).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let mut body = series_json(&app, &[]);
    body["meeting"]["invitees"] = json!([app.uuid_of(SEOYEON), app.uuid_of(MINJUN)]);
    let warned = browser.post_json("/api/series", &body, Some(&csrf)).await;
    assert_eq!(warned.status, 409, "{}", warned.body);
    let answer = warned.json();
    assert_eq!(answer["error"], json!("quota_warning"));
    assert_eq!(answer["foresight"]["busiest_day"]["reminders"], json!(4));
    assert!(upcoming(&browser).await.is_empty(), "nothing was saved");

    body["accept_quota"] = json!(true);
    let saved = browser.post_json("/api/series", &body, Some(&csrf)).await;
    assert_eq!(saved.status, 201, "{}", saved.body);

    // Bad input is named, field by field, and nothing is saved.
    let mut bad = series_json(&app, &["not-a-class"]);
    bad["repeat"]["kind"] = json!("yearly");
    let refused = browser.post_json("/api/series", &bad, Some(&csrf)).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let fields: Vec<String> = refused.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        fields.contains(&"repeat".to_owned()) || fields.contains(&"classes".to_owned()),
        "{fields:?}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn the_calendar_feed_lists_every_class_at_a_private_address_that_can_be_changed_or_stopped() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let mut body = series_json(&app, &[]);
    body["meeting"]["invitees"] = json!([app.uuid_of(SEOYEON)]);
    let series = browser.post_json("/api/series", &body, Some(&csrf)).await.json();
    let id = series["id"].as_str().unwrap().to_owned();
    let holiday = series["next"][1]["original"].as_str().unwrap().to_owned();
    let skipped = browser
        .post_form(
            &format!("/series/{id}/occurrences/{holiday}"),
            &[("csrf", &csrf), ("skip", "true")],
        )
        .await;
    assert_eq!(skipped.status, 303);

    let made = browser.post_form("/calendar/feed", &[("csrf", &csrf)]).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let address = made
        .text("calendar-feed-url")
        .expect("the new address is shown once");
    let path = address.trim().trim_start_matches(app.url("").as_str()).to_owned();
    assert!(path.starts_with("/calendar/") && path.ends_with(".ics"), "{path}");

    // Calendar apps fetch it without a session.
    let stranger = app.browser();
    let feed = stranger.get(&path).await;
    assert_eq!(feed.status, 200);
    assert_eq!(feed.header("content-type"), Some("text/calendar; charset=utf-8"));
    assert!(feed.body.starts_with("BEGIN:VCALENDAR"), "{}", feed.body);
    assert_eq!(
        feed.body.matches("BEGIN:VEVENT").count(),
        5,
        "six classes, one skipped: {}",
        feed.body
    );
    assert!(feed.body.contains("SUMMARY:수학"));

    // A guessed secret, another admin's id, and the old address after a new one: 404.
    let guessed = format!("{}x.ics", path.trim_end_matches(".ics"));
    assert_eq!(stranger.get(&guessed).await.status, 404);
    let other_admin = path.replacen(&TEACHER.to_string(), &PRINCIPAL.to_string(), 1);
    assert_eq!(stranger.get(&other_admin).await.status, 404);
    let again = browser.post_form("/calendar/feed", &[("csrf", &csrf)]).await;
    let new_path = again
        .text("calendar-feed-url")
        .unwrap()
        .trim()
        .trim_start_matches(app.url("").as_str())
        .to_owned();
    assert_eq!(stranger.get(&path).await.status, 404, "the old address stops");
    assert_eq!(stranger.get(&new_path).await.status, 200);
    let stopped = browser.post_form("/calendar/feed/stop", &[("csrf", &csrf)]).await;
    assert_eq!(stopped.status, 303);
    assert_eq!(
        stranger.get(&new_path).await.status,
        404,
        "a stopped feed is gone"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_ics_export_becomes_a_series_after_a_preview_and_what_cannot_be_kept_is_named() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let first = tomorrow(&app);
    let (d, x, byday) = (ics_date(first), ics_date(first + Duration::days(7)), byday(first));
    let ics = ics(
        "-//Google Inc//Google Calendar 70.9054//EN",
        &[
            vec![
                "UID:weekly@google.com".into(),
                format!("DTSTART;TZID=Asia/Seoul:{d}T190000"),
                format!("DTEND;TZID=Asia/Seoul:{d}T200000"),
                format!("RRULE:FREQ=WEEKLY;BYDAY={byday};COUNT=4"),
                format!("EXDATE;TZID=Asia/Seoul:{x}T190000"),
                "ATTENDEE;CN=이서연;ROLE=REQ-PARTICIPANT:mailto:seoyeon@example.com".into(),
                "SUMMARY:영어 회화".into(),
                "LOCATION:https://zoom.us/j/85012345678".into(),
            ],
            vec![
                "UID:yearly@google.com".into(),
                format!("DTSTART:{d}T100000Z"),
                format!("DTEND:{d}T110000Z"),
                "RRULE:FREQ=YEARLY".into(),
                "SUMMARY:생일".into(),
            ],
        ],
    );
    let response = reqwest::Client::new()
        .post(app.url("/api/calendar/import"))
        .header("cookie", browser.cookie_header())
        .header("x-csrf-token", &csrf)
        .header("content-type", "text/calendar")
        .body(ics)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let preview: Value = response.json().await.unwrap();
    let events = preview["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{preview}");
    assert!(
        events[1]["unsupported"].as_str().unwrap().contains("yearly"),
        "{preview}"
    );
    let series = events[0]["series"].clone();
    assert_eq!(series["repeat"]["kind"], json!("weekly"), "{preview}");
    assert_eq!(
        series["meeting"]["invitees"],
        json!([app.uuid_of(SEOYEON)]),
        "the attendee is offered as the friend"
    );
    assert_eq!(series["skip"].as_array().unwrap().len(), 1);

    let mut body = series;
    body["meeting"]["quiet_hours"] = json!({"from": "", "until": ""});
    let saved = browser.post_json("/api/series", &body, Some(&csrf)).await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let next = saved.json()["next"].clone();
    let skipped: Vec<bool> = next
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["skipped"].as_bool().unwrap())
        .collect();
    assert_eq!(
        skipped,
        [false, true, false, false],
        "the excluded date stays out"
    );
    app.shutdown().await;
}

/// `(name, value)` pairs as `post_form` takes them.
fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_owned(), value.to_owned()));
}

#[tokio::test]
async fn a_series_is_edited_split_and_cancelled_from_its_own_page() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let mut body = series_json(&app, &[]);
    body["meeting"]["invitees"] = json!([app.uuid_of(SEOYEON)]);
    body["meeting"]["reminder_offsets"] = json!([3, 10]);
    let created = browser.post_json("/api/series", &body, Some(&csrf)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let series = created.json();
    let id = series["id"].as_str().unwrap().to_owned();
    let before = upcoming(&browser).await;

    // The list names it with its rule in words, and leads to its page.
    let list = browser.get("/series").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains(&format!("href=\"/series/{id}\"")),
        "{}",
        list.body
    );
    assert!(list.body.contains("매주"), "the rule in words: {}", list.body);

    // Saving the page's form unchanged keeps every setting, the reminder plan included.
    let page = browser.get(&format!("/series/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.has_id("series-occurrences"));
    let fields = ttokttok_tests::html::form_fields(&page.body, "series-form");
    assert!(
        fields.iter().any(|(k, v)| k == "scope" && v == "all"),
        "{fields:?}"
    );
    let saved = browser
        .post_form(&format!("/series/{id}"), &borrowed(&fields))
        .await;
    assert_eq!(
        (saved.status, saved.location_path()),
        (303, Some(format!("/series/{id}"))),
        "{}",
        saved.body
    );
    let after = upcoming(&browser).await;
    for (b, a) in before.iter().zip(&after) {
        for key in [
            "title",
            "starts_at",
            "reminder_offsets",
            "quiet_hours",
            "join_url",
        ] {
            assert_eq!(b[key], a[key], "{key} changed by an unchanged save");
        }
    }

    // Every class: a new title.
    let page = browser.get(&format!("/series/{id}")).await;
    let mut fields = ttokttok_tests::html::form_fields(&page.body, "series-form");
    set(&mut fields, "title", "수학 A");
    let saved = browser
        .post_form(&format!("/series/{id}"), &borrowed(&fields))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let titles: Vec<Value> = upcoming(&browser)
        .await
        .iter()
        .map(|m| m["title"].clone())
        .collect();
    assert!(titles.iter().all(|t| t == "수학 A"), "{titles:?}");

    // The same form again is stale: the page says so and shows the series as it is now.
    let stale = browser
        .post_form(&format!("/series/{id}"), &borrowed(&fields))
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.has_id("conflict-banner"));

    // This and the following ones, from the third class.
    let page = browser.get(&format!("/series/{id}")).await;
    let mut fields = ttokttok_tests::html::form_fields(&page.body, "series-form");
    let third = series["next"][2]["original"].as_str().unwrap().to_owned();
    set(&mut fields, "scope", &format!("from:{third}"));
    set(&mut fields, "title", "수학 B");
    let split = browser
        .post_form(&format!("/series/{id}"), &borrowed(&fields))
        .await;
    assert_eq!(split.status, 303, "{}", split.body);
    let new_page = split.location_path().unwrap();
    assert_ne!(new_page, format!("/series/{id}"), "the split made a new series");
    let titles: Vec<String> = upcoming(&browser)
        .await
        .iter()
        .filter(|m| m["status"] == json!("scheduled"))
        .map(|m| m["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["수학 A", "수학 A", "수학 B", "수학 B"]);
    // The week shows each class once: the old series' replaced classes are not listed beside
    // the new ones.
    let mut week_titles = Vec::new();
    for weeks_ahead in 0..4 {
        let monday = now(&app).with_timezone(&SEOUL).date_naive() + Duration::days(7 * weeks_ahead);
        let monday = monday - Duration::days(i64::from(monday.weekday().num_days_from_monday()));
        let week = browser
            .get(&format!("/api/week?from={}", monday.format("%Y-%m-%d")))
            .await
            .json();
        for day in week["days"].as_array().unwrap() {
            for entry in day["entries"].as_array().unwrap() {
                assert_eq!(entry["cancelled"], json!(false), "{entry}");
                week_titles.push(entry["title"].as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(
        week_titles,
        ["수학 A", "수학 A", "수학 B", "수학 B", "수학 B", "수학 B"]
    );

    // Cancelling the new series cancels its classes that have not started, nothing else.
    let page = browser.get(&new_page).await;
    assert!(page.has_id("cancel-series"));
    let cancelled = browser
        .post_form(&format!("{new_page}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_eq!(
        (cancelled.status, cancelled.location_path()),
        (303, Some(new_page.clone()))
    );
    assert!(browser.get(&new_page).await.has_id("series-cancelled"));
    let titles: Vec<String> = upcoming(&browser)
        .await
        .iter()
        .filter(|m| m["status"] == json!("scheduled"))
        .map(|m| m["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["수학 A", "수학 A"]);

    // Another admin finds none of it.
    let (stranger, stranger_csrf) = app.logged_in(PRINCIPAL).await;
    assert_eq!(stranger.get(&format!("/series/{id}")).await.status, 404);
    let refused = stranger
        .post_form(&format!("/series/{id}/cancel"), &[("csrf", &stranger_csrf)])
        .await;
    assert_eq!(refused.status, 404);
    assert!(!stranger.get("/series").await.body.contains(&id));
    app.shutdown().await;
}

#[tokio::test]
async fn an_ics_file_is_previewed_and_the_chosen_events_are_created_from_the_page() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let first = tomorrow(&app);
    let (d, byday) = (ics_date(first), byday(first));
    let ics = ics(
        "-//Zoom//EN",
        &[
            vec![
                "UID:weekly@zoom.us".into(),
                format!("DTSTART;TZID=Asia/Seoul:{d}T190000"),
                format!("DTEND;TZID=Asia/Seoul:{d}T200000"),
                format!("RRULE:FREQ=WEEKLY;BYDAY={byday};COUNT=2"),
                "ATTENDEE;CN=이서연:mailto:seoyeon@example.com".into(),
                "SUMMARY:영어 회화".into(),
                "URL:https://zoom.us/j/85012345678".into(),
            ],
            vec![
                "UID:once@zoom.us".into(),
                format!("DTSTART;TZID=Asia/Seoul:{d}T090000"),
                format!("DTEND;TZID=Asia/Seoul:{d}T093000"),
                "SUMMARY:상담".into(),
            ],
            vec![
                "UID:monthly@zoom.us".into(),
                format!("DTSTART;TZID=Asia/Seoul:{d}T100000"),
                "RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15".into(),
                "SUMMARY:월례".into(),
            ],
        ],
    );

    // Not a calendar: said plainly, and what was pasted stays in the box.
    let refused = browser
        .post_form(
            "/calendar/import",
            &[("csrf", &csrf), ("step", "preview"), ("ics", "hello")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.has_id("import-refused"));
    assert!(refused.body.contains(">hello</textarea>"), "{}", refused.body);

    let preview = browser
        .post_form(
            "/calendar/import",
            &[("csrf", &csrf), ("step", "preview"), ("ics", &ics)],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("data-kind=\"series\""));
    assert!(preview.body.contains("data-kind=\"meeting\""));
    assert!(
        preview.body.contains("data-kind=\"unsupported\""),
        "the twice-monthly rule is named, not dropped"
    );
    let mut fields = ttokttok_tests::html::form_fields(&preview.body, "import-preview");
    let picks: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(picks, ["0", "1"], "what can be kept is ticked");
    assert!(
        fields.contains(&("e0.invitees".to_owned(), app.uuid_of(SEOYEON))),
        "the attendee is ticked as the friend: {fields:?}"
    );
    // The one-off event has no link in the file: the admin gives it one and invites Minjun.
    set(&mut fields, "e1.join_url", JOIN);
    fields.push(("e1.invitees".into(), app.uuid_of(MINJUN)));
    let created = browser.post_form("/calendar/import", &borrowed(&fields)).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        created.body.matches("data-outcome=\"created\"").count(),
        2,
        "{}",
        created.body
    );
    let series = browser.get("/api/series").await.json();
    assert_eq!(series["series"].as_array().unwrap().len(), 1);
    assert_eq!(series["series"][0]["title"], json!("영어 회화"));
    let meetings = upcoming(&browser).await;
    let titles: Vec<&str> = meetings.iter().map(|m| m["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"상담"), "{titles:?}");
    assert_eq!(titles.iter().filter(|t| **t == "영어 회화").count(), 2);

    // Submitting the result page again creates nothing twice: the created ones are no longer
    // offered.
    let again = ttokttok_tests::html::form_fields(&created.body, "import-preview");
    assert!(!again.iter().any(|(k, _)| k == "pick"), "{again:?}");
    let twice = browser.post_form("/calendar/import", &borrowed(&again)).await;
    assert_eq!(twice.status, 200);
    assert_eq!(upcoming(&browser).await.len(), meetings.len());
    app.shutdown().await;
}

#[tokio::test]
async fn a_series_whose_first_class_has_passed_can_still_be_edited() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let mut body = series_json(&app, &[]);
    body["meeting"]["invitees"] = json!([app.uuid_of(SEOYEON)]);
    let created = browser.post_json("/api/series", &body, Some(&csrf)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();

    // Two days on (a new session: the last one ended after 12 idle hours), the first class is
    // over; its start stays in the form.
    app.advance(Duration::days(2));
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let page = browser.get(&format!("/series/{id}")).await;
    assert_eq!(page.status, 200);
    let mut fields = ttokttok_tests::html::form_fields(&page.body, "series-form");
    set(&mut fields, "title", "수학 (2학기)");
    let saved = browser
        .post_form(&format!("/series/{id}"), &borrowed(&fields))
        .await;
    assert_eq!(
        saved.status, 303,
        "an edit keeps a passed first start: {}",
        saved.body
    );
    let titles: Vec<Value> = upcoming(&browser)
        .await
        .iter()
        .map(|m| m["title"].clone())
        .collect();
    assert!(
        !titles.is_empty() && titles.iter().all(|t| t == "수학 (2학기)"),
        "{titles:?}"
    );

    // A new series may still not begin in the past.
    let mut past = series_json(&app, &[]);
    past["meeting"]["invitees"] = json!([app.uuid_of(SEOYEON)]);
    past["meeting"]["start"] = json!(format!(
        "{}T19:00",
        (tomorrow(&app) - Duration::days(3)).format("%Y-%m-%d")
    ));
    let refused = browser.post_json("/api/series", &past, Some(&csrf)).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("start_in_past"), "{}", refused.body);
    app.shutdown().await;
}

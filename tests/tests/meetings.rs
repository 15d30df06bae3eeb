//! Meetings and attendance end to end, through `infra/local`: an admin creates a meeting with
//! invitees from their friends, the rules refuse what cannot work, the live view follows who
//! joined (by tracked link, by hand), and another admin can neither see nor change it on any
//! route.

use chrono::{DateTime, Duration, DurationRound, FixedOffset, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use kakao_sandbox::World;
use serde_json::{Value, json};
use store::model::LinkButton;
use store::model::UnmatchedParticipant;
use ttokttok_tests::{Browser, TestApp, spawn_app};

const TEACHER: i64 = 4812345001;
const PRINCIPAL: i64 = 4812345101;
/// 이서연 and 박민준: the teacher's friends.
const SEOYEON: i64 = 4812345011;
const MINJUN: i64 = 4812345012;
/// 문가은: the principal's friend only.
const GAEUN: i64 = 4812345111;
const JOIN: &str = "https://zoom.us/j/85012345678?pwd=abc";

fn now(app: &TestApp) -> DateTime<Utc> {
    app.services().clock.now()
}

/// `minutes` from now, on the minute, as a Seoul wall-clock time (what the form sends).
fn seoul_in(app: &TestApp, minutes: i64) -> String {
    let at = (now(app) + Duration::minutes(minutes))
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    // Seoul keeps +09:00 all year.
    at.with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A meeting starting in `minutes`, with quiet hours off so its rounds never depend on the hour
/// the test runs at.
fn meeting_json(app: &TestApp, minutes: i64, invitees: &[String]) -> Value {
    json!({
        "title": "수학 수업",
        "start": seoul_in(app, minutes),
        "duration_minutes": 60,
        "join_url": JOIN,
        "zoom_meeting_id": "850 1234 5678",
        "invitees": invitees,
        "quiet_hours": {"from": "", "until": ""},
    })
}

async fn create(app: &TestApp, browser: &Browser, csrf: &str, minutes: i64) -> Value {
    let invitees = [app.uuid_of(SEOYEON), app.uuid_of(MINJUN)];
    let created = browser
        .post_json(
            "/api/meetings",
            &meeting_json(app, minutes, &invitees),
            Some(csrf),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.json()
}

fn problem_codes(answer: &Value) -> Vec<String> {
    answer["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems in {answer}"))
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

fn admin_id(user: i64) -> KakaoUserId {
    KakaoUserId::new(user).unwrap()
}

#[tokio::test]
async fn an_admin_creates_a_meeting_from_the_form_and_sees_it_live() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let form = browser.get("/meetings/new").await;
    assert_eq!(form.status, 200);
    let seoyeon = app.uuid_of(SEOYEON);
    assert!(
        form.has_id(&format!("invitee-{seoyeon}")),
        "friends are offered in the picker"
    );
    assert!(
        !form.body.contains(&app.uuid_of(GAEUN)),
        "another admin's friends are not"
    );
    assert!(
        !form.body.contains("<script>") && !form.body.contains(" style="),
        "no inline script or style"
    );

    let start = seoul_in(&app, 0);
    let minjun = app.uuid_of(MINJUN);
    let fields = [
        ("csrf", csrf.as_str()),
        ("title", "영어 회화"),
        ("start", start.as_str()),
        ("time_zone", "Asia/Seoul"),
        ("duration_minutes", "60"),
        ("join_url", JOIN),
        ("invitees", seoyeon.as_str()),
        ("invitees", minjun.as_str()),
        ("reminder_offsets", "5, 15"),
        ("quiet_off", "on"),
        ("send_mode", "automatic"),
        ("template", "{이름}님, {모임} 시작했어요!"),
    ];
    let posted = browser.post_form("/meetings", &fields).await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let live = browser.follow(posted).await;
    assert!(live.has_id("created-banner"));
    assert_eq!(
        live.attr("meeting-live", "data-phase").as_deref(),
        Some("live"),
        "it starts this minute"
    );
    assert_eq!(live.text("total-count").as_deref(), Some("2"));
    assert_eq!(live.text("joined-count").as_deref(), Some("0"));
    assert!(live.body.contains(r#"src="/meetings/assets/meetings.js""#));
    assert!(live.has_id(&format!("present-{seoyeon}")));

    // Stored with its plan: due five minutes after the start, the template kept as written.
    let listed = browser.get("/api/meetings").await.json();
    let meeting = &listed["live"][0];
    assert_eq!(meeting["title"], "영어 회화");
    assert_eq!(meeting["reminder_offsets"], json!([5, 15]));
    assert_eq!(meeting["quiet_hours"], Value::Null);
    assert_eq!(meeting["template"], "{이름}님, {모임} 시작했어요!");
    assert_eq!(meeting["next_round"]["round"], 1);
    let list_page = browser.get("/meetings").await;
    assert!(list_page.body.contains("영어 회화"));
    assert!(list_page.has_id("live-meetings"));
    app.shutdown().await;
}

#[tokio::test]
async fn a_meeting_that_cannot_work_is_refused_with_each_reason() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let seoyeon = app.uuid_of(SEOYEON);

    // Start in the past.
    let mut past = meeting_json(&app, -10, std::slice::from_ref(&seoyeon));
    past["start"] = json!(seoul_in(&app, -10));
    let answer = browser.post_json("/api/meetings", &past, Some(&csrf)).await;
    assert_eq!(answer.status, 400);
    assert_eq!(problem_codes(&answer.json()), vec!["start_in_past"]);

    // A join link that is not https.
    let mut plain = meeting_json(&app, 30, std::slice::from_ref(&seoyeon));
    plain["join_url"] = json!("http://zoom.us/j/85012345678");
    assert_eq!(
        problem_codes(
            &browser
                .post_json("/api/meetings", &plain, Some(&csrf))
                .await
                .json()
        ),
        vec!["join_url_not_https"]
    );

    // Someone who is not this admin's friend (the principal's friend).
    let stranger = meeting_json(&app, 30, &[app.uuid_of(GAEUN)]);
    assert_eq!(
        problem_codes(
            &browser
                .post_json("/api/meetings", &stranger, Some(&csrf))
                .await
                .json()
        ),
        vec!["not_a_friend"]
    );

    // A message that fits as written (198) but not once filled in: 190 + a 3-character
    // nickname + an 8-character title = 201 (a 7-character title would fit exactly).
    let mut long = meeting_json(&app, 30, &[seoyeon.clone(), app.uuid_of(MINJUN)]);
    long["template"] = json!(format!("{}{{이름}}{{모임}}", "가".repeat(190)));
    long["title"] = json!("가나다라마바사아");
    let refused = browser
        .post_json("/api/meetings", &long, Some(&csrf))
        .await
        .json();
    assert_eq!(
        problem_codes(&refused),
        vec!["template_too_long_after_substitution"]
    );
    assert_eq!(refused["problems"][0]["field"], "template");
    long["title"] = json!("가나다라마바사");
    assert_eq!(
        browser
            .post_json("/api/meetings", &long, Some(&csrf))
            .await
            .status,
        201,
        "200 exactly fits"
    );

    // The form says so next to the field.
    let start = seoul_in(&app, 30);
    let fields = [
        ("csrf", csrf.as_str()),
        ("title", ""),
        ("start", start.as_str()),
        ("join_url", "zoom.us/j/1"),
        ("invitees", seoyeon.as_str()),
    ];
    let page = browser.post_form("/meetings", &fields).await;
    assert_eq!(page.status, 400);
    assert!(page.has_id("error-title") && page.has_id("error-join_url"));
    assert!(
        page.has_id(&format!("invitee-{seoyeon}")),
        "the picker keeps the choice"
    );

    let upcoming = browser.get("/api/meetings").await.json()["upcoming"].clone();
    assert_eq!(
        upcoming.as_array().unwrap().len(),
        1,
        "only the meeting that fits was saved"
    );
    app.shutdown().await;
}

/// Dates past what the product means are refused with a reason, never stored and never a
/// dropped connection: the year 10000 (whose index rows once sorted before every real time and
/// stopped every admin's sweep), the end of the calendar (a panic once), three years ahead.
#[tokio::test]
async fn a_start_beyond_two_years_or_the_calendar_is_refused_plainly() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let seoyeon = app.uuid_of(SEOYEON);
    let three_years = (now(&app) + Duration::days(3 * 365))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    for (start, code) in [
        ("+10000-01-03T10:00", "start_unreadable"),
        ("+262143-12-31T23:59", "start_unreadable"),
        ("262143-12-31T23:59:59+09:00", "start_unreadable"),
        (three_years.as_str(), "start_too_far"),
    ] {
        let mut far = meeting_json(&app, 30, std::slice::from_ref(&seoyeon));
        far["start"] = json!(start);
        let answer = browser.post_json("/api/meetings", &far, Some(&csrf)).await;
        assert_eq!(answer.status, 400, "{start}: {}", answer.body);
        assert_eq!(problem_codes(&answer.json()), vec![code], "{start}");
        assert!(
            answer.json()["problems"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );

        let start_field = start.to_owned();
        let fields = [
            ("csrf", csrf.as_str()),
            ("title", "수학"),
            ("start", start_field.as_str()),
            ("join_url", JOIN),
            ("invitees", seoyeon.as_str()),
        ];
        let page = browser.post_form("/meetings", &fields).await;
        assert_eq!(page.status, 400, "{start}");
        assert!(
            page.has_id("error-start"),
            "{start}: the form says why next to the field"
        );
    }
    let all = browser.get("/api/meetings").await.json();
    assert_eq!(all["upcoming"].as_array().unwrap().len(), 0, "nothing was saved");
    app.shutdown().await;
}

#[tokio::test]
async fn at_most_two_hundred_invitees() {
    let app = spawn_app(World::with_friends(201)).await;
    let (browser, csrf) = app.logged_in(1000).await;
    let friends: Vec<String> = (1001..=1201).map(|id| app.uuid_of(id)).collect();
    let too_many = browser
        .post_json("/api/meetings", &meeting_json(&app, 30, &friends), Some(&csrf))
        .await;
    assert_eq!(too_many.status, 400, "{}", too_many.body);
    assert_eq!(problem_codes(&too_many.json()), vec!["too_many_invitees"]);
    let fine = browser
        .post_json(
            "/api/meetings",
            &meeting_json(&app, 30, &friends[..200]),
            Some(&csrf),
        )
        .await;
    assert_eq!(fine.status, 201, "{}", fine.body);
    app.shutdown().await;
}

#[tokio::test]
async fn an_edit_is_saved_from_its_version_and_a_stale_one_is_refused() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let meeting = create(&app, &browser, &csrf, 60).await;
    let id = meeting["id"].as_str().unwrap().to_owned();

    let mut edit = meeting_json(&app, 90, &[app.uuid_of(SEOYEON)]);
    edit["title"] = json!("수학 보충");
    edit["version"] = meeting["version"].clone();
    let (status, saved) = browser
        .put_json(&format!("/api/meetings/{id}"), &edit, &csrf)
        .await
        .answer();
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["title"], "수학 보충");
    assert_eq!(saved["version"], 2);
    let detail = browser.get(&format!("/api/meetings/{id}")).await.json();
    assert_eq!(
        detail["invitees"].as_array().unwrap().len(),
        1,
        "박민준 was taken off"
    );

    // The same edit again, from version 1: someone (or a reminder round) moved it meanwhile.
    let (status, conflict) = browser
        .put_json(&format!("/api/meetings/{id}"), &edit, &csrf)
        .await
        .answer();
    assert_eq!(status, 409);
    assert_eq!(conflict["version"], 2);

    // The edit page round-trips what is stored.
    let page = browser.get(&format!("/meetings/{id}/edit")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.attr("title", "value").as_deref(), Some("수학 보충"));
    app.shutdown().await;
}

#[tokio::test]
async fn a_stored_text_that_no_longer_parses_is_shown_as_written_and_never_saved_over() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let meeting = create(&app, &browser, &csrf, 60).await;
    let id = MeetingId::parse(meeting["id"].as_str().unwrap()).unwrap();
    // Braces written before variables existed: the text no longer parses as a template.
    let old_text = "{숙제} 꼭 가져오세요";
    let store = app.store();
    let before = store.get_meeting(admin_id(TEACHER), id).await.unwrap();
    let mut draft = before.draft.clone();
    draft.settings.template = Some(domain::TemplateText::parse(old_text).unwrap());
    store
        .update_meeting(admin_id(TEACHER), id, before.version, &draft, now(&app))
        .await
        .unwrap();

    let page = browser.get(&format!("/meetings/{id}/edit")).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.text("template").as_deref(),
        Some(old_text),
        "the admin's own text, not the default"
    );
    assert!(
        page.has_id("error-template"),
        "the page says the text needs fixing"
    );

    // Saving the form as shown, unchanged, keeps the admin's text.
    let version = ttokttok_tests::html::input_value(&page.body, "version").unwrap();
    let start = page.attr("start", "value").unwrap();
    let seoyeon = app.uuid_of(SEOYEON);
    let minjun = app.uuid_of(MINJUN);
    let fields = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("title", "수학 수업"),
        ("start", start.as_str()),
        ("time_zone", "Asia/Seoul"),
        ("duration_minutes", "60"),
        ("join_url", JOIN),
        ("confirm_join_host", "1"),
        ("zoom_meeting_id", "85012345678"),
        ("invitees", seoyeon.as_str()),
        ("invitees", minjun.as_str()),
        ("reminder_offsets", "5,15"),
        ("quiet_off", "on"),
        ("send_mode", "automatic"),
        ("template", old_text),
    ];
    let saved = browser.post_form(&format!("/meetings/{id}"), &fields).await;
    assert_eq!(saved.status, 400, "{}", saved.body);
    assert!(saved.has_id("error-template"));
    assert_eq!(
        saved.body.matches("class=\"field-error\"").count(),
        1,
        "the text is the only thing to fix"
    );
    let after = store.get_meeting(admin_id(TEACHER), id).await.unwrap();
    assert_eq!(
        after.draft.settings.template.as_ref().map(|t| t.as_str()),
        Some(old_text),
        "never replaced by the default"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_cancelled_meeting_leaves_the_due_index_and_its_links_stop() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let meeting = create(&app, &browser, &csrf, 0).await;
    let id = MeetingId::parse(meeting["id"].as_str().unwrap()).unwrap();
    let seoyeon = FriendUuid::parse(&app.uuid_of(SEOYEON)).unwrap();
    let token = app
        .store()
        .ensure_link_token(
            admin_id(TEACHER),
            id,
            &seoyeon,
            now(&app) + Duration::days(60),
            now(&app),
        )
        .await
        .unwrap();

    let cancelled = browser
        .post_form(&format!("/meetings/{id}/cancel"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(
        cancelled.location_path().as_deref(),
        Some("/meetings?cancelled=1")
    );
    let stored = app.store().get_meeting(admin_id(TEACHER), id).await.unwrap();
    assert_eq!(stored.draft.next_round, None, "no more reminder rounds");
    assert_eq!(
        browser
            .get(&format!("/j/{}", token.path_part(LinkButton::Join)))
            .await
            .status,
        404
    );
    let live = browser.get(&format!("/meetings/{id}")).await;
    assert_eq!(
        live.attr("meeting-live", "data-phase").as_deref(),
        Some("cancelled")
    );
    assert!(!live.has_id("edit-meeting") && !live.has_id("cancel-meeting"));
    app.shutdown().await;
}

#[tokio::test]
async fn the_live_view_follows_link_joins_and_manual_ticks() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let meeting = create(&app, &browser, &csrf, 0).await;
    let id = MeetingId::parse(meeting["id"].as_str().unwrap()).unwrap();
    let (seoyeon, minjun) = (app.uuid_of(SEOYEON), app.uuid_of(MINJUN));
    let token = app
        .store()
        .ensure_link_token(
            admin_id(TEACHER),
            id,
            &FriendUuid::parse(&seoyeon).unwrap(),
            now(&app) + Duration::days(60),
            now(&app),
        )
        .await
        .unwrap();

    // 이서연 taps the reminder's button (no session: another browser) twice.
    app.advance(Duration::minutes(6));
    let phone = app.browser();
    let tapped = phone
        .get(&format!("/j/{}", token.path_part(LinkButton::Join)))
        .await;
    assert_eq!((tapped.status, tapped.location().as_deref()), (302, Some(JOIN)));
    app.advance(Duration::minutes(2));
    assert_eq!(
        phone
            .get(&format!("/j/{}", token.path_part(LinkButton::Join)))
            .await
            .status,
        302
    );

    // The teacher marks 박민준 present by hand.
    let ticked = browser
        .post_form(
            &format!("/meetings/{id}/present"),
            &[
                ("csrf", csrf.as_str()),
                ("friend", minjun.as_str()),
                ("present", "1"),
            ],
        )
        .await;
    assert_eq!(ticked.status, 303);

    let status = browser.get(&format!("/api/meetings/{id}/status")).await.json();
    assert_eq!(
        (status["joined"].as_u64(), status["total"].as_u64()),
        (Some(2), Some(2))
    );
    let row = |friend: &str| {
        status["invitees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["friend"] == friend)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&seoyeon)["joined"]["source"], "link");
    let first_tap = (now(&app) - Duration::minutes(2))
        .duration_trunc(Duration::seconds(1))
        .unwrap();
    assert_eq!(
        row(&seoyeon)["joined"]["first_joined_at"].as_str().map(|t| t
            .parse::<DateTime<Utc>>()
            .unwrap()
            .duration_trunc(Duration::seconds(1))
            .unwrap()),
        Some(first_tap),
        "the first tap is kept"
    );
    assert_eq!(row(&minjun)["joined"]["source"], "manual");
    assert_eq!(row(&minjun)["status"], "joined");
    assert!(
        row(&minjun)["status_text"]
            .as_str()
            .unwrap()
            .contains("직접 표시")
    );

    // The page shows it, with an undo for the manual tick only.
    let page = browser.get(&format!("/meetings/{id}")).await;
    assert_eq!(page.text("joined-count").as_deref(), Some("2"));
    assert!(page.has_id(&format!("unpresent-{minjun}")));
    assert!(
        !page.has_id(&format!("unpresent-{seoyeon}")),
        "a link join is not undone by hand"
    );
    let (status, _) = browser
        .put_json(
            &format!("/api/meetings/{id}/attendance/{minjun}"),
            &json!({"present": false}),
            &csrf,
        )
        .await
        .answer();
    assert_eq!(status, 204);
    assert_eq!(
        browser.get(&format!("/api/meetings/{id}/status")).await.json()["joined"],
        1
    );
    app.shutdown().await;
}

#[tokio::test]
async fn match_keys_are_saved_and_participants_nobody_matched_are_suggested_by_nickname() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let meeting = create(&app, &browser, &csrf, 0).await;
    let id = MeetingId::parse(meeting["id"].as_str().unwrap()).unwrap();
    let seoyeon = app.uuid_of(SEOYEON);
    for name in ["이서연 (iPad)", "Guest 7"] {
        let seen = UnmatchedParticipant::new(name, None, None, now(&app)).unwrap();
        app.store()
            .note_unmatched_participant(admin_id(TEACHER), id, &seen)
            .await
            .unwrap();
    }

    let suggested = browser
        .get(&format!("/api/meetings/{id}/suggestions"))
        .await
        .json();
    let for_seoyeon = suggested["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["friend"] == seoyeon.as_str())
        .unwrap();
    assert_eq!(for_seoyeon["names"][0]["display_name"], "이서연 (iPad)");
    assert_eq!(suggested["unmatched"].as_array().unwrap().len(), 2);
    let page = browser.get(&format!("/meetings/{id}/match")).await;
    assert!(page.body.contains(r#"data-fill-value="이서연 (iPad)""#));

    let (status, invitee) = browser
        .put_json(
            &format!("/api/meetings/{id}/invitees/{seoyeon}/match-keys"),
            &json!({"email": "Seoyeon@Example.com", "display_name": "Seoyeon Lee", "zoom_registrant_id": ""}),
            &csrf,
        )
        .await
        .answer();
    assert_eq!(status, 200, "{invitee}");
    assert_eq!(invitee["match_keys"]["email"], "seoyeon@example.com");
    assert_eq!(invitee["match_keys"]["zoom_registrant_id"], Value::Null);

    let form = browser
        .post_form(
            &format!("/meetings/{id}/match"),
            &[
                ("csrf", csrf.as_str()),
                ("friend", seoyeon.as_str()),
                ("email", "not-an-email"),
                ("display_name", ""),
                ("zoom_registrant_id", ""),
            ],
        )
        .await;
    assert_eq!(form.status, 400);
    assert!(form.has_id(&format!("error-{seoyeon}")));
    app.shutdown().await;
}

#[tokio::test]
async fn the_preview_fills_in_the_longest_nickname_and_counts_after_substitution() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let mut body = meeting_json(&app, 30, &[app.uuid_of(SEOYEON)]);
    body["template"] = json!("{이름}님, {모임}이 {시작}에 시작했어요");
    let preview = browser
        .post_json("/api/meetings/preview", &body, Some(&csrf))
        .await
        .json();
    assert!(
        preview["text"]
            .as_str()
            .unwrap()
            .starts_with("이서연님, 수학 수업이 ")
    );
    assert_eq!(preview["fits"], true);
    // 198 characters as written; 190 + "이서연" + a 17-character title = 210 once filled in.
    body["template"] = json!(format!("{}{{이름}}{{모임}}", "가".repeat(190)));
    body["title"] = json!("아주 긴 모임 이름입니다 정말로");
    let over = browser
        .post_json("/api/meetings/preview", &body, Some(&csrf))
        .await
        .json();
    assert_eq!(
        (over["chars"].as_u64(), over["fits"].as_bool()),
        (Some(210), Some(false))
    );
    assert_eq!(
        over["problems"][0]["code"],
        "template_too_long_after_substitution"
    );

    // The script behind the live preview is served from a file (strict CSP: no inline script).
    let script = browser.get("/meetings/assets/meetings.js").await;
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
async fn another_admin_gets_404_on_every_meeting_route() {
    let app = spawn_app(World::default_world()).await;
    let (teacher, teacher_csrf) = app.logged_in(TEACHER).await;
    let meeting = create(&app, &teacher, &teacher_csrf, 0).await;
    let id = meeting["id"].as_str().unwrap().to_owned();
    let seoyeon = app.uuid_of(SEOYEON);
    let (principal, csrf) = app.logged_in(PRINCIPAL).await;

    for path in [
        format!("/meetings/{id}"),
        format!("/meetings/{id}/edit"),
        format!("/meetings/{id}/match"),
        format!("/api/meetings/{id}"),
        format!("/api/meetings/{id}/status"),
        format!("/api/meetings/{id}/suggestions"),
    ] {
        assert_eq!(principal.get(&path).await.status, 404, "GET {path}");
    }
    let form = |extra: &[(&'static str, String)]| {
        let mut fields = vec![("csrf", csrf.clone())];
        fields.extend(extra.iter().cloned());
        fields
    };
    for (path, fields) in [
        (
            format!("/meetings/{id}"),
            form(&[("title", "가로채기".into()), ("version", "1".into())]),
        ),
        (format!("/meetings/{id}/cancel"), form(&[])),
        (
            format!("/meetings/{id}/present"),
            form(&[("friend", seoyeon.clone()), ("present", "1".into())]),
        ),
        (
            format!("/meetings/{id}/match"),
            form(&[("friend", seoyeon.clone()), ("email", "x@example.com".into())]),
        ),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            principal.post_form(&path, &fields).await.status,
            404,
            "POST {path}"
        );
    }
    let cancel = principal
        .post_json(&format!("/api/meetings/{id}/cancel"), &json!({}), Some(&csrf))
        .await;
    assert_eq!(cancel.status, 404);
    let mut edit = meeting_json(&app, 30, &[]);
    edit["version"] = json!(1);
    for (path, body) in [
        (format!("/api/meetings/{id}"), edit),
        (
            format!("/api/meetings/{id}/attendance/{seoyeon}"),
            json!({"present": true}),
        ),
        (
            format!("/api/meetings/{id}/invitees/{seoyeon}/match-keys"),
            json!({"email": "x@example.com"}),
        ),
    ] {
        assert_eq!(
            principal.put_json(&path, &body, &csrf).await.answer().0,
            404,
            "PUT {path}"
        );
    }
    let listed = principal.get("/api/meetings").await.json();
    assert!(
        ["live", "upcoming", "past"]
            .iter()
            .all(|k| listed[k].as_array().unwrap().is_empty())
    );
    assert!(!principal.get("/meetings").await.body.contains("수학 수업"));

    // Nothing changed for the teacher.
    let mine = teacher.get(&format!("/api/meetings/{id}")).await.json();
    assert_eq!(
        (
            mine["title"].as_str(),
            mine["version"].as_u64(),
            mine["status"].as_str()
        ),
        (Some("수학 수업"), Some(1), Some("scheduled"))
    );
    let status = teacher.get(&format!("/api/meetings/{id}/status")).await.json();
    assert_eq!(status["joined"], 0);
    let invitee = &mine["invitees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["friend"] == seoyeon.as_str())
        .unwrap()["match_keys"];
    assert_eq!(invitee["email"], Value::Null);
    app.shutdown().await;
}

#[tokio::test]
async fn a_client_who_stops_reminders_shows_as_opted_out_to_the_admin() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let meeting = create(&app, &browser, &csrf, 0).await;
    let id = MeetingId::parse(meeting["id"].as_str().unwrap()).unwrap();
    let seoyeon = app.uuid_of(SEOYEON);
    let token = app
        .store()
        .ensure_link_token(
            admin_id(TEACHER),
            id,
            &FriendUuid::parse(&seoyeon).unwrap(),
            now(&app) + Duration::days(60),
            now(&app),
        )
        .await
        .unwrap();

    // 이서연 opens the second button and confirms with one tap (a form on our own origin).
    let question = app
        .browser()
        .get(&format!("/stop/{}", token.path_part(LinkButton::Stop)))
        .await;
    assert_eq!(question.status, 200);
    assert!(question.body.contains("김선생"));
    let origin = app.url("").trim_end_matches('/').to_owned();
    let tapped = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(&format!("/stop/{}", token.path_part(LinkButton::Stop))))
        .header("origin", origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(tapped.status().as_u16(), 303);

    let status = browser.get(&format!("/api/meetings/{id}/status")).await.json();
    let row = status["invitees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["friend"] == seoyeon.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (row["status"].as_str(), row["unreachable"].as_str()),
        (Some("unreachable"), Some("opted_out"))
    );
    let form = browser.get("/meetings/new").await;
    assert!(
        form.body.contains(r#"data-opted-out="true""#),
        "the picker marks who asked to stop"
    );
    app.shutdown().await;
}

/// Join links are a stranger's links sent in the admin's name: https on a named host the
/// browser shows as it is (no `user@`, no bare address), internationalised names kept in
/// punycode, and any host that is not a known meeting service sent only once the admin has
/// confirmed it by name.
#[tokio::test]
async fn a_join_link_on_an_unknown_host_needs_the_admins_confirmation() {
    let app = spawn_app(World::default_world()).await;
    let (browser, csrf) = app.logged_in(TEACHER).await;
    let invitees = [app.uuid_of(SEOYEON)];
    let with_link = |url: &str, confirm: Option<bool>| {
        let mut body = meeting_json(&app, 30, &invitees);
        body["join_url"] = json!(url);
        if let Some(confirm) = confirm {
            body["confirm_join_host"] = json!(confirm);
        }
        body
    };

    let unconfirmed = browser
        .post_json(
            "/api/meetings",
            &with_link("https://meet.example.org/room-7", None),
            Some(&csrf),
        )
        .await;
    assert_eq!(unconfirmed.status, 400, "{}", unconfirmed.body);
    assert_eq!(problem_codes(&unconfirmed.json()), vec!["join_host_unconfirmed"]);
    assert!(unconfirmed.body.contains("meet.example.org"), "the host is named");
    for hidden in ["https://zoom.us@evil.example/j/1", "https://203.0.113.9/j/1"] {
        let refused = browser
            .post_json("/api/meetings", &with_link(hidden, Some(true)), Some(&csrf))
            .await;
        assert_eq!(refused.status, 400, "{hidden}");
        assert_eq!(
            problem_codes(&refused.json()),
            vec!["join_url_invalid"],
            "{hidden}"
        );
    }

    let confirmed = browser
        .post_json(
            "/api/meetings",
            &with_link("https://meet.example.org/room-7", Some(true)),
            Some(&csrf),
        )
        .await;
    assert_eq!(confirmed.status, 201, "{}", confirmed.body);
    // A look-alike of zoom.us (Cyrillic o's) is not Zoom, and is stored as the browser shows it.
    let lookalike = browser
        .post_json(
            "/api/meetings",
            &with_link("https://zооm.us/j/1", None),
            Some(&csrf),
        )
        .await;
    assert_eq!(problem_codes(&lookalike.json()), vec!["join_host_unconfirmed"]);
    assert!(lookalike.body.contains("xn--"), "{}", lookalike.body);

    // The form shows the box, naming the host, when the link needs it.
    let start = seoul_in(&app, 40);
    let seoyeon = app.uuid_of(SEOYEON);
    let fields = [
        ("csrf", csrf.as_str()),
        ("title", "수학 수업"),
        ("start", start.as_str()),
        ("join_url", "https://meet.example.org/room-8"),
        ("invitees", seoyeon.as_str()),
    ];
    let page = browser.post_form("/meetings", &fields).await;
    assert_eq!(page.status, 400);
    assert!(page.has_id("confirm-join-host"));
    assert_eq!(
        page.text("confirm-join-host-name").as_deref(),
        Some("meet.example.org")
    );
    let mut ticked = fields.to_vec();
    ticked.push(("confirm_join_host", "1"));
    assert_eq!(browser.post_form("/meetings", &ticked).await.status, 303);
    app.shutdown().await;
}

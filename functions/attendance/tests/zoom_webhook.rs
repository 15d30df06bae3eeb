//! The Zoom webhook end to end: signatures on fixed vectors, refusals, URL validation, and
//! every matching rule, against the real router and store.

mod common;

use attendance::metrics::Count;
use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use serde_json::Value;

// Computed once by the documented algorithm with Python's hmac (see src/zoom/signature.rs):
//
//   import hmac, hashlib
//   secret = b"zoom-test-secret-token"
//   "v0=" + hmac.new(secret, b"v0:1795222981:" + JOINED_BODY.encode(), hashlib.sha256).hexdigest()
//   "v0=" + hmac.new(secret, b"v0:1795222800:" + VALIDATION_BODY.encode(), hashlib.sha256).hexdigest()
//   hmac.new(secret, b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
const TIMESTAMP: &str = "1795222800";
/// One second after the join it reports (01:03:00), as Zoom would send it.
const JOINED_TIMESTAMP: &str = "1795222981";
const JOINED_BODY: &str = r#"{"event":"meeting.participant_joined","event_ts":1795222980000,"payload":{"account_id":"AcC0unT","object":{"id":85012345678,"uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"h0st","topic":"수학 수업","type":2,"start_time":"2026-11-21T01:00:00Z","timezone":"Asia/Seoul","duration":60,"participant":{"user_id":"16778240","user_name":"김민지","id":"","participant_uuid":"p-uuid-1","email":"","join_time":"2026-11-21T01:03:00Z","registrant_id":""}}}}"#;
const JOINED_SIGNATURE: &str = "v0=0cab37cd66c19e3073131dbd94f1697261b8712b5cc3f3a9300d9426df7d4d11";
const VALIDATION_BODY: &str = r#"{"event":"endpoint.url_validation","event_ts":1795222800123,"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}"#;
const VALIDATION_SIGNATURE: &str = "v0=aa31bddd38e2892f174b8380aede7cb62b9752086533c7322022cb8c091390f0";
const ENCRYPTED_TOKEN: &str = "189bad60d71b25fc9705f43e5883e837f2d813ec93ba913b641fbe02d931744f";

async fn class_with_minji() -> (TestApp, store::model::Meeting) {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&m, "minji", "김민지", keys(None, None, None)).await;
    app.invite(&m, "junho", "박준호", keys(None, None, None)).await;
    // Ten minutes into the class: the joins below have happened.
    app.clock.set(t0() + Duration::minutes(10));
    (app, m)
}

#[tokio::test]
async fn a_signed_join_from_zoom_is_recorded_as_the_invitees_first_join() {
    let (app, m) = class_with_minji().await;
    app.clock.set(t0() + Duration::seconds(181));
    let answer = app
        .zoom(Some(JOINED_TIMESTAMP), Some(JOINED_SIGNATURE), JOINED_BODY)
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.joined(&m).await,
        vec![("minji".into(), t0() + Duration::minutes(3), "zoom")]
    );
    assert_eq!(app.state.metrics().get(Count::ZoomJoinRecorded), 1);

    // Zoom retries the same event: still one record, the first time kept.
    app.clock.advance(Duration::minutes(2));
    let again = app
        .zoom_signed(&joined_body("김민지", "", "", t0() + Duration::minutes(20)))
        .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.joined(&m).await,
        vec![("minji".into(), t0() + Duration::minutes(3), "zoom")]
    );
}

#[tokio::test]
async fn url_validation_answers_with_the_encrypted_token() {
    let app = TestApp::start().await;
    let answer = app
        .zoom(Some(TIMESTAMP), Some(VALIDATION_SIGNATURE), VALIDATION_BODY)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let json: Value = serde_json::from_str(&answer.text).unwrap();
    assert_eq!(json["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(json["encryptedToken"], ENCRYPTED_TOKEN);
    assert_eq!(app.state.metrics().get(Count::ZoomUrlValidated), 1);
}

#[tokio::test]
async fn a_wrong_signature_is_refused_with_401_and_records_nothing() {
    let (app, m) = class_with_minji().await;
    let ts = Some(JOINED_TIMESTAMP);
    let wrong = JOINED_SIGNATURE.replace("0cab", "0cac");
    assert_eq!(
        app.zoom(ts, Some(&wrong), JOINED_BODY).await.status,
        StatusCode::UNAUTHORIZED
    );
    let altered = JOINED_BODY.replace("01:03:00Z", "01:02:00Z");
    assert_eq!(
        app.zoom(ts, Some(JOINED_SIGNATURE), &altered).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.zoom(None, Some(JOINED_SIGNATURE), JOINED_BODY).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.zoom(ts, None, JOINED_BODY).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(app.joined(&m).await.is_empty());
    assert_eq!(app.state.metrics().get(Count::ZoomRejected), 4);
}

#[tokio::test]
async fn a_stale_timestamp_is_refused_even_with_its_valid_signature() {
    let (app, m) = class_with_minji().await;
    // Replayed 90 minutes and 1 second after Zoom signed it: past Zoom's last retry (5, 20 and
    // 60 minutes apart, 85 minutes in all), so not Zoom.
    app.clock
        .set(t0() + Duration::seconds(181) + Duration::minutes(90) + Duration::seconds(1));
    let replayed = app
        .zoom(Some(JOINED_TIMESTAMP), Some(JOINED_SIGNATURE), JOINED_BODY)
        .await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    assert!(app.joined(&m).await.is_empty());
}

#[tokio::test]
async fn without_a_secret_token_the_webhook_is_unavailable() {
    let app = TestApp::start_with_secret(None).await;
    assert_eq!(
        app.zoom(Some(TIMESTAMP), Some(VALIDATION_SIGNATURE), VALIDATION_BODY)
            .await
            .status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn a_signed_body_we_cannot_read_is_a_bad_request() {
    let app = TestApp::start().await;
    assert_eq!(app.zoom_signed("{not json").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.zoom_signed(r#"{"event":"meeting.started","payload":{}}"#)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn the_registrant_id_matches_first() {
    let (app, m) = class_with_minji().await;
    app.invite(&m, "minji", "김민지", keys(None, None, Some("reg-junho-typo")))
        .await;
    app.invite(&m, "junho", "박준호", keys(None, None, Some("reg-42")))
        .await;
    // Named like 민지, registered as 준호: the registrant id decides.
    let answer = app
        .zoom_signed(&joined_body("김민지", "", "reg-42", t0() + Duration::minutes(1)))
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.joined(&m).await,
        vec![("junho".into(), t0() + Duration::minutes(1), "zoom")]
    );
}

#[tokio::test]
async fn then_the_email_in_any_case() {
    let (app, m) = class_with_minji().await;
    app.invite(&m, "junho", "박준호", keys(Some("junho@example.com"), None, None))
        .await;
    app.zoom_signed(&joined_body(
        "JH's iPad",
        "JunHo@Example.COM",
        "",
        t0() + Duration::minutes(2),
    ))
    .await;
    assert_eq!(
        app.joined(&m).await,
        vec![("junho".into(), t0() + Duration::minutes(2), "zoom")]
    );
}

#[tokio::test]
async fn then_a_mapped_display_name_then_the_nickname_normalised() {
    let (app, m) = class_with_minji().await;
    app.invite(&m, "junho", "박준호", keys(None, Some("Park Junho"), None))
        .await;
    app.zoom_signed(&joined_body(
        "park  JUNHO (iPhone)",
        "j***@example.com",
        "",
        t0() + Duration::minutes(4),
    ))
    .await;
    // Decomposed jamo, as macOS sends them, still match 김민지.
    let decomposed = "\u{1100}\u{1175}\u{11B7}\u{1106}\u{1175}\u{11AB}\u{110C}\u{1175}";
    app.zoom_signed(&joined_body(decomposed, "", "", t0() + Duration::minutes(6)))
        .await;
    assert_eq!(
        app.joined(&m).await,
        vec![
            ("junho".into(), t0() + Duration::minutes(4), "zoom"),
            ("minji".into(), t0() + Duration::minutes(6), "zoom"),
        ]
    );
}

#[tokio::test]
async fn an_ambiguous_name_credits_nobody_and_is_kept_for_mapping() {
    let (app, m) = class_with_minji().await;
    app.invite(&m, "minji2", "김 민지", keys(None, None, None)).await;
    let answer = app
        .zoom_signed(&joined_body("김민지", "", "", t0() + Duration::minutes(1)))
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(app.joined(&m).await.is_empty());
    assert_eq!(app.state.metrics().get(Count::ZoomAmbiguousParticipant), 1);
    let seen = app
        .store
        .list_unmatched_participants(m.admin, m.id)
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
}

#[tokio::test]
async fn an_unknown_participant_is_counted_and_remembered_not_an_error() {
    let (app, m) = class_with_minji().await;
    let answer = app
        .zoom_signed(&joined_body(
            "Guest 7",
            "guest7@example.com",
            "",
            t0() + Duration::minutes(1),
        ))
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(app.joined(&m).await.is_empty());
    assert_eq!(app.state.metrics().get(Count::ZoomUnknownParticipant), 1);
    let seen = app
        .store
        .list_unmatched_participants(m.admin, m.id)
        .await
        .unwrap();
    assert_eq!(seen[0].display_name, "Guest 7");
    assert_eq!(seen[0].email.as_ref().unwrap().as_str(), "guest7@example.com");
}

#[tokio::test]
async fn an_unknown_meeting_is_counted_not_an_error() {
    let app = TestApp::start().await;
    let answer = app.zoom_signed(&joined_body("김민지", "", "", t0())).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(app.state.metrics().get(Count::ZoomUnknownMeeting), 1);

    // The same Zoom number, but our meeting is next week: not this one either.
    app.login(admin(1), "김선생").await;
    app.zoom_meeting(admin(1), t0() + Duration::days(7)).await;
    app.zoom_signed(&joined_body("김민지", "", "", t0())).await;
    assert_eq!(app.state.metrics().get(Count::ZoomUnknownMeeting), 2);
}

#[tokio::test]
async fn a_leave_event_credits_a_join_we_missed() {
    let (app, m) = class_with_minji().await;
    let body = serde_json::json!({
        "event": "meeting.participant_left",
        "payload": {"object": {"id": 85012345678u64, "participant": {
            "user_name": "박준호", "leave_time": "2026-11-21T01:40:00Z", "leave_reason": "left the meeting"
        }}}
    });
    app.clock.set(t0() + Duration::minutes(41));
    assert_eq!(
        app.zoom_signed(&body.to_string()).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.joined(&m).await,
        vec![("junho".into(), t0() + Duration::minutes(40), "zoom")]
    );
}

#[tokio::test]
async fn each_admin_using_the_same_zoom_number_is_credited_only_in_their_own_meeting() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    app.login(admin(2), "이코치").await;
    let mine = app.zoom_meeting(admin(1), t0()).await;
    let theirs = app.zoom_meeting(admin(2), t0()).await;
    app.invite(&mine, "minji", "김민지", keys(None, None, None)).await;
    app.invite(&theirs, "other", "최지우", keys(None, None, None))
        .await;
    app.clock.set(t0() + Duration::minutes(2));
    app.zoom_signed(&joined_body("김민지", "", "", t0() + Duration::minutes(1)))
        .await;
    assert_eq!(app.joined(&mine).await.len(), 1);
    assert!(
        app.joined(&theirs).await.is_empty(),
        "admin 2's meeting is untouched"
    );
    assert_eq!(
        app.state.metrics().get(Count::ZoomUnknownParticipant),
        1,
        "unknown in admin 2's meeting"
    );
}

/// Zoom retries an event we answered with a 5xx or too slowly after 5, 20 and 60 minutes, and
/// the retry may carry the first attempt's timestamp: 85 minutes on, it is still credited, at
/// the join time it reports, and a replay of it changes nothing. A timestamp from the future
/// stays refused.
#[tokio::test]
async fn zoom_s_last_retry_is_credited_and_its_replay_changes_nothing() {
    let (app, m) = class_with_minji().await;
    app.clock
        .set(t0() + Duration::seconds(181) + Duration::minutes(85));
    for _ in 0..2 {
        let retried = app
            .zoom(Some(JOINED_TIMESTAMP), Some(JOINED_SIGNATURE), JOINED_BODY)
            .await;
        assert_eq!(retried.status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.joined(&m).await,
            vec![("minji".into(), t0() + Duration::minutes(3), "zoom")]
        );
    }
    app.clock
        .set(t0() + Duration::seconds(181) - Duration::minutes(6));
    let early = app
        .zoom(Some(JOINED_TIMESTAMP), Some(JOINED_SIGNATURE), JOINED_BODY)
        .await;
    assert_eq!(
        early.status,
        StatusCode::UNAUTHORIZED,
        "signed six minutes in the future"
    );
}

/// Breakout rooms send participant events whose meeting id is null or missing: acknowledged
/// and counted, never a 400 (Zoom does not retry a 4xx, and would show it as failing).
#[tokio::test]
async fn a_participant_event_without_a_meeting_id_is_acknowledged_and_counted() {
    let (app, m) = class_with_minji().await;
    for id in [serde_json::json!(null), serde_json::json!("")] {
        let mut body: Value =
            serde_json::from_str(&joined_body("김민지", "", "", t0() + Duration::minutes(2))).unwrap();
        body["payload"]["object"]["id"] = id;
        let answer = app.zoom_signed(&body.to_string()).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
    }
    let mut body: Value =
        serde_json::from_str(&joined_body("김민지", "", "", t0() + Duration::minutes(2))).unwrap();
    body["payload"]["object"].as_object_mut().unwrap().remove("id");
    assert_eq!(
        app.zoom_signed(&body.to_string()).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.state.metrics().get(Count::ZoomNoMeetingId), 3);
    assert!(app.joined(&m).await.is_empty());
}

/// The host joining their own meeting (`participant.id` equal to the meeting's `host_id`) is no
/// unmatched participant: counted, not kept for mapping.
#[tokio::test]
async fn the_host_s_own_join_is_not_an_unmatched_participant() {
    let (app, m) = class_with_minji().await;
    let mut body: Value = serde_json::from_str(&joined_body(
        "김선생",
        "teacher@example.com",
        "",
        t0() + Duration::minutes(1),
    ))
    .unwrap();
    body["payload"]["object"]["participant"]["id"] = serde_json::json!("h0st");
    let answer = app.zoom_signed(&body.to_string()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(app.state.metrics().get(Count::ZoomHostJoined), 1);
    assert_eq!(app.state.metrics().get(Count::ZoomUnknownParticipant), 0);
    let seen = app
        .store
        .list_unmatched_participants(m.admin, m.id)
        .await
        .unwrap();
    assert!(seen.is_empty(), "{seen:?}");
}

/// A stranger who types another admin's Zoom number never sees that meeting's participants:
/// while the Zoom account is bound to nobody and two admins use the number, no participant is
/// kept for anyone.
#[tokio::test]
async fn a_number_two_admins_typed_shows_neither_the_other_s_participants() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    app.login(admin(2), "낯선이").await;
    let mine = app.zoom_meeting(admin(1), t0()).await;
    let stranger = app.zoom_meeting(admin(2), t0()).await;
    app.invite(&mine, "minji", "김민지", keys(None, None, None)).await;
    app.clock.set(t0() + Duration::minutes(2));
    app.zoom_signed(&joined_body(
        "Guest 7",
        "guest7@example.com",
        "",
        t0() + Duration::minutes(1),
    ))
    .await;
    for m in [&mine, &stranger] {
        let seen = app
            .store
            .list_unmatched_participants(m.admin, m.id)
            .await
            .unwrap();
        assert!(seen.is_empty(), "admin {}: {seen:?}", m.admin);
    }
    assert_eq!(app.state.metrics().get(Count::ZoomAccountUnbound), 1);
}

/// A Zoom account is bound on its first use for a number only one admin uses; from then on its
/// events are that admin's alone, whoever else types the number.
#[tokio::test]
async fn once_bound_an_account_s_events_belong_to_its_admin_only() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    app.login(admin(2), "낯선이").await;
    let first = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&first, "minji", "김민지", keys(None, None, None))
        .await;
    app.clock.set(t0() + Duration::minutes(2));
    app.zoom_signed(&joined_body("김민지", "", "", t0() + Duration::minutes(1)))
        .await;
    assert_eq!(
        app.joined(&first).await.len(),
        1,
        "first use binds the account to admin 1"
    );

    // Next week both have a meeting with the number; admin 2 even invited a "김민지".
    let week = Duration::days(7);
    let mine = app.zoom_meeting(admin(1), t0() + week).await;
    let theirs = app.zoom_meeting(admin(2), t0() + week).await;
    app.invite(&mine, "minji", "김민지", keys(None, None, None)).await;
    app.invite(&theirs, "copy", "김민지", keys(None, None, None))
        .await;
    app.clock.set(t0() + week + Duration::minutes(2));
    app.zoom_signed(&joined_body("김민지", "", "", t0() + week + Duration::minutes(1)))
        .await;
    app.zoom_signed(&joined_body(
        "Guest 7",
        "",
        "",
        t0() + week + Duration::minutes(1),
    ))
    .await;

    assert_eq!(app.joined(&mine).await.len(), 1);
    assert!(app.joined(&theirs).await.is_empty(), "not admin 2's account");
    assert!(
        app.store
            .list_unmatched_participants(theirs.admin, theirs.id)
            .await
            .unwrap()
            .is_empty()
    );
    let kept = app
        .store
        .list_unmatched_participants(mine.admin, mine.id)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1, "the owner keeps their own participants");
    assert_eq!(app.state.metrics().get(Count::ZoomOtherAccount), 2);
}

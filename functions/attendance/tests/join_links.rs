//! Tracked join links: `/j/{token}` records "joined via link" once and sends the browser on.

mod common;

use attendance::metrics::Count;
use axum::http::{StatusCode, header};
use chrono::Duration;
use common::*;
use store::model::LinkButton;
use store::model::{LinkToken, MeetingStatus};

#[tokio::test]
async fn opening_the_link_records_the_join_and_redirects_to_the_meeting() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&m, "minji", "김민지", keys(None, None, None)).await;
    let token = app.token(&m, "minji").await;

    app.clock.advance(Duration::minutes(6));
    let answer = app
        .get(&format!("/j/{}", token.path_part(LinkButton::Join)))
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.headers[header::LOCATION], JOIN_URL);
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        app.joined(&m).await,
        vec![("minji".into(), t0() + Duration::minutes(6), "link")]
    );
    assert_eq!(app.state.metrics().get(Count::LinkOpened), 1);
}

#[tokio::test]
async fn a_link_opened_twice_keeps_one_record_with_the_first_time() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&m, "minji", "김민지", keys(None, None, None)).await;
    let path = format!("/j/{}", app.token(&m, "minji").await.path_part(LinkButton::Join));

    app.clock.advance(Duration::minutes(5));
    assert_eq!(app.get(&path).await.status, StatusCode::FOUND);
    app.clock.advance(Duration::minutes(10));
    let second = app.get(&path).await;
    assert_eq!(
        second.status,
        StatusCode::FOUND,
        "the second tap still gets them in"
    );
    assert_eq!(
        app.joined(&m).await,
        vec![("minji".into(), t0() + Duration::minutes(5), "link")]
    );
}

#[tokio::test]
async fn unknown_and_malformed_tokens_get_a_plain_404_that_leaks_nothing() {
    let app = TestApp::start().await;
    let unknown = LinkToken::generate();
    for path in [
        format!("/j/{}", unknown.path_part(LinkButton::Join)),
        "/j/short".to_owned(),
        "/j/..%2F..%2Fetc".to_owned(),
    ] {
        let answer = app.get(&path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            answer.text.contains("link-not-found"),
            "{path}: the plain not-found page"
        );
        assert!(!answer.text.contains(unknown.as_str()), "the token is not echoed");
        assert!(!answer.text.contains("zoom.us"));
    }
    assert!(answer_headers_are_strict(&app.get("/j/short").await));
}

fn answer_headers_are_strict(answer: &Answer) -> bool {
    answer.headers.get(header::CONTENT_SECURITY_POLICY).is_some()
        && answer.headers[header::X_CONTENT_TYPE_OPTIONS] == "nosniff"
}

#[tokio::test]
async fn a_link_after_the_meeting_is_over_or_cancelled_is_not_found() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    let over = app.token(&m, "minji").await;
    // One hour of grace after the end (t0 + 1h): fine at +2h, refused just after.
    app.clock.set(t0() + Duration::hours(2));
    assert_eq!(
        app.get(&format!("/j/{}", over.path_part(LinkButton::Join)))
            .await
            .status,
        StatusCode::FOUND
    );
    app.clock.set(t0() + Duration::hours(2) + Duration::seconds(1));
    let late = app.get(&format!("/j/{}", over.path_part(LinkButton::Join))).await;
    assert_eq!(
        (late.status, late.text.contains("link-not-found")),
        (StatusCode::NOT_FOUND, true)
    );

    app.clock.set(t0());
    let cancelled_meeting = app.zoom_meeting(admin(1), t0()).await;
    let token = app.token(&cancelled_meeting, "minji").await;
    let mut draft = cancelled_meeting.draft.clone();
    draft.status = MeetingStatus::Cancelled;
    draft.next_round = None;
    app.store
        .update_meeting(
            admin(1),
            cancelled_meeting.id,
            cancelled_meeting.version,
            &draft,
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/j/{}", token.path_part(LinkButton::Join)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(app.joined(&cancelled_meeting).await.is_empty());
}

#[tokio::test]
async fn a_token_only_ever_touches_its_own_admins_meeting() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    app.login(admin(2), "이코치").await;
    let mine = app.zoom_meeting(admin(1), t0()).await;
    let theirs = app.zoom_meeting(admin(2), t0()).await;
    // The same friend uuid in both admins' meetings (uuids are per app, so this can happen).
    let token = app.token(&mine, "minji").await;
    app.token(&theirs, "minji").await;
    app.get(&format!("/j/{}", token.path_part(LinkButton::Join)))
        .await;
    assert_eq!(app.joined(&mine).await.len(), 1);
    assert!(app.joined(&theirs).await.is_empty());
}

/// A join is recorded only for a person's browser: a `HEAD` and a chat app's link-preview fetch
/// (KakaoTalk's own scraper among them) record nothing and are not sent to the meeting.
#[tokio::test]
async fn previews_and_probes_do_not_count_as_joining() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&m, "minji", "김민지", keys(None, None, None)).await;
    let path = format!("/j/{}", app.token(&m, "minji").await.path_part(LinkButton::Join));
    app.clock.advance(Duration::minutes(6));

    let head = app
        .send(
            axum::http::Request::head(path.as_str())
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.headers.get(header::LOCATION).is_none());
    let preview = app
        .send(
            axum::http::Request::get(path.as_str())
                .header(
                    header::USER_AGENT,
                    "facebookexternalhit/1.1;kakaotalk-scrap/1.0;+https://devtalk.kakao.com/",
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.headers.get(header::LOCATION).is_none(),
        "the destination is not shown"
    );
    assert!(app.joined(&m).await.is_empty(), "nobody joined yet");
    assert_eq!(app.state.metrics().get(Count::LinkOpened), 0);

    let person = app
        .send(
            axum::http::Request::get(path.as_str())
                .header(
                    header::USER_AGENT,
                    "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 KAKAOTALK 10.4.5",
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(person.status, StatusCode::FOUND);
    assert_eq!(app.joined(&m).await.len(), 1);
}

/// A join link on a host that is not a known meeting service (the admin confirmed it when
/// saving) goes through a page naming the destination, the host as the browser shows it; the
/// join is still recorded. A look-alike internationalised name shows in punycode.
#[tokio::test]
async fn a_link_to_an_unknown_host_names_it_before_going_there() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&m, "minji", "김민지", keys(None, None, None)).await;
    let mut draft = m.draft.clone();
    // "zооm.us" with Cyrillic o's, as the admin's form stores it (punycode).
    let link = domain::meeting::JoinLink::parse("https://zоom.us/j/85012345678").unwrap();
    draft.join_url = store::model::JoinUrl::parse(link.as_str()).unwrap();
    app.store
        .update_meeting(admin(1), m.id, m.version, &draft, t0())
        .await
        .unwrap();
    let token = app.token(&m, "minji").await;

    app.clock.advance(Duration::minutes(6));
    let answer = app
        .get(&format!("/j/{}", token.path_part(LinkButton::Join)))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.headers.get(header::LOCATION).is_none(), "no redirect");
    assert!(answer.text.contains("id=\"leaving\""), "{}", answer.text);
    assert!(answer.text.contains(link.host()), "the punycode host is named");
    assert!(link.host().starts_with("xn--"));
    assert!(answer.text.contains(&format!("href=\"{}\"", link.as_str())));
    assert_eq!(app.joined(&m).await.len(), 1, "a person's tap is still a join");
}

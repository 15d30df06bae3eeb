//! "Stop these reminders": `/stop/{token}` asks, one confirming tap records the opt-out for
//! that admin (and only that admin), and the form refuses posts from other sites.

mod common;

use attendance::metrics::Count;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use store::model::LinkButton;
use store::model::{LinkToken, OptOutSource};

async fn tap(app: &TestApp, path: &str, origin: Option<&str>) -> Answer {
    let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

async fn class() -> (TestApp, store::model::Meeting, String) {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&m, "minji", "김민지", keys(None, None, None)).await;
    let path = format!(
        "/stop/{}",
        app.token(&m, "minji").await.path_part(LinkButton::Stop)
    );
    (app, m, path)
}

#[tokio::test]
async fn one_confirming_tap_stops_that_admins_reminders() {
    let (app, m, path) = class().await;
    let question = app.get(&path).await;
    assert_eq!(question.status, StatusCode::OK);
    assert!(question.text.contains("김선생"), "names the admin");
    assert!(question.text.contains(r#"id="stop-confirm""#));
    assert!(question.text.contains(&format!(r#"action="{path}""#)));
    assert!(
        app.store
            .get_opt_out(admin(1), &uuid("minji"))
            .await
            .unwrap()
            .is_none(),
        "asking changes nothing"
    );

    let done = tap(&app, &path, Some(ORIGIN)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.headers[header::LOCATION], path);
    let opt_out = app
        .store
        .get_opt_out(admin(1), &uuid("minji"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((opt_out.at, opt_out.source), (t0(), OptOutSource::ReminderLink));
    let invitees = app.store.list_invitees(m.admin, m.id).await.unwrap();
    assert!(invitees[0].opted_out, "the meeting shows it too");
    assert_eq!(app.state.metrics().get(Count::OptOutRecorded), 1);

    let after = app.get(&path).await;
    assert!(
        after.text.contains(r#"id="stopped""#),
        "the page now says it is done"
    );
    assert_eq!(
        tap(&app, &path, Some(ORIGIN)).await.status,
        StatusCode::SEE_OTHER,
        "a second tap is harmless"
    );
    assert_eq!(app.state.metrics().get(Count::OptOutRecorded), 1);
}

#[tokio::test]
async fn a_post_from_another_site_or_without_proof_is_refused() {
    let (app, _, path) = class().await;
    for origin in [Some("https://evil.example"), Some("null"), None] {
        let refused = tap(&app, &path, origin).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{origin:?}");
        assert!(refused.text.contains("cross-site"));
    }
    assert!(
        app.store
            .get_opt_out(admin(1), &uuid("minji"))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn an_unknown_token_stops_nothing_and_leaks_nothing() {
    let (app, _, _) = class().await;
    let unknown = format!("/stop/{}", LinkToken::generate().path_part(LinkButton::Stop));
    let page = app.get(&unknown).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.text.contains("김선생"));
    assert_eq!(
        tap(&app, &unknown, Some(ORIGIN)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(app.store.list_opt_outs(admin(1)).await.unwrap().is_empty());
}

#[tokio::test]
async fn opting_out_of_one_admin_leaves_other_admins_alone() {
    let (app, _, path) = class().await;
    app.login(admin(2), "이코치").await;
    let other = app.zoom_meeting(admin(2), t0()).await;
    app.invite(&other, "minji", "김민지", keys(None, None, None))
        .await;
    tap(&app, &path, Some(ORIGIN)).await;
    assert!(
        app.store
            .get_opt_out(admin(1), &uuid("minji"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        app.store
            .get_opt_out(admin(2), &uuid("minji"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(!app.store.list_invitees(admin(2), other.id).await.unwrap()[0].opted_out);
}

#[tokio::test]
async fn the_opt_out_link_keeps_working_after_the_meeting() {
    let (app, _, path) = class().await;
    app.clock.advance(chrono::Duration::days(20));
    assert_eq!(tap(&app, &path, Some(ORIGIN)).await.status, StatusCode::SEE_OTHER);
    assert!(
        app.store
            .get_opt_out(admin(1), &uuid("minji"))
            .await
            .unwrap()
            .is_some()
    );
}

/// The join and stop buttons are different capabilities: a forwarded join link cannot opt the
/// invitee out, and the stop link cannot record a join (each answers the plain 404).
#[tokio::test]
async fn the_join_link_cannot_stop_and_the_stop_link_cannot_join() {
    let app = TestApp::start().await;
    app.login(admin(1), "김선생").await;
    let m = app.zoom_meeting(admin(1), t0()).await;
    app.invite(&m, "minji", "김민지", keys(None, None, None)).await;
    let link = app.token(&m, "minji").await;
    let (join, stop) = (link.path_part(LinkButton::Join), link.path_part(LinkButton::Stop));
    assert_ne!(join, stop);

    let stop_with_join = app.get(&format!("/stop/{join}")).await;
    assert_eq!(stop_with_join.status, StatusCode::NOT_FOUND);
    assert!(stop_with_join.text.contains("link-not-found"));
    let join_with_stop = app.get(&format!("/j/{stop}")).await;
    assert_eq!(join_with_stop.status, StatusCode::NOT_FOUND);
    let bare = app.get(&format!("/j/{}", link.as_str())).await;
    assert_eq!(
        bare.status,
        StatusCode::NOT_FOUND,
        "the token alone opens nothing"
    );
    assert!(app.joined(&m).await.is_empty(), "no join was recorded");
    // Each opens its own button.
    assert_eq!(app.get(&format!("/stop/{stop}")).await.status, StatusCode::OK);
}

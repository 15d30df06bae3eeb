//! The admin's private calendar feed: every meeting and every occurrence of every series, as
//! iCalendar, at an unguessable address the admin adds to Google Calendar, Apple Calendar or
//! Outlook ("subscribe by URL"). Making a new address ends the old one; the feed can be turned
//! off.
//!
//! The address is `/calendar/{admin}.{secret}.ics`: 32 random bytes, shown once when made. Only
//! the secret's SHA-256 is stored (in the admin's preferences), compared in constant time, so a
//! copy of the table opens no one's calendar. Anything that does not match is 404, the same as
//! no feed at all.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use domain::{KakaoUserId, MeetingId};
use icalendar::{Calendar, Component, Event, EventLike};
use maud::html;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use store::StoreError;
use store::model::MeetingStatus;
use subtle::ConstantTimeEq as _;
use web::extract::{AdminSession, Here};
use web::layout::{banner, csrf_field};
use web::{Lang, WebError, WebState};

use crate::meetings::pages::nickname;
use crate::meetings::views::{Viewer, frame};

/// How far back and ahead the feed reaches.
const PAST: Duration = Duration::days(60);
const AHEAD: Duration = Duration::days(366);

fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a new feed address (the old one stops working) and returns its path.
pub async fn make_feed(state: &WebState, admin: KakaoUserId) -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let store = &state.services().store;
    let mut prefs = store.get_preferences(admin).await?;
    prefs.calendar_feed = Some(digest(&secret));
    store.set_preferences(admin, &prefs, state.now()).await?;
    tracing::info!(admin = %admin, "calendar feed address made");
    Ok(format!("/calendar/{admin}.{secret}.ics"))
}

pub async fn stop_feed(state: &WebState, admin: KakaoUserId) -> Result<(), StoreError> {
    let store = &state.services().store;
    let mut prefs = store.get_preferences(admin).await?;
    prefs.calendar_feed = None;
    store.set_preferences(admin, &prefs, state.now()).await?;
    tracing::info!(admin = %admin, "calendar feed turned off");
    Ok(())
}

/// `GET /calendar/{admin}.{secret}.ics`, no session.
pub async fn feed(State(state): State<WebState>, Path(file): Path<String>) -> Result<Response, WebError> {
    let not_found = WebError::NotFound { what: None };
    let Some((admin, secret)) = file
        .strip_suffix(".ics")
        .and_then(|rest| rest.split_once('.'))
        .and_then(|(admin, secret)| Some((KakaoUserId::parse(admin).ok()?, secret)))
    else {
        return Err(not_found);
    };
    let prefs = state.services().store.get_preferences(admin).await?;
    let opens = prefs
        .calendar_feed
        .is_some_and(|stored| bool::from(stored.as_bytes().ct_eq(digest(secret).as_bytes())));
    if !opens {
        return Err(not_found);
    }
    let body = calendar(&state, admin, state.now()).await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response())
}

/// The calendar: plain meetings as they are stored, series' occurrences as their series says
/// (skipped ones left out, moved ones where they went), cancelled ones marked cancelled.
async fn calendar(state: &WebState, admin: KakaoUserId, now: DateTime<Utc>) -> Result<String, StoreError> {
    let store = &state.services().store;
    let (from, until) = (now - PAST, now + AHEAD);
    let mut cal = Calendar::new();
    cal.name("ttokttok");
    for meeting in store.list_meetings(admin).await? {
        let d = &meeting.draft;
        if d.settings.occurrence.is_some() || d.starts_at < from || d.starts_at >= until {
            continue;
        }
        let mut event = event(
            meeting.id,
            &d.title,
            d.starts_at,
            d.ends_at,
            d.join_url.as_str(),
            meeting.updated_at,
        );
        if d.status == MeetingStatus::Cancelled {
            event.status(icalendar::EventStatus::Cancelled);
        }
        cal.push(event.done());
    }
    for record in store.list_series(admin).await? {
        for o in record.draft.series.occurrences(from, until) {
            if o.skipped {
                continue;
            }
            let id = MeetingId::of_occurrence(record.id, o.original);
            cal.push(
                event(
                    id,
                    o.title.as_str(),
                    o.starts_at,
                    o.ends_at,
                    o.join_link.as_str(),
                    record.updated_at,
                )
                .done(),
            );
        }
    }
    Ok(cal.done().to_string())
}

fn event(
    id: MeetingId,
    title: &str,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    join: &str,
    stamp: DateTime<Utc>,
) -> Event {
    let mut event = Event::new();
    event
        .uid(&format!("{id}@ttokttok"))
        .summary(title)
        .starts(starts)
        .ends(ends)
        .url(join)
        .location(join)
        .timestamp(stamp);
    event
}

/// `GET /calendar`: the feed's state and the buttons to make or stop it.
pub async fn page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    render(&state, &session, lang, &here, None).await
}

async fn render(
    state: &WebState,
    session: &web::Session,
    lang: Lang,
    here: &str,
    fresh: Option<String>,
) -> Result<Response, WebError> {
    let prefs = state.services().store.get_preferences(session.admin).await?;
    let name = nickname(state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, session, here);
    let site = state.site().public_url.as_str().trim_end_matches('/').to_owned();
    let body = html! {
        div #calendar-page {
            h1 { (lang.t("내 캘린더에 모임 보기", "Meetings in your calendar")) }
            p { (lang.t(
                "Google 캘린더, Apple 캘린더, Outlook 에서 'URL로 구독'에 아래 주소를 넣으면 모든 모임과 반복 회차가 보입니다. 이 주소를 아는 사람은 누구나 일정을 볼 수 있으니 나누지 마세요.",
                "Add the address below in Google Calendar, Apple Calendar or Outlook (\"subscribe from URL\") to see every meeting and every class of your series. Anyone with the address can read the calendar, so keep it to yourself."
            )) }
            @if let Some(path) = &fresh {
                (banner("info", "calendar-feed-made", html! {
                    p { (lang.t("새 주소입니다. 이 화면에서만 보입니다.", "Your new address. It is shown only now.")) }
                    p { code #calendar-feed-url { (site) (path) } }
                }))
            } @else if prefs.calendar_feed.is_some() {
                p #calendar-feed-on { (lang.t("캘린더 주소가 켜져 있습니다. 잃어버렸다면 새 주소를 만드세요 (예전 주소는 멈춥니다).", "Your calendar address is on. If you lost it, make a new one (the old one stops).")) }
            } @else {
                p #calendar-feed-off { (lang.t("캘린더 주소가 없습니다.", "There is no calendar address.")) }
            }
            form method="post" action="/calendar/feed" {
                (csrf_field(viewer.csrf))
                button.btn #make-calendar-feed type="submit" { (lang.t("새 주소 만들기", "Make a new address")) }
            }
            @if prefs.calendar_feed.is_some() || fresh.is_some() {
                form method="post" action="/calendar/feed/stop" {
                    (csrf_field(viewer.csrf))
                    button.btn.btn-quiet #stop-calendar-feed type="submit" { (lang.t("주소 끄기", "Turn the address off")) }
                }
            }
            h2 { (lang.t("다른 캘린더에서 가져오기", "Bring in from another calendar")) }
            p {
                (lang.t("Google 캘린더나 Zoom 에서 내보낸 .ics 파일의 일정을 모임으로 만듭니다. ", "Turn the events of an .ics file from Google Calendar or Zoom into meetings. "))
                a.btn.btn-quiet #import-calendar href="/calendar/import" { (lang.t(".ics 가져오기", "Import an .ics")) }
            }
        }
    };
    Ok(frame(&viewer, lang.t("캘린더", "Calendar"), body).into_response())
}

/// `POST /calendar/feed`.
pub async fn make(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
) -> Result<Response, WebError> {
    let path = make_feed(&state, session.admin).await?;
    render(&state, &session, lang, "/calendar", Some(path)).await
}

/// `POST /calendar/feed/stop`.
pub async fn stop(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    stop_feed(&state, session.admin).await?;
    Ok(crate::meetings::pages::see_other("/calendar".into()))
}

//! A fresh attendance app per test: the real router over an in-memory SQLite store and a
//! manual clock, with an admin, a Zoom meeting and its invitees already set up.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use attendance::{AttendanceSettings, AttendanceState};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::delivery::Round;
use domain::{FriendUuid, KakaoUserId, ManualClock, MeetingId};
use http_body_util::BodyExt;
use secrecy::SecretString;
use store::Store;
use store::crypto::StaticKeyProvider;
use store::model::{
    AdminLogin, AdminStatus, Email, Invitee, JoinUrl, LinkToken, MatchKeys, Meeting, MeetingDraft,
    MeetingSettings, MeetingStatus, NextRound, ScopeId, ZoomMeetingId,
};
use store::sqlite::SqliteStore;
use tower::ServiceExt;

pub const ZOOM_SECRET: &str = "zoom-test-secret-token";
pub const ORIGIN: &str = "https://tt.example.com";
pub const ZOOM_NUMBER: &str = "85012345678";
pub const JOIN_URL: &str = "https://us02web.zoom.us/j/85012345678?pwd=abc";

/// 2026-11-21 01:00:00 UTC (10:00 in Seoul): the meeting starts, and the fixed vectors' timestamp.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0).unwrap()
}

pub fn admin(n: i64) -> KakaoUserId {
    KakaoUserId::new(4_100_000_000 + n).unwrap()
}

pub fn uuid(s: &str) -> FriendUuid {
    FriendUuid::parse(s).unwrap()
}

pub struct TestApp {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub clock: ManualClock,
    pub state: AttendanceState,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with_secret(Some(ZOOM_SECRET)).await
    }

    pub async fn start_with_secret(secret: Option<&str>) -> TestApp {
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::in_memory(Arc::new(StaticKeyProvider::new([7u8; 32]))).unwrap());
        let clock = ManualClock::new(t0());
        let secret = secret.map(SecretString::from);
        let settings =
            AttendanceSettings::new(app::config::PublicUrl::parse(ORIGIN).unwrap(), secret.as_ref());
        let state = AttendanceState::new(store.clone(), Arc::new(clock.clone()), settings);
        let router = web::with_not_found(attendance::router(state.clone()));
        TestApp {
            router,
            store,
            clock,
            state,
        }
    }

    pub async fn login(&self, who: KakaoUserId, nickname: &str) {
        let login = AdminLogin {
            id: who,
            nickname: nickname.to_owned(),
            scopes: ScopeId::parse_list("profile_nickname friends talk_message").unwrap(),
            status: AdminStatus::Active,
        };
        self.store.upsert_admin(&login, t0()).await.unwrap();
    }

    /// A meeting of `who` starting at `start` for an hour, on the Zoom number.
    pub async fn zoom_meeting(&self, who: KakaoUserId, start: DateTime<Utc>) -> Meeting {
        let draft = MeetingDraft {
            title: "수학 수업".into(),
            starts_at: start,
            ends_at: start + Duration::hours(1),
            time_zone: chrono_tz::Asia::Seoul,
            join_url: JoinUrl::parse(JOIN_URL).unwrap(),
            zoom_meeting_id: Some(ZoomMeetingId::parse(ZOOM_NUMBER).unwrap()),
            status: MeetingStatus::Scheduled,
            next_round: Some(NextRound {
                round: Round::FIRST,
                due_at: start + Duration::minutes(5),
            }),
            settings: MeetingSettings::default(),
        };
        self.store
            .create_meeting(who, MeetingId::new_v7(), &draft, t0())
            .await
            .unwrap()
    }

    pub async fn invite(&self, m: &Meeting, friend: &str, nickname: &str, keys: MatchKeys) {
        let invitee = Invitee {
            friend: uuid(friend),
            display_name: nickname.into(),
            match_keys: keys,
            opted_out: false,
        };
        self.store.put_invitee(m.admin, m.id, &invitee).await.unwrap();
    }

    pub async fn token(&self, m: &Meeting, friend: &str) -> LinkToken {
        self.store
            .ensure_link_token(
                m.admin,
                m.id,
                &uuid(friend),
                m.draft.ends_at + Duration::days(60),
                t0(),
            )
            .await
            .unwrap()
    }

    pub async fn joined(&self, m: &Meeting) -> Vec<(String, DateTime<Utc>, &'static str)> {
        self.store
            .list_attendance(m.admin, m.id)
            .await
            .unwrap()
            .into_iter()
            .map(|(f, a)| (f.as_str().to_owned(), a.first_joined_at, a.source.as_str()))
            .collect()
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response: Response<Body> = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    /// A Zoom webhook with these exact headers and body bytes.
    pub async fn zoom(&self, timestamp: Option<&str>, signature: Option<&str>, body: &str) -> Answer {
        let mut request = Request::post("/webhooks/zoom").header(header::CONTENT_TYPE, "application/json");
        if let Some(ts) = timestamp {
            request = request.header("x-zm-request-timestamp", ts);
        }
        if let Some(sig) = signature {
            request = request.header("x-zm-signature", sig);
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// A webhook signed now with the test secret, as Zoom would send it.
    pub async fn zoom_signed(&self, body: &str) -> Answer {
        let ts = self.clock_now().timestamp().to_string();
        let secret = attendance::zoom::signature::ZoomSecret::new(&SecretString::from(ZOOM_SECRET)).unwrap();
        let sig = attendance::zoom::signature::sign(&secret, &ts, body.as_bytes());
        self.zoom(Some(&ts), Some(&sig), body).await
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use domain::Clock;
        self.clock.now()
    }
}

/// A `meeting.participant_joined` body for the Zoom number.
pub fn joined_body(name: &str, email: &str, registrant_id: &str, join_time: DateTime<Utc>) -> String {
    serde_json::json!({
        "event": "meeting.participant_joined",
        "event_ts": join_time.timestamp_millis(),
        "payload": {
            "account_id": "AcC0unT",
            "object": {
                "id": 85012345678u64,
                "uuid": "4444AAAiAAAAAiAiAiiAii==",
                "host_id": "h0st",
                "topic": "수학 수업",
                "participant": {
                    "user_id": "16778240",
                    "user_name": name,
                    "participant_uuid": "p-uuid",
                    "email": email,
                    "join_time": join_time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    "registrant_id": registrant_id,
                }
            }
        }
    })
    .to_string()
}

pub fn keys(email: Option<&str>, name: Option<&str>, registrant: Option<&str>) -> MatchKeys {
    MatchKeys {
        email: email.map(|e| Email::parse(e).unwrap()),
        display_name: name.map(str::to_owned),
        zoom_registrant_id: registrant.map(str::to_owned),
    }
}

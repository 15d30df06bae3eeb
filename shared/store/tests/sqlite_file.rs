//! What only the SQLite backend has: one file on disk, in WAL mode, with a schema that is
//! migrated on open, tokens that never reach the file in plaintext, and faults that surface as
//! typed errors.
#![cfg(feature = "sqlite")]

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use domain::KakaoUserId;
use secrecy::SecretString;
use store::api::{AdminStore, OAuthStateStore, TokenStore};
use store::crypto::StaticKeyProvider;
use store::model::{AdminLogin, AdminStatus, KakaoTokens, OAuthPurpose, OAuthState, ScopeId};
use store::sqlite::SCHEMA_VERSION;
use store::{SqliteStore, StoreError};

/// A database path of its own, removed (with its WAL files) when dropped.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join("ttokttok-store-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let db = Self(dir.join(format!("{name}-{}.db", std::process::id())));
        db.remove();
        db
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for suffix in ["", "-wal"] {
            all.extend(std::fs::read(format!("{}{suffix}", self.0.display())).unwrap_or_default());
        }
        all
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

fn keys() -> Arc<StaticKeyProvider> {
    Arc::new(StaticKeyProvider::new([9; 32]))
}

fn admin() -> KakaoUserId {
    KakaoUserId::new(42).unwrap()
}

async fn logged_in(store: &SqliteStore) {
    let login = AdminLogin {
        id: admin(),
        nickname: "관리자".into(),
        scopes: ScopeId::parse_list("friends talk_message").unwrap(),
        status: AdminStatus::Active,
    };
    store.upsert_admin(&login, Utc::now()).await.unwrap();
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn tokens_never_reach_the_file_in_plaintext() {
    let db = TempDb::new("plaintext");
    let store = SqliteStore::open(&db.0, keys()).unwrap();
    logged_in(&store).await;
    let now = Utc::now();
    let tokens = KakaoTokens {
        access_token: SecretString::from("ACCESS-sentinel-7f3a".to_owned()),
        access_expires_at: now + Duration::hours(6),
        refresh_token: SecretString::from("REFRESH-sentinel-91c2".to_owned()),
        refresh_expires_at: now + Duration::days(60),
        scopes: ScopeId::parse_list("talk_message").unwrap(),
    };
    store.save_tokens(admin(), &tokens, now).await.unwrap();
    let on_disk = db.bytes();
    assert!(
        contains(&on_disk, "관리자"),
        "the check reads the data it means to read"
    );
    assert!(!contains(&on_disk, "ACCESS-sentinel-7f3a"));
    assert!(!contains(&on_disk, "REFRESH-sentinel-91c2"));
}

#[tokio::test]
async fn the_file_is_in_wal_mode_and_survives_reopening() {
    let db = TempDb::new("reopen");
    {
        let store = SqliteStore::open(&db.0, keys()).unwrap();
        logged_in(&store).await;
    }
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version as usize, SCHEMA_VERSION);
    drop(conn);

    let reopened = SqliteStore::open(&db.0, keys()).unwrap();
    assert_eq!(reopened.get_admin(admin()).await.unwrap().nickname, "관리자");
}

#[tokio::test]
async fn a_file_from_a_newer_build_is_refused_not_guessed_at() {
    let db = TempDb::new("newer");
    drop(SqliteStore::open(&db.0, keys()).unwrap());
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    assert!(matches!(
        SqliteStore::open(&db.0, keys()),
        Err(StoreError::Corrupt { .. })
    ));
}

#[tokio::test]
async fn a_file_that_cannot_be_opened_is_a_backend_error() {
    let nowhere = std::env::temp_dir()
        .join("ttokttok-no-such-dir")
        .join("deeper")
        .join("x.db");
    let err = SqliteStore::open(&nowhere, keys()).unwrap_err();
    assert!(matches!(err, StoreError::Backend { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some(), "the cause is kept");
}

#[tokio::test]
async fn a_row_that_no_longer_parses_is_corrupt() {
    let db = TempDb::new("corrupt");
    let store = SqliteStore::open(&db.0, keys()).unwrap();
    logged_in(&store).await;
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    conn.execute("UPDATE admins SET status = 'banned' WHERE id = 42", [])
        .unwrap();
    drop(conn);
    assert!(matches!(
        store.get_admin(admin()).await,
        Err(StoreError::Corrupt { .. })
    ));
}

#[tokio::test]
async fn purging_removes_only_what_has_expired() {
    let db = TempDb::new("purge");
    let store = SqliteStore::open(&db.0, keys()).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0).unwrap();
    let old = OAuthState::new(OAuthPurpose::AdminLogin, None, t0);
    let fresh = OAuthState::new(OAuthPurpose::AdminLogin, None, t0 + Duration::minutes(8));
    store.create_state(&old).await.unwrap();
    store.create_state(&fresh).await.unwrap();
    assert_eq!(store.purge_expired(t0 + Duration::minutes(11)).await.unwrap(), 1);
    assert!(
        store
            .consume_state(&old.nonce, t0)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .consume_state(&fresh.nonce, t0 + Duration::minutes(11))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn quota_counters_expire_two_days_after_their_kakao_day() {
    use domain::{KstDay, MeetingId, QuotaLimits};
    use store::api::{MeetingStore, QuotaStore};
    use store::model::{
        BatchRecipients, InitialState, JoinUrl, MeetingDraft, MeetingSettings, MeetingStatus, QuotaSubject,
        ReservationRequest,
    };

    let store = SqliteStore::in_memory(keys()).unwrap();
    logged_in(&store).await;
    let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0).unwrap();
    let draft = MeetingDraft {
        title: "수업".into(),
        starts_at: t0,
        ends_at: t0 + Duration::hours(1),
        time_zone: chrono_tz::Asia::Seoul,
        join_url: JoinUrl::parse("https://zoom.us/j/1").unwrap(),
        zoom_meeting_id: None,
        status: MeetingStatus::Scheduled,
        next_round: None,
        settings: MeetingSettings::default(),
    };
    let meeting = store
        .create_meeting(admin(), MeetingId::new_v7(), &draft, t0)
        .await
        .unwrap();
    let day = KstDay::containing(t0);
    let request = ReservationRequest {
        sender: admin(),
        meeting: meeting.id,
        round: domain::delivery::Round::FIRST,
        recipients: BatchRecipients::new(vec![domain::FriendUuid::parse("f1").unwrap()]).unwrap(),
        day,
        initial: InitialState::Sending,
        limits: QuotaLimits::KAKAO,
        links: None,
    };
    store.reserve(&request, t0).await.unwrap();
    let expiry = day.resets_at() + Duration::days(2);
    assert_eq!(
        store.purge_expired(expiry - Duration::seconds(1)).await.unwrap(),
        0
    );
    assert_eq!(store.quota_used(day, &QuotaSubject::App).await.unwrap(), 1);
    assert_eq!(
        store.purge_expired(expiry).await.unwrap(),
        4,
        "app, sender, recipient and pair"
    );
    assert_eq!(store.quota_used(day, &QuotaSubject::App).await.unwrap(), 0);
}

//! Small builders so tests say what happens, not how records are spelled.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::delivery::Round;
use domain::friends::FriendProfile;
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId, QuotaLimits};
use secrecy::SecretString;
use store::Store;
use store::model::{
    AdminLogin, AdminStatus, BatchRecipients, InitialState, Invitee, JoinUrl, KakaoTokens, LinkRequest,
    MatchKeys, Meeting, MeetingDraft, MeetingSettings, MeetingStatus, NextRound, ReservationRequest, ScopeId,
};

/// 10:00 in Seoul on 2026-11-21: a meeting morning.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0)
        .single()
        .expect("a valid time")
}

pub fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

pub fn today() -> KstDay {
    KstDay::containing(t0())
}

pub fn admin(n: i64) -> KakaoUserId {
    KakaoUserId::new(3_110_000_000 + n).expect("a positive id")
}

pub fn uuid(s: &str) -> FriendUuid {
    FriendUuid::parse(s).expect("a valid friend uuid")
}

pub fn round(n: u16) -> Round {
    Round::new(n).expect("a valid round")
}

pub fn scopes(list: &str) -> BTreeSet<ScopeId> {
    ScopeId::parse_list(list).expect("valid scopes")
}

/// An active admin with friends and message consent, as after a successful login.
pub async fn login(store: &dyn Store, id: KakaoUserId) {
    let login = AdminLogin {
        id,
        nickname: format!("관리자 {id}"),
        scopes: scopes("profile_nickname friends talk_message"),
        status: AdminStatus::Active,
    };
    store.upsert_admin(&login, t0()).await.expect("login");
}

pub fn tokens(tag: &str, now: DateTime<Utc>) -> KakaoTokens {
    KakaoTokens {
        access_token: SecretString::from(format!("access-{tag}")),
        access_expires_at: now + Duration::hours(6),
        refresh_token: SecretString::from(format!("refresh-{tag}")),
        refresh_expires_at: now + Duration::days(60),
        scopes: scopes("friends talk_message"),
    }
}

pub fn friend(uuid_text: &str, nickname: &str) -> FriendProfile {
    FriendProfile {
        uuid: uuid(uuid_text),
        kakao_id: Some(KakaoUserId::new(9_000_000 + uuid_text.len() as i64).expect("positive")),
        nickname: nickname.to_owned(),
        thumbnail_url: Some(format!("https://k.kakaocdn.net/{uuid_text}.jpg")),
        favorite: false,
    }
}

/// A meeting starting at `starts_at`, first reminder due five minutes later.
pub fn draft(starts_at: DateTime<Utc>) -> MeetingDraft {
    MeetingDraft {
        title: "영어 회화 수업".to_owned(),
        starts_at,
        ends_at: starts_at + Duration::hours(1),
        time_zone: chrono_tz::Asia::Seoul,
        join_url: JoinUrl::parse("https://zoom.us/j/81234567890?pwd=abc").expect("a join url"),
        zoom_meeting_id: None,
        status: MeetingStatus::Scheduled,
        next_round: Some(NextRound {
            round: Round::FIRST,
            due_at: starts_at + Duration::minutes(5),
        }),
        settings: MeetingSettings::default(),
    }
}

/// Creates a meeting for `admin` (who must have logged in).
pub async fn meeting(store: &dyn Store, admin: KakaoUserId) -> Meeting {
    store
        .create_meeting(admin, MeetingId::new_v7(), &draft(t0()), t0())
        .await
        .expect("create meeting")
}

/// A round moved on with nothing to record, as the sweep finishes a round that sent nothing;
/// the meeting as it now is.
pub async fn advance_round(
    store: &dyn Store,
    admin: KakaoUserId,
    id: MeetingId,
    from: NextRound,
    to: Option<NextRound>,
    now: DateTime<Utc>,
) -> Result<Meeting, store::StoreError> {
    store
        .finish_round(admin, id, from, to, &[], now)
        .await?
        .advanced?;
    store.get_meeting(admin, id).await
}

pub fn invitee(uuid_text: &str, name: &str) -> Invitee {
    Invitee {
        friend: uuid(uuid_text),
        display_name: name.to_owned(),
        match_keys: MatchKeys {
            display_name: Some(name.to_owned()),
            ..MatchKeys::default()
        },
        opted_out: false,
    }
}

/// A batch to send now, at Kakao's limits, today.
pub fn batch(
    sender: KakaoUserId,
    meeting: MeetingId,
    round_no: u16,
    recipients: &[&str],
) -> ReservationRequest {
    ReservationRequest {
        sender,
        meeting,
        round: round(round_no),
        recipients: BatchRecipients::new(recipients.iter().map(|r| uuid(r)).collect())
            .expect("1 to 5 recipients"),
        day: today(),
        initial: InitialState::Sending,
        limits: QuotaLimits::KAKAO,
        links: None,
    }
}

/// `request`, asking for tracked-link tokens (valid until `until`) for `friends`.
pub fn with_links(
    mut request: ReservationRequest,
    friends: &[&str],
    until: DateTime<Utc>,
) -> ReservationRequest {
    request.links = Some(LinkRequest {
        friends: uuids(friends).into_iter().collect(),
        expires_at: until,
    });
    request
}

pub fn uuids(list: &[&str]) -> Vec<FriendUuid> {
    list.iter().map(|s| uuid(s)).collect()
}

/// A string this many bytes long: bigger than any item may be.
pub fn huge(bytes: usize) -> String {
    "가".repeat(bytes / 3 + 1)
}

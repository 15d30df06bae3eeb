//! Generated worlds for tests: an admin with any number of friends, deterministic so a failing
//! test can be rerun against the same people.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{AppConfig, ClockSpec, Friendship, QuotaLimits, TokenPolicy, UserSpec, World};

/// The admin of a generated world.
pub(crate) const GENERATED_ADMIN_ID: i64 = 1000;

const FAMILY_NAMES: [&str; 10] = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const GIVEN_NAMES: [&str; 12] = [
    "민준", "서연", "도윤", "하은", "시우", "지우", "예준", "수아", "주원", "지호", "하린", "유나",
];

pub(super) fn with_friends(n: usize) -> World {
    let admin = UserSpec {
        id: GENERATED_ADMIN_ID,
        nickname: "관리자".into(),
        uuid: uuid_for(GENERATED_ADMIN_ID),
        thumbnail_url: None,
        profile_image_url: None,
        linked: true,
        agreed: vec!["profile_nickname".into(), "friends".into(), "talk_message".into()],
        refuses_messages: false,
    };
    let friends: Vec<UserSpec> = (1..=n)
        .map(|i| {
            let id = GENERATED_ADMIN_ID + i as i64;
            UserSpec {
                id,
                nickname: nickname_for(i),
                uuid: uuid_for(id),
                ..admin.clone()
            }
        })
        .collect();
    let users: Vec<UserSpec> = std::iter::once(admin).chain(friends).collect();
    let friendships = users
        .iter()
        .skip(1)
        .map(|u| Friendship {
            between: [GENERATED_ADMIN_ID, u.id],
            favorite_of: Vec::new(),
        })
        .collect();
    World {
        app: AppConfig {
            app_id: 100_001,
            name: "똑똑".into(),
            rest_api_key: "5b0c1e2d3f4a5b6c7d8e9f0a1b2c3d01".into(),
            client_secret: Some("sandbox-client-secret-0001".into()),
            admin_key: "ad0000000000000000000000000000a1".into(),
            consent_items: super::default_consent_items(),
            redirect_uris: local_redirect_uris(),
            web_domains: vec!["http://127.0.0.1:3000".into(), "http://localhost:3000".into()],
            unlink_webhook_url: Some("http://127.0.0.1:3000/kakao/unlink".into()),
            message_permission: true,
            team_members: vec![GENERATED_ADMIN_ID],
            quotas: QuotaLimits::default(),
            tokens: TokenPolicy::default(),
            friends_default_limit: 10,
            memo_counts_toward_quota: false,
            friends_without_id: false,
            standing: super::AppStanding::Active,
        },
        users,
        friendships,
        clock: ClockSpec::default(),
    }
}

/// The redirect URIs of a local ttokttok on port 3000 (login and client onboarding).
fn local_redirect_uris() -> Vec<String> {
    ["127.0.0.1", "localhost"]
        .iter()
        .flat_map(|host| ["oauth", "join"].map(|flow| format!("http://{host}:3000/{flow}/callback")))
        .collect()
}

/// A Korean nickname for the `i`th generated friend; unique for every `i`.
fn nickname_for(i: usize) -> String {
    let family = FAMILY_NAMES[i % FAMILY_NAMES.len()];
    let given = GIVEN_NAMES[(i / FAMILY_NAMES.len()) % GIVEN_NAMES.len()];
    let round = i / (FAMILY_NAMES.len() * GIVEN_NAMES.len());
    if round == 0 {
        format!("{family}{given}")
    } else {
        format!("{family}{given}{round}")
    }
}

/// A Kakao-looking uuid (22 base64url characters, so '-' and '_' do occur), derived from the id so
/// generated worlds are reproducible.
fn uuid_for(id: i64) -> String {
    let mut bytes = [0u8; 16];
    let mut state = id as u64;
    for chunk in bytes.chunks_mut(8) {
        state = splitmix64(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_nicknames_and_uuids_are_unique() {
        let world = with_friends(400);
        let nicknames: std::collections::BTreeSet<_> = world.users.iter().map(|u| &u.nickname).collect();
        let uuids: std::collections::BTreeSet<_> = world.users.iter().map(|u| &u.uuid).collect();
        assert_eq!(nicknames.len(), 401);
        assert_eq!(uuids.len(), 401);
    }
}

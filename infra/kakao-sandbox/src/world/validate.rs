//! Consistency checks on a world, so a typo in a world file fails loudly at start-up instead of
//! surfacing later as a baffling Kakao answer.

use std::collections::{BTreeMap, BTreeSet};

use super::World;

/// The first contradiction found in a world.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldProblem {
    #[error("app.{0} must not be empty")]
    EmptyAppField(&'static str),
    #[error("app.consent_items lists {0:?} twice")]
    DuplicateConsentItem(String),
    #[error("{field} {value:?} is not an absolute http(s) URL")]
    BadUrl { field: &'static str, value: String },
    #[error("app.tokens.{0} must be positive")]
    BadTokenPolicy(&'static str),
    #[error("app.friends_default_limit must be 1 to 100, got {0}")]
    BadFriendsPageSize(u32),
    #[error("user id {0} is not a positive number")]
    NonPositiveUserId(i64),
    #[error("user id {0} appears twice")]
    DuplicateUserId(i64),
    #[error("user {user} has a malformed uuid {uuid:?} (1 to 64 letters, digits, '-' or '_')")]
    MalformedUuid { user: i64, uuid: String },
    #[error("uuid {uuid:?} belongs to both user {first} and user {second}")]
    DuplicateUuid { uuid: String, first: i64, second: i64 },
    #[error("user {user} agreed to {item:?}, which the app does not configure")]
    UnknownConsentItem { user: i64, item: String },
    #[error("user {0} has not linked the app, so cannot have agreed to anything")]
    UnlinkedUserHasConsent(i64),
    #[error("user {user} is linked but has not agreed to the required item {item:?}")]
    MissingRequiredConsent { user: i64, item: String },
    #[error("friendship {pair:?} names unknown user {friend}")]
    UnknownFriend { friend: i64, pair: [i64; 2] },
    #[error("user {0} cannot be their own friend")]
    SelfFriendship(i64),
    #[error("friendship {0:?} is listed twice")]
    DuplicateFriendship([i64; 2]),
    #[error("friendship {pair:?} marks a favourite of {user}, who is not in it")]
    FavoriteOutsideFriendship { user: i64, pair: [i64; 2] },
    #[error("app.team_members names unknown user {0}")]
    UnknownTeamMember(i64),
}

/// Whether `uuid` has the shape of a Kakao friend uuid (base64url-like, 1 to 64 characters).
pub(crate) fn is_well_formed_uuid(uuid: &str) -> bool {
    !uuid.is_empty()
        && uuid.len() <= 64
        && uuid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(super) fn validate(world: &World) -> Result<(), WorldProblem> {
    validate_app(world)?;
    validate_users(world)?;
    validate_friendships(world)?;
    for member in &world.app.team_members {
        if world.user(*member).is_none() {
            return Err(WorldProblem::UnknownTeamMember(*member));
        }
    }
    Ok(())
}

fn validate_app(world: &World) -> Result<(), WorldProblem> {
    let app = &world.app;
    for (field, value) in [
        ("name", &app.name),
        ("rest_api_key", &app.rest_api_key),
        ("admin_key", &app.admin_key),
    ] {
        if value.trim().is_empty() {
            return Err(WorldProblem::EmptyAppField(field));
        }
    }
    if app.client_secret.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err(WorldProblem::EmptyAppField("client_secret"));
    }
    let mut items = BTreeSet::new();
    for item in &app.consent_items {
        if !items.insert(item.id.as_str()) {
            return Err(WorldProblem::DuplicateConsentItem(item.id.clone()));
        }
    }
    for uri in &app.redirect_uris {
        check_url("app.redirect_uris", uri)?;
    }
    for domain in &app.web_domains {
        check_url("app.web_domains", domain)?;
    }
    if let Some(url) = &app.unlink_webhook_url {
        check_url("app.unlink_webhook_url", url)?;
    }
    let t = &app.tokens;
    for (field, seconds) in [
        ("authorization_code_seconds", t.authorization_code_seconds),
        ("access_token_seconds", t.access_token_seconds),
        ("refresh_token_seconds", t.refresh_token_seconds),
        (
            "refresh_rotation_threshold_seconds",
            t.refresh_rotation_threshold_seconds,
        ),
    ] {
        if seconds <= 0 {
            return Err(WorldProblem::BadTokenPolicy(field));
        }
    }
    for (field, limit) in [
        ("access_token_issue_limit", t.access_token_issue_limit),
        ("refresh_token_issue_limit", t.refresh_token_issue_limit),
    ] {
        if limit.is_some_and(|l| l.window_seconds <= 0) {
            return Err(WorldProblem::BadTokenPolicy(field));
        }
    }
    if !(1..=100).contains(&app.friends_default_limit) {
        return Err(WorldProblem::BadFriendsPageSize(app.friends_default_limit));
    }
    Ok(())
}

fn check_url(field: &'static str, value: &str) -> Result<(), WorldProblem> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(WorldProblem::BadUrl {
            field,
            value: value.to_owned(),
        }),
    }
}

fn validate_users(world: &World) -> Result<(), WorldProblem> {
    let mut ids = BTreeSet::new();
    let mut uuids: BTreeMap<&str, i64> = BTreeMap::new();
    for user in &world.users {
        if user.id <= 0 {
            return Err(WorldProblem::NonPositiveUserId(user.id));
        }
        if !ids.insert(user.id) {
            return Err(WorldProblem::DuplicateUserId(user.id));
        }
        if !is_well_formed_uuid(&user.uuid) {
            return Err(WorldProblem::MalformedUuid {
                user: user.id,
                uuid: user.uuid.clone(),
            });
        }
        if let Some(first) = uuids.insert(&user.uuid, user.id) {
            return Err(WorldProblem::DuplicateUuid {
                uuid: user.uuid.clone(),
                first,
                second: user.id,
            });
        }
        if !user.linked && !user.agreed.is_empty() {
            return Err(WorldProblem::UnlinkedUserHasConsent(user.id));
        }
        for item in &user.agreed {
            if world.app.consent_item(item).is_none() {
                return Err(WorldProblem::UnknownConsentItem {
                    user: user.id,
                    item: item.clone(),
                });
            }
        }
        if user.linked
            && let Some(missing) = world
                .app
                .required_scopes()
                .find(|r| !user.agreed.iter().any(|a| a == r))
        {
            return Err(WorldProblem::MissingRequiredConsent {
                user: user.id,
                item: missing.to_owned(),
            });
        }
    }
    Ok(())
}

fn validate_friendships(world: &World) -> Result<(), WorldProblem> {
    let mut pairs = BTreeSet::new();
    for friendship in &world.friendships {
        let [a, b] = friendship.between;
        for id in [a, b] {
            if world.user(id).is_none() {
                return Err(WorldProblem::UnknownFriend {
                    friend: id,
                    pair: friendship.between,
                });
            }
        }
        if a == b {
            return Err(WorldProblem::SelfFriendship(a));
        }
        if !pairs.insert((a.min(b), a.max(b))) {
            return Err(WorldProblem::DuplicateFriendship(friendship.between));
        }
        if let Some(outsider) = friendship.favorite_of.iter().find(|id| **id != a && **id != b) {
            return Err(WorldProblem::FavoriteOutsideFriendship {
                user: *outsider,
                pair: friendship.between,
            });
        }
    }
    Ok(())
}

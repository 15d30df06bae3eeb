//! The friends API's rules: who appears in a user's list, in what order, and how it pages.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::accounts::{Account, Directory};
use crate::errors::KapiError;
use crate::world::AppConfig;

/// Kakao's largest page.
pub(crate) const MAX_LIMIT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FriendOrder {
    Favorite,
    Nickname,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FriendsQuery {
    pub offset: usize,
    pub limit: usize,
    pub order: Order,
    pub friend_order: FriendOrder,
}

impl FriendsQuery {
    /// Reads the query string. Kakao's defaults for `order` and `friend_order` are UNCONFIRMED
    /// (`docs/kakao.md#readings`);
    /// `asc` and `favorite` are used, and the page size comes from the world.
    pub fn parse(params: &HashMap<String, String>, default_limit: u32) -> Result<Self, KapiError> {
        let number = |name: &str, default: usize| -> Result<usize, KapiError> {
            match params.get(name) {
                None => Ok(default),
                Some(raw) => raw.parse::<usize>().map_err(|_| {
                    KapiError::invalid_param(format!(
                        "{name} must be a number that is 0 or more, got {raw:?}"
                    ))
                }),
            }
        };
        let offset = number("offset", 0)?;
        let limit = number("limit", default_limit as usize)?;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(KapiError::invalid_param(format!(
                "limit must be 1 to {MAX_LIMIT}, got {limit}"
            )));
        }
        let order = match params.get("order").map(String::as_str) {
            None | Some("asc") => Order::Asc,
            Some("desc") => Order::Desc,
            Some(other) => {
                return Err(KapiError::invalid_param(format!(
                    "order must be asc or desc, got {other:?}"
                )));
            }
        };
        let friend_order = match params.get("friend_order").map(String::as_str) {
            None | Some("favorite") => FriendOrder::Favorite,
            Some("nickname") => FriendOrder::Nickname,
            Some(other) => {
                return Err(KapiError::invalid_param(format!(
                    "friend_order must be favorite or nickname, got {other:?}"
                )));
            }
        };
        Ok(Self {
            offset,
            limit,
            order,
            friend_order,
        })
    }

    fn url(&self, base: &str, offset: usize) -> String {
        let order = match self.order {
            Order::Asc => "asc",
            Order::Desc => "desc",
        };
        let friend_order = match self.friend_order {
            FriendOrder::Favorite => "favorite",
            FriendOrder::Nickname => "nickname",
        };
        format!(
            "{base}/v1/api/talk/friends?offset={offset}&limit={}&order={order}&friend_order={friend_order}",
            self.limit
        )
    }
}

/// Friends of `caller` that Kakao lists: linked to the app and agreed to `friends`; before the app
/// has the friends/message permission, only team members.
pub(crate) fn visible_friends<'a>(
    directory: &'a Directory,
    app: &AppConfig,
    caller: i64,
) -> Vec<(&'a Account, bool)> {
    directory
        .friends_of(caller)
        .filter(|(friend, _)| friend.linked && friend.has_agreed("friends"))
        .filter(|(friend, _)| app.message_permission || app.team_members.contains(&friend.id))
        .collect()
}

/// One page of the friends list as Kakao returns it; `base` is the scheme and host the request
/// came in on, for `before_url` and `after_url`.
/// `with_ids: false` leaves each element's `id` out (see `AppConfig::friends_without_id`).
pub(crate) fn page(
    mut friends: Vec<(&Account, bool)>,
    query: &FriendsQuery,
    base: &str,
    with_ids: bool,
) -> Value {
    friends.sort_by(|(a, a_fav), (b, b_fav)| {
        let by_name = a.nickname.cmp(&b.nickname).then(a.id.cmp(&b.id));
        let by_name = if query.order == Order::Desc {
            by_name.reverse()
        } else {
            by_name
        };
        match query.friend_order {
            FriendOrder::Favorite => b_fav.cmp(a_fav).then(by_name),
            FriendOrder::Nickname => by_name,
        }
    });
    let total = friends.len();
    let favorites = friends.iter().filter(|(_, favorite)| *favorite).count();
    let elements: Vec<Value> = friends
        .iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|(friend, favorite)| {
            let mut element = json!({
                "id": friend.id,
                "uuid": friend.uuid,
                "favorite": favorite,
                "profile_nickname": friend.nickname,
                "profile_thumbnail_image": friend.thumbnail(),
                // Deprecated since 2022-05-17; private profiles are no longer listed at all.
                "allowed_msg": true,
            });
            if !with_ids && let Some(fields) = element.as_object_mut() {
                fields.remove("id");
            }
            element
        })
        .collect();
    let before_url = (query.offset > 0).then(|| query.url(base, query.offset.saturating_sub(query.limit)));
    let after_url = (query.offset + query.limit < total).then(|| query.url(base, query.offset + query.limit));
    json!({
        "elements": elements,
        "total_count": total,
        "favorite_count": favorites,
        "before_url": before_url,
        "after_url": after_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    fn query(pairs: &[(&str, &str)]) -> Result<FriendsQuery, KapiError> {
        FriendsQuery::parse(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            10,
        )
    }

    #[test]
    fn limits_over_100_are_refused() {
        assert!(query(&[("limit", "100")]).is_ok());
        assert_eq!(query(&[("limit", "101")]).map_err(|e| e.code), Err(-2));
        assert_eq!(query(&[("offset", "-1")]).map_err(|e| e.code), Err(-2));
    }

    #[test]
    fn the_last_page_has_no_after_url_and_the_first_no_before_url() {
        let world = World::with_friends(25);
        let directory = Directory::from_world(&world, chrono::Utc::now());
        let friends = || visible_friends(&directory, &world.app, 1000);
        let first = page(
            friends(),
            &query(&[]).unwrap_or_else(|e| panic!("{e:?}")),
            "http://h",
            true,
        );
        assert_eq!(first["before_url"], Value::Null);
        assert_eq!(
            first["after_url"],
            "http://h/v1/api/talk/friends?offset=10&limit=10&order=asc&friend_order=favorite"
        );
        let last = page(
            friends(),
            &query(&[("offset", "20")]).unwrap_or_else(|e| panic!("{e:?}")),
            "http://h",
            true,
        );
        assert_eq!(last["elements"].as_array().map(Vec::len), Some(5));
        assert_eq!(last["after_url"], Value::Null);
        assert_eq!(last["total_count"], 25);
    }
}

//! The KakaoTalk friends list (`docs/kakao.md#friends`): one page, or every page.

use std::collections::HashSet;
use std::fmt;

use domain::{FriendUuid, KakaoUserId};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::{Credential, KakaoClient, decode, unexpected};
use crate::endpoint::Endpoint;
use crate::error::KakaoError;
use crate::secrets::AccessToken;

/// A friend who uses this app and agreed to be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Friend {
    /// Kakao's friends API marks `id` optional and leaves it out for some friends; friends
    /// are keyed by `uuid`, and the id only links a friend to a client who joined ttokttok.
    pub id: Option<KakaoUserId>,
    /// What message APIs take. Kakao may change it, so it is not a permanent key.
    pub uuid: FriendUuid,
    pub nickname: String,
    pub thumbnail_url: Option<String>,
    pub favorite: bool,
}

/// A friends page size: 1 to 100 (Kakao's maximum, `docs/kakao.md#friends`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a friends page holds 1 to 100 friends, not {0}")]
pub struct InvalidPageLimit(pub u32);

impl PageLimit {
    pub const MAX: PageLimit = PageLimit(100);

    pub fn new(limit: u32) -> Result<Self, InvalidPageLimit> {
        if (1..=Self::MAX.0).contains(&limit) {
            Ok(Self(limit))
        } else {
            Err(InvalidPageLimit(limit))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// `order`: sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    #[default]
    Asc,
    Desc,
}

/// `friend_order`: what the list is sorted by. Kakao's default is not documented
/// (`docs/kakao.md#friends`), so this crate sends it only when asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FriendOrder {
    Favorite,
    Nickname,
}

/// Which page to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FriendsPageRequest {
    pub offset: u32,
    pub limit: PageLimit,
    pub order: SortOrder,
    pub friend_order: Option<FriendOrder>,
}

impl Default for FriendsPageRequest {
    /// The first page of 100, ascending.
    fn default() -> Self {
        Self {
            offset: 0,
            limit: PageLimit::MAX,
            order: SortOrder::Asc,
            friend_order: None,
        }
    }
}

/// One page of friends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendsPage {
    pub friends: Vec<Friend>,
    pub total_count: u32,
    pub favorite_count: Option<u32>,
    /// The page `after_url` points at; `None` when Kakao says there is no next page.
    pub next: Option<FriendsPageRequest>,
}

#[derive(Serialize)]
struct FriendsQuery {
    offset: u32,
    limit: u32,
    order: SortOrder,
    #[serde(skip_serializing_if = "Option::is_none")]
    friend_order: Option<FriendOrder>,
}

#[derive(Deserialize)]
struct FriendsWire {
    #[serde(default)]
    elements: Vec<FriendWire>,
    #[serde(default)]
    total_count: u32,
    favorite_count: Option<u32>,
    after_url: Option<String>,
}

#[derive(Deserialize)]
struct FriendWire {
    #[serde(default)]
    id: Option<KakaoUserId>,
    uuid: FriendUuid,
    #[serde(default)]
    favorite: bool,
    profile_nickname: Option<String>,
    profile_thumbnail_image: Option<String>,
}

impl From<FriendWire> for Friend {
    fn from(wire: FriendWire) -> Self {
        Friend {
            id: wire.id,
            uuid: wire.uuid,
            nickname: wire.profile_nickname.unwrap_or_default(),
            thumbnail_url: wire.profile_thumbnail_image.filter(|s| !s.trim().is_empty()),
            favorite: wire.favorite,
        }
    }
}

/// The next page's request, read from `after_url` the way Kakao's SDKs do: offset, limit,
/// order and friend_order come from its query; whatever is missing continues from `current`.
/// The URL itself is never fetched, so a page cannot send our token to another host.
fn next_request(after_url: &str, current: &FriendsPageRequest, received: usize) -> FriendsPageRequest {
    let mut next = FriendsPageRequest {
        offset: current
            .offset
            .saturating_add(u32::try_from(received).unwrap_or(u32::MAX)),
        ..*current
    };
    let parsed = Url::parse(after_url).or_else(|_| Url::parse("http://relative.invalid/")?.join(after_url));
    if let Ok(url) = parsed {
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("offset", v) => next.offset = v.parse().unwrap_or(next.offset),
                ("limit", v) => {
                    next.limit = v
                        .parse()
                        .ok()
                        .and_then(|n| PageLimit::new(n).ok())
                        .unwrap_or(next.limit)
                }
                ("order", "asc") => next.order = SortOrder::Asc,
                ("order", "desc") => next.order = SortOrder::Desc,
                ("friend_order", "favorite") => next.friend_order = Some(FriendOrder::Favorite),
                ("friend_order", "nickname") => next.friend_order = Some(FriendOrder::Nickname),
                _ => {}
            }
        }
    }
    next
}

/// Pages beyond what `total_count` promises before [`KakaoClient::all_friends`] gives up
/// (friends added while paging may add a page or two).
const SLACK_PAGES: u32 = 5;
/// A hard ceiling whatever `total_count` says: 100,000 friends.
const MAX_PAGES: u32 = 1_000;

impl KakaoClient {
    /// One page of the user's friends (needs the `friends` scope).
    pub async fn friends_page(
        &self,
        token: &AccessToken,
        page: &FriendsPageRequest,
    ) -> Result<FriendsPage, KakaoError> {
        let endpoint = Endpoint::Friends;
        let query = FriendsQuery {
            offset: page.offset,
            limit: page.limit.get(),
            order: page.order,
            friend_order: page.friend_order,
        };
        let request = self
            .request(Method::GET, endpoint, Credential::User(token))?
            .query(&query);
        let success = self.call(endpoint, request).await?;
        let wire: FriendsWire = decode(endpoint, &success)?;
        let received = wire.elements.len();
        let next = wire
            .after_url
            .filter(|u| !u.is_empty())
            .map(|u| next_request(&u, page, received));
        if let Some(next) = &next
            && next.offset <= page.offset
        {
            // A next page that does not move forward would repeat this one forever.
            return Err(unexpected(
                endpoint,
                success.status,
                NoProgress { offset: page.offset },
            ));
        }
        Ok(FriendsPage {
            friends: wire.elements.into_iter().map(Friend::from).collect(),
            total_count: wire.total_count,
            favorite_count: wire.favorite_count,
            next,
        })
    }

    /// Every friend, reading pages of 100 until Kakao's `after_url` is null. Guards against a
    /// list that never ends (more pages than `total_count` allows, or an offset that stalls).
    /// A friend seen twice (the list shifted while paging) is kept once.
    pub async fn all_friends(&self, token: &AccessToken) -> Result<Vec<Friend>, KakaoError> {
        let mut request = FriendsPageRequest::default();
        let mut friends = Vec::new();
        let mut seen = HashSet::new();
        let mut pages = 0u32;
        loop {
            let page = self.friends_page(token, &request).await?;
            pages += 1;
            let allowed = page
                .total_count
                .div_ceil(PageLimit::MAX.get())
                .saturating_add(SLACK_PAGES)
                .min(MAX_PAGES);
            for friend in page.friends {
                if seen.insert(friend.uuid.clone()) {
                    friends.push(friend);
                }
            }
            match page.next {
                None => return Ok(friends),
                Some(_) if pages >= allowed => return Err(KakaoError::EndlessFriendList { pages }),
                // Keep pages at 100 whatever size after_url suggests: fewer calls.
                Some(next) => {
                    request = FriendsPageRequest {
                        limit: PageLimit::MAX,
                        ..next
                    }
                }
            }
        }
    }
}

/// `after_url` pointed at this page or an earlier one.
#[derive(Debug)]
struct NoProgress {
    offset: u32,
}

impl fmt::Display for NoProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "after_url does not move past offset {}", self.offset)
    }
}

impl std::error::Error for NoProgress {}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"{
      "elements": [
        {"id": 1234567890, "uuid": "abcdefg0001", "favorite": true,
         "profile_nickname": "홍길동", "profile_thumbnail_image": "https://p/1.jpg",
         "allowed_msg": true},
        {"id": 1234567891, "uuid": "abcdefg0002", "profile_nickname": "김철수",
         "profile_thumbnail_image": ""}
      ],
      "total_count": 37,
      "favorite_count": 3,
      "before_url": null,
      "after_url": "https://kapi.kakao.com/v1/api/talk/friends?offset=3&limit=3&order=asc"
    }"#;

    #[test]
    fn friends_are_read_into_typed_values() {
        let wire: FriendsWire = serde_json::from_str(PAGE).unwrap();
        let friends: Vec<Friend> = wire.elements.into_iter().map(Friend::from).collect();
        assert_eq!(friends[0].id.map(|id| id.get()), Some(1_234_567_890));
        assert_eq!(friends[0].uuid.as_str(), "abcdefg0001");
        assert_eq!(friends[0].nickname, "홍길동");
        assert_eq!(friends[0].thumbnail_url.as_deref(), Some("https://p/1.jpg"));
        assert!(friends[0].favorite);
        assert_eq!(
            friends[1].thumbnail_url, None,
            "an empty thumbnail is no thumbnail"
        );
        assert!(!friends[1].favorite);
    }

    #[test]
    fn a_friend_with_a_bad_uuid_fails_the_page_rather_than_vanishing() {
        let body = r#"{"elements":[{"id":1,"uuid":"has space"}],"total_count":1}"#;
        assert!(serde_json::from_str::<FriendsWire>(body).is_err());
    }

    #[test]
    fn the_next_page_comes_from_after_url() {
        let current = FriendsPageRequest::default();
        let next = next_request(
            "https://kapi.kakao.com/v1/api/talk/friends?offset=3&limit=3&order=desc&friend_order=nickname",
            &current,
            3,
        );
        assert_eq!(next.offset, 3);
        assert_eq!(next.limit.get(), 3);
        assert_eq!(next.order, SortOrder::Desc);
        assert_eq!(next.friend_order, Some(FriendOrder::Nickname));
    }

    #[test]
    fn a_bare_after_url_continues_from_what_was_received() {
        let current = FriendsPageRequest {
            offset: 200,
            ..FriendsPageRequest::default()
        };
        assert_eq!(next_request("/v1/api/talk/friends", &current, 100).offset, 300);
        assert_eq!(next_request("not a url at all ::", &current, 50).offset, 250);
    }

    #[test]
    fn page_limits_are_one_to_a_hundred() {
        assert!(PageLimit::new(100).is_ok());
        assert_eq!(PageLimit::new(0), Err(InvalidPageLimit(0)));
        assert_eq!(PageLimit::new(101), Err(InvalidPageLimit(101)));
    }
}

//! Kakao accounts as they stand while the sandbox runs: linked or not, what each user agreed to,
//! and the friendship graph (symmetric, with per-side favourites).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::world::World;

/// Kakao's stock picture for accounts without one.
pub(crate) const DEFAULT_THUMBNAIL: &str = "http://img1.kakaocdn.net/thumb/R110x110.q70/?fname=http://t1.kakaocdn.net/account_images/default_profile.jpeg";
pub(crate) const DEFAULT_PROFILE_IMAGE: &str = "http://img1.kakaocdn.net/thumb/R640x640.q70/?fname=http://t1.kakaocdn.net/account_images/default_profile.jpeg";

#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub id: i64,
    pub nickname: String,
    pub uuid: String,
    pub thumbnail_url: Option<String>,
    pub profile_image_url: Option<String>,
    /// Linked to (signed up in) the app through Kakao Login.
    pub linked: bool,
    pub connected_at: Option<DateTime<Utc>>,
    pub agreed: BTreeSet<String>,
    pub refuses_messages: bool,
}

impl Account {
    pub fn has_agreed(&self, scope: &str) -> bool {
        self.agreed.contains(scope)
    }

    pub fn thumbnail(&self) -> &str {
        self.thumbnail_url.as_deref().unwrap_or(DEFAULT_THUMBNAIL)
    }

    pub fn profile_image(&self) -> &str {
        self.profile_image_url.as_deref().unwrap_or(DEFAULT_PROFILE_IMAGE)
    }

    pub fn has_default_image(&self) -> bool {
        self.profile_image_url.is_none() && self.thumbnail_url.is_none()
    }
}

/// Everyone the sandbox knows, indexed by id and by uuid, plus who is friends with whom.
#[derive(Debug, Clone, Default)]
pub(crate) struct Directory {
    accounts: BTreeMap<i64, Account>,
    by_uuid: HashMap<String, i64>,
    /// `friends[a][b]` exists when a and b are friends; its value says whether a marked b a favourite.
    friends: BTreeMap<i64, BTreeMap<i64, bool>>,
}

impl Directory {
    /// The directory of a (validated) world; linked users count as connected at `now`.
    pub fn from_world(world: &World, now: DateTime<Utc>) -> Self {
        let mut directory = Directory::default();
        for user in &world.users {
            directory.by_uuid.insert(user.uuid.clone(), user.id);
            directory.accounts.insert(
                user.id,
                Account {
                    id: user.id,
                    nickname: user.nickname.clone(),
                    uuid: user.uuid.clone(),
                    thumbnail_url: user.thumbnail_url.clone(),
                    profile_image_url: user.profile_image_url.clone(),
                    linked: user.linked,
                    connected_at: user.linked.then_some(now),
                    agreed: user.agreed.iter().cloned().collect(),
                    refuses_messages: user.refuses_messages,
                },
            );
        }
        for friendship in &world.friendships {
            let [a, b] = friendship.between;
            let favorite = |of: i64| friendship.favorite_of.contains(&of);
            directory.friends.entry(a).or_default().insert(b, favorite(a));
            directory.friends.entry(b).or_default().insert(a, favorite(b));
        }
        directory
    }

    pub fn get(&self, id: i64) -> Option<&Account> {
        self.accounts.get(&id)
    }

    pub fn get_mut(&mut self, id: i64) -> Option<&mut Account> {
        self.accounts.get_mut(&id)
    }

    pub fn by_uuid(&self, uuid: &str) -> Option<&Account> {
        self.by_uuid.get(uuid).and_then(|id| self.accounts.get(id))
    }

    pub fn all(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// `id`'s friends, each with whether `id` marked them a favourite.
    pub fn friends_of(&self, id: i64) -> impl Iterator<Item = (&Account, bool)> {
        self.friends
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|(friend, favorite)| self.accounts.get(friend).map(|a| (a, *favorite)))
    }

    pub fn are_friends(&self, a: i64, b: i64) -> bool {
        self.friends.get(&a).is_some_and(|f| f.contains_key(&b))
    }

    /// The user logs in to the app: linked from now on (keeping the first connection time).
    pub fn link(&mut self, id: i64, now: DateTime<Utc>) {
        if let Some(account) = self.accounts.get_mut(&id)
            && !account.linked
        {
            account.linked = true;
            account.connected_at = Some(now);
        }
    }

    /// The user is no longer linked to the app and every consent is gone.
    pub fn unlink(&mut self, id: i64) {
        if let Some(account) = self.accounts.get_mut(&id) {
            account.linked = false;
            account.connected_at = None;
            account.agreed.clear();
        }
    }
}

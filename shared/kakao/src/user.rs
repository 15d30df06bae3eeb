//! The user's side of Kakao Login: token info, profile, consent list, logout and unlink
//! (`docs/kakao.md#user-apis`).

use chrono::{DateTime, Duration, Utc};
use domain::KakaoUserId;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Credential, KakaoClient, decode};
use crate::endpoint::Endpoint;
use crate::error::KakaoError;
use crate::secrets::AccessToken;

/// What Kakao says about an access token (`/v1/user/access_token_info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub user_id: KakaoUserId,
    pub app_id: i64,
    /// Now (by the injected clock) plus Kakao's `expires_in`.
    pub expires_at: DateTime<Utc>,
}

/// The parts of `/v2/user/me` ttokttok uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    pub id: KakaoUserId,
    pub connected_at: Option<DateTime<Utc>>,
    pub nickname: Option<String>,
    pub thumbnail_url: Option<String>,
    pub profile_image_url: Option<String>,
}

/// Whether a consent item is personal information or an access permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeType {
    Privacy,
    Service,
    /// A type this crate does not know yet, kept as Kakao wrote it.
    Other(String),
}

/// One consent item as `/v2/user/scopes` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeInfo {
    pub id: String,
    pub display_name: String,
    pub kind: ScopeType,
    /// The app still uses this item (false: the user agreed once, the app dropped it).
    pub using: bool,
    pub agreed: bool,
    /// Present only when `agreed`.
    pub revocable: Option<bool>,
    pub delegated: Option<bool>,
}

/// The user's consent items for this app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeList {
    pub user_id: KakaoUserId,
    pub scopes: Vec<ScopeInfo>,
}

impl ScopeList {
    pub fn is_agreed(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s.id == scope && s.agreed)
    }

    /// Those of `wanted` the user has not agreed to: the `scope` for an additional-consent login.
    pub fn not_agreed<S: AsRef<str>>(&self, wanted: &[S]) -> Vec<String> {
        wanted
            .iter()
            .map(AsRef::as_ref)
            .filter(|w| !self.is_agreed(w))
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Deserialize)]
struct TokenInfoWire {
    id: KakaoUserId,
    expires_in: i64,
    app_id: i64,
}

#[derive(Deserialize)]
struct UserMeWire {
    id: KakaoUserId,
    connected_at: Option<String>,
    #[serde(default)]
    properties: PropertiesWire,
    #[serde(default)]
    kakao_account: KakaoAccountWire,
}

#[derive(Default, Deserialize)]
struct PropertiesWire {
    nickname: Option<String>,
    profile_image: Option<String>,
    thumbnail_image: Option<String>,
}

#[derive(Default, Deserialize)]
struct KakaoAccountWire {
    #[serde(default)]
    profile: ProfileWire,
}

#[derive(Default, Deserialize)]
struct ProfileWire {
    nickname: Option<String>,
    thumbnail_image_url: Option<String>,
    profile_image_url: Option<String>,
}

#[derive(Deserialize)]
struct ScopesWire {
    id: KakaoUserId,
    #[serde(default)]
    scopes: Vec<ScopeWire>,
}

#[derive(Deserialize)]
struct ScopeWire {
    id: String,
    #[serde(default)]
    display_name: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    using: bool,
    #[serde(default)]
    agreed: bool,
    revocable: Option<bool>,
    delegated: Option<bool>,
}

#[derive(Deserialize)]
struct UserIdWire {
    id: KakaoUserId,
}

/// The admin-key form of logout and unlink.
#[derive(Serialize)]
struct TargetUserForm {
    target_id_type: &'static str,
    target_id: i64,
}

/// An empty form, for the POSTs whose only argument is the bearer token.
const NO_FIELDS: &[(&str, &str)] = &[];

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

impl From<UserMeWire> for UserProfile {
    fn from(wire: UserMeWire) -> Self {
        let profile = wire.kakao_account.profile;
        let properties = wire.properties;
        UserProfile {
            id: wire.id,
            // Informational only, so a format surprise costs the field, not the call.
            connected_at: wire
                .connected_at
                .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                .map(|t| t.with_timezone(&Utc)),
            nickname: non_empty(profile.nickname).or(non_empty(properties.nickname)),
            thumbnail_url: non_empty(profile.thumbnail_image_url).or(non_empty(properties.thumbnail_image)),
            profile_image_url: non_empty(profile.profile_image_url).or(non_empty(properties.profile_image)),
        }
    }
}

impl From<ScopeWire> for ScopeInfo {
    fn from(wire: ScopeWire) -> Self {
        let kind = match wire.kind.as_str() {
            "PRIVACY" => ScopeType::Privacy,
            "SERVICE" => ScopeType::Service,
            _ => ScopeType::Other(wire.kind),
        };
        ScopeInfo {
            id: wire.id,
            display_name: wire.display_name,
            kind,
            using: wire.using,
            agreed: wire.agreed,
            revocable: wire.revocable,
            delegated: wire.delegated,
        }
    }
}

impl KakaoClient {
    /// Checks an access token and says whose it is. `-401` when it is invalid or expired.
    pub async fn token_info(&self, token: &AccessToken) -> Result<TokenInfo, KakaoError> {
        let endpoint = Endpoint::TokenInfo;
        let request = self.request(Method::GET, endpoint, Credential::User(token))?;
        let success = self.call(endpoint, request).await?;
        let wire: TokenInfoWire = decode(endpoint, &success)?;
        Ok(TokenInfo {
            user_id: wire.id,
            app_id: wire.app_id,
            expires_at: self.clock().now() + Duration::seconds(wire.expires_in.max(0)),
        })
    }

    /// The logged-in user's id and profile.
    pub async fn me(&self, token: &AccessToken) -> Result<UserProfile, KakaoError> {
        let endpoint = Endpoint::Me;
        let request = self.request(Method::GET, endpoint, Credential::User(token))?;
        let success = self.call(endpoint, request).await?;
        Ok(decode::<UserMeWire>(endpoint, &success)?.into())
    }

    /// The user's consent items for this app, agreed or not.
    pub async fn scopes(&self, token: &AccessToken) -> Result<ScopeList, KakaoError> {
        let endpoint = Endpoint::Scopes;
        let request = self.request(Method::GET, endpoint, Credential::User(token))?;
        let success = self.call(endpoint, request).await?;
        let wire: ScopesWire = decode(endpoint, &success)?;
        Ok(ScopeList {
            user_id: wire.id,
            scopes: wire.scopes.into_iter().map(ScopeInfo::from).collect(),
        })
    }

    /// Expires this user's access and refresh tokens for the app. Returns whose they were.
    pub async fn logout(&self, token: &AccessToken) -> Result<KakaoUserId, KakaoError> {
        self.user_call(Endpoint::Logout, Credential::User(token), None)
            .await
    }

    /// Expires every token `user` has for the app (admin key).
    pub async fn logout_user(&self, user: KakaoUserId) -> Result<KakaoUserId, KakaoError> {
        self.user_call(Endpoint::Logout, Credential::Admin, Some(user))
            .await
    }

    /// Unlinks the user from the app; their tokens die at once. Kakao sends no unlink webhook
    /// for an unlink we make ourselves.
    pub async fn unlink(&self, token: &AccessToken) -> Result<KakaoUserId, KakaoError> {
        self.user_call(Endpoint::Unlink, Credential::User(token), None)
            .await
    }

    /// Unlinks `user` from the app (admin key).
    pub async fn unlink_user(&self, user: KakaoUserId) -> Result<KakaoUserId, KakaoError> {
        self.user_call(Endpoint::Unlink, Credential::Admin, Some(user))
            .await
    }

    async fn user_call(
        &self,
        endpoint: Endpoint,
        credential: Credential<'_>,
        target: Option<KakaoUserId>,
    ) -> Result<KakaoUserId, KakaoError> {
        let builder = self.request(Method::POST, endpoint, credential)?;
        let request = match target {
            Some(user) => Self::form(
                builder,
                &TargetUserForm {
                    target_id_type: "user_id",
                    target_id: user.get(),
                },
            ),
            None => Self::form(builder, NO_FIELDS),
        };
        let success = self.call(endpoint, request).await?;
        Ok(decode::<UserIdWire>(endpoint, &success)?.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn me_prefers_the_account_profile_and_falls_back_to_properties() {
        let wire: UserMeWire = serde_json::from_str(
            r#"{"id": 3110097778, "connected_at": "2023-10-21T15:10:56Z",
                "properties": {"nickname":"관리자","profile_image":"https://p/1.jpg","thumbnail_image":"https://p/t.jpg"},
                "kakao_account": {"profile_nickname_needs_agreement": false,
                  "profile": {"nickname":"관리자2","thumbnail_image_url":"https://k/t.jpg"}}}"#,
        )
        .unwrap();
        let me = UserProfile::from(wire);
        assert_eq!(me.id.get(), 3_110_097_778);
        assert_eq!(me.nickname.as_deref(), Some("관리자2"));
        assert_eq!(me.thumbnail_url.as_deref(), Some("https://k/t.jpg"));
        assert_eq!(me.profile_image_url.as_deref(), Some("https://p/1.jpg"));
        assert_eq!(me.connected_at.unwrap().to_rfc3339(), "2023-10-21T15:10:56+00:00");
    }

    #[test]
    fn me_with_only_an_id_is_still_a_profile() {
        let me = UserProfile::from(serde_json::from_str::<UserMeWire>(r#"{"id": 7}"#).unwrap());
        assert_eq!(me.nickname, None);
        assert!(
            serde_json::from_str::<UserMeWire>(r#"{"id": 0}"#).is_err(),
            "ids are positive"
        );
    }

    #[test]
    fn the_consent_list_reads_types_and_says_what_is_missing() {
        let wire: ScopesWire = serde_json::from_str(
            r#"{"id": 1234567890, "scopes": [
              {"id":"profile_nickname","display_name":"닉네임","type":"PRIVACY","using":true,"agreed":true,"revocable":false},
              {"id":"friends","display_name":"친구목록","type":"PRIVACY","using":true,"agreed":false},
              {"id":"talk_message","display_name":"메시지","type":"SERVICE","using":true,"agreed":true,"revocable":true}
            ]}"#,
        )
        .unwrap();
        let list = ScopeList {
            user_id: wire.id,
            scopes: wire.scopes.into_iter().map(ScopeInfo::from).collect(),
        };
        assert!(list.is_agreed("talk_message"));
        assert!(!list.is_agreed("friends"));
        assert_eq!(
            list.not_agreed(&["friends", "talk_message", "account_email"]),
            ["friends", "account_email"]
        );
        assert_eq!(list.scopes[2].kind, ScopeType::Service);
        assert_eq!(list.scopes[1].revocable, None);
    }

    #[test]
    fn token_info_needs_a_real_user_id() {
        let wire: TokenInfoWire =
            serde_json::from_str(r#"{"id":1234567890,"expires_in":7199,"app_id":123456}"#).unwrap();
        assert_eq!(
            (wire.id.get(), wire.expires_in, wire.app_id),
            (1_234_567_890, 7199, 123_456)
        );
    }
}

//! Kakao Login's authorize step as decisions: is the authorize request acceptable (the KOE codes),
//! which consent items to ask a user, what a consent form grants, and where to send the browser.
//! Logins in progress are kept server-side between the pages.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::accounts::Account;
use crate::world::{AppConfig, ConsentItem};

/// How long a login may sit on the account picker or consent page.
const LOGIN_PAGE_MINUTES: i64 = 30;

/// A checked `GET /oauth/authorize` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    /// `scope=a,b`: ask only for these (additional consent).
    pub scope: Option<Vec<String>>,
    pub prompt: Vec<String>,
    /// PKCE `code_challenge` (only `S256` is accepted; KOE010 otherwise).
    pub code_challenge: Option<String>,
}

/// A configuration error: Kakao shows an error page with the KOE code and does not redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizePageError {
    pub koe: &'static str,
    pub title: &'static str,
    pub detail: String,
}

/// Checks an authorize request in Kakao's order: app key, redirect URI, response type, scopes.
pub(crate) fn check_authorize(
    app: &AppConfig,
    params: &HashMap<String, String>,
) -> Result<AuthorizeRequest, AuthorizePageError> {
    let param = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let client_id = param("client_id").unwrap_or_default();
    if client_id != app.rest_api_key {
        return Err(AuthorizePageError {
            koe: "KOE101",
            title: "앱 키가 잘못되었습니다 (Invalid app key)",
            detail: format!("client_id {client_id:?} is not the REST API key of any app."),
        });
    }
    let redirect_uri = param("redirect_uri").unwrap_or_default();
    if !app.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(AuthorizePageError {
            koe: "KOE006",
            title: "등록되지 않은 리다이렉트 URI (Redirect URI not registered)",
            detail: format!("redirect_uri {redirect_uri:?} is not registered for this app."),
        });
    }
    match param("response_type") {
        Some("code") => {}
        Some("token") => {
            return Err(AuthorizePageError {
                koe: "KOE202",
                title: "지원하지 않는 인증 방식 (Implicit grant not supported)",
                detail: "response_type=token is not supported; use response_type=code.".into(),
            });
        }
        other => {
            return Err(AuthorizePageError {
                koe: "KOE201",
                title: "잘못된 요청 (Unsupported response_type)",
                detail: format!(
                    "response_type {:?} is not supported; use code.",
                    other.unwrap_or("")
                ),
            });
        }
    }
    let scope = param("scope").map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    if let Some(unknown) = scope.iter().flatten().find(|s| app.consent_item(s).is_none()) {
        return Err(AuthorizePageError {
            koe: "KOE205",
            title: "설정하지 않은 동의 항목 (Consent item not configured)",
            detail: format!("scope {unknown:?} is not a consent item of this app."),
        });
    }
    let code_challenge = param("code_challenge").map(str::to_owned);
    if code_challenge.is_some() && param("code_challenge_method") != Some("S256") {
        return Err(AuthorizePageError {
            koe: "KOE010",
            title: "잘못된 요청 (Bad client credentials)",
            detail: "code_challenge_method must be S256.".into(),
        });
    }
    Ok(AuthorizeRequest {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").cloned(),
        scope,
        prompt: param("prompt")
            .map(|p| p.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        code_challenge,
    })
}

/// The consent items to show `account`: the requested ones not yet agreed (additional consent);
/// otherwise everything not yet agreed for a user new to the app, and for a linked user only
/// required items added since (Kakao does not re-ask items the user declined; `scope=` does).
/// Items set to consent-during-use are only ever asked through `scope=`.
pub(crate) fn items_to_ask(
    app: &AppConfig,
    account: &Account,
    requested: Option<&[String]>,
) -> Vec<ConsentItem> {
    app.consent_items
        .iter()
        .filter(|item| !account.has_agreed(&item.id))
        .filter(|item| match requested {
            Some(requested) => requested.contains(&item.id) || (item.required && !account.linked),
            None => (!account.linked || item.required) && !item.during_use,
        })
        .cloned()
        .collect()
}

/// What a submitted consent form grants: required items always, optional ones when ticked (or
/// everything asked on "agree all"). Ticks for items that were not asked are ignored.
pub(crate) fn granted(asked: &[ConsentItem], ticked: &[String], agree_all: bool) -> Vec<String> {
    asked
        .iter()
        .filter(|item| agree_all || item.required || ticked.contains(&item.id))
        .map(|item| item.id.clone())
        .collect()
}

/// `redirect_uri` with `code` and `state` added.
pub(crate) fn redirect_with_code(redirect_uri: &str, code: &str, state: Option<&str>) -> String {
    with_query(redirect_uri, &[("code", Some(code)), ("state", state)])
}

/// `redirect_uri` with an OAuth error, as Kakao sends it (spaces as `%20`).
pub(crate) fn redirect_with_error(
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> String {
    with_query(
        redirect_uri,
        &[
            ("error", Some(error)),
            ("error_description", Some(description)),
            ("state", state),
        ],
    )
}

fn with_query(base: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let mut url = base.to_owned();
    let mut separator = if base.contains('?') { '&' } else { '?' };
    for (name, value) in pairs {
        if let Some(value) = value {
            url.push(separator);
            url.push_str(name);
            url.push('=');
            url.push_str(&percent_encode(value));
            separator = '&';
        }
    }
    url
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub(crate) fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A login between the authorize request and the redirect.
#[derive(Debug, Clone)]
pub(crate) struct PendingLogin {
    pub request: AuthorizeRequest,
    /// Set once the user is picked.
    pub user_id: Option<i64>,
    /// The consent items shown to the user.
    pub asked: Vec<ConsentItem>,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub(crate) struct PendingLogins {
    logins: HashMap<String, PendingLogin>,
}

impl PendingLogins {
    pub fn start(&mut self, request: AuthorizeRequest, now: DateTime<Utc>) -> String {
        self.logins.retain(|_, l| l.expires_at > now);
        let id = format!("{:032x}", rand::random::<u128>());
        let expires_at = now + Duration::minutes(LOGIN_PAGE_MINUTES);
        self.logins.insert(
            id.clone(),
            PendingLogin {
                request,
                user_id: None,
                asked: Vec::new(),
                expires_at,
            },
        );
        id
    }

    pub fn get_mut(&mut self, id: &str, now: DateTime<Utc>) -> Option<&mut PendingLogin> {
        self.logins.get_mut(id).filter(|l| l.expires_at > now)
    }

    pub fn finish(&mut self, id: &str) -> Option<PendingLogin> {
        self.logins.remove(id)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::world::World;

    fn account(linked: bool, agreed: &[&str]) -> Account {
        Account {
            id: 1,
            nickname: "n".into(),
            uuid: "u".into(),
            thumbnail_url: None,
            profile_image_url: None,
            linked,
            connected_at: None,
            agreed: agreed.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
            refuses_messages: false,
        }
    }

    fn ids(items: &[ConsentItem]) -> Vec<&str> {
        items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn a_new_user_is_asked_everything_and_a_returning_one_nothing_it_declined() {
        let app = World::with_friends(0).app;
        assert_eq!(
            ids(&items_to_ask(&app, &account(false, &[]), None)),
            ["profile_nickname", "friends", "talk_message"]
        );
        assert!(items_to_ask(&app, &account(true, &["profile_nickname"]), None).is_empty());
    }

    #[test]
    fn additional_consent_asks_only_the_listed_items_not_yet_agreed() {
        let app = World::with_friends(0).app;
        let scope = ["friends".to_owned(), "talk_message".to_owned()];
        let user = account(true, &["profile_nickname", "friends"]);
        assert_eq!(ids(&items_to_ask(&app, &user, Some(&scope))), ["talk_message"]);
    }

    #[test]
    fn a_consent_during_use_item_is_asked_only_through_scope() {
        let mut app = World::with_friends(0).app;
        app.consent_items
            .iter_mut()
            .filter(|i| i.id == "friends")
            .for_each(|i| i.during_use = true);
        let newcomer = account(false, &[]);
        assert_eq!(
            ids(&items_to_ask(&app, &newcomer, None)),
            ["profile_nickname", "talk_message"]
        );
        let scope = ["friends".to_owned()];
        assert_eq!(
            ids(&items_to_ask(&app, &newcomer, Some(&scope))),
            ["profile_nickname", "friends"]
        );
    }

    #[test]
    fn an_unticked_optional_item_is_not_granted() {
        let app = World::with_friends(0).app;
        let granted = granted(&app.consent_items, &["friends".to_owned()], false);
        assert_eq!(granted, ["profile_nickname", "friends"]);
    }

    #[test]
    fn errors_go_back_with_spaces_as_percent_20() {
        let url = redirect_with_error("http://a/cb", "access_denied", "User denied access", Some("s 1"));
        assert_eq!(
            url,
            "http://a/cb?error=access_denied&error_description=User%20denied%20access&state=s%201"
        );
    }
}

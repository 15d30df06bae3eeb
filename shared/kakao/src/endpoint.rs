//! The Kakao endpoints this crate calls, and what kind of call each one is.
//!
//! The kind decides two things: how a failure is retried (reads retry transient failures;
//! sends never retry an ambiguous outcome) and how a Kakao error code is read (`-2` on a send
//! means the receivers were refused; elsewhere it is a plain bad parameter).

/// Which host an endpoint lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    Kauth,
    Kapi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// Not called by this crate: the browser goes there.
    Authorize,
    TokenFromCode,
    TokenRefresh,
    TokenInfo,
    Me,
    Scopes,
    Logout,
    Unlink,
    Friends,
    SendToFriends,
    SendToMe,
}

/// How a call may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryKind {
    /// Safe to repeat: retry transient failures with backoff.
    Read,
    /// Not idempotent: retry only when the request provably never left (connect failure).
    OnlyIfNotSent,
    /// Never retried, not even on a connect failure: the caller decides.
    Never,
}

impl Endpoint {
    pub(crate) fn host(self) -> Host {
        match self {
            Endpoint::Authorize | Endpoint::TokenFromCode | Endpoint::TokenRefresh => Host::Kauth,
            _ => Host::Kapi,
        }
    }

    pub(crate) fn path(self) -> &'static str {
        match self {
            Endpoint::Authorize => "/oauth/authorize",
            Endpoint::TokenFromCode | Endpoint::TokenRefresh => "/oauth/token",
            Endpoint::TokenInfo => "/v1/user/access_token_info",
            Endpoint::Me => "/v2/user/me",
            Endpoint::Scopes => "/v2/user/scopes",
            Endpoint::Logout => "/v1/user/logout",
            Endpoint::Unlink => "/v1/user/unlink",
            Endpoint::Friends => "/v1/api/talk/friends",
            Endpoint::SendToFriends => "/v1/api/talk/friends/message/default/send",
            Endpoint::SendToMe => "/v2/api/talk/memo/default/send",
        }
    }

    /// A short stable name for logs and metrics.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Endpoint::Authorize => "oauth.authorize",
            Endpoint::TokenFromCode => "token.code",
            Endpoint::TokenRefresh => "token.refresh",
            Endpoint::TokenInfo => "user.token_info",
            Endpoint::Me => "user.me",
            Endpoint::Scopes => "user.scopes",
            Endpoint::Logout => "user.logout",
            Endpoint::Unlink => "user.unlink",
            Endpoint::Friends => "talk.friends",
            Endpoint::SendToFriends => "talk.send_friends",
            Endpoint::SendToMe => "talk.send_me",
        }
    }

    pub(crate) fn retry_kind(self) -> RetryKind {
        match self {
            Endpoint::TokenInfo | Endpoint::Me | Endpoint::Scopes | Endpoint::Friends => RetryKind::Read,
            // Codes are single use and a refresh may rotate: a request that reached Kakao is
            // never repeated. Logout and unlink are repeatable in effect but answer -401 the
            // second time, which would hide that the first one worked.
            Endpoint::TokenFromCode | Endpoint::TokenRefresh | Endpoint::Logout | Endpoint::Unlink => {
                RetryKind::OnlyIfNotSent
            }
            // A send is the caller's to repeat: it holds the delivery records.
            Endpoint::Authorize | Endpoint::SendToFriends | Endpoint::SendToMe => RetryKind::Never,
        }
    }
}

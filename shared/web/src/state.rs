//! [`WebState`]: what every route of both HTTP functions holds: the app's services plus the web
//! layer's own parts (site settings, cookie issuers, onboarding codes). Cheap to clone.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::SiteSettings;
use crate::login_cookie::LoginCookies;
use crate::onboarding::OnboardingCodes;
use crate::session::SessionCookies;

/// Shared by every handler (`axum::extract::State<WebState>`).
#[derive(Clone)]
pub struct WebState {
    inner: Arc<Inner>,
}

struct Inner {
    services: app::Services,
    site: SiteSettings,
    sessions: SessionCookies,
    logins: LoginCookies,
    onboarding: OnboardingCodes,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState")
            .field("public_url", &self.inner.site.public_url.as_str())
            .finish_non_exhaustive()
    }
}

impl WebState {
    pub fn new(services: app::Services, site: SiteSettings) -> Self {
        let secure = site.is_https();
        Self {
            inner: Arc::new(Inner {
                sessions: SessionCookies::new(&site.secret, secure),
                logins: LoginCookies::new(&site.secret, secure),
                onboarding: OnboardingCodes::new(&site.secret),
                services,
                site,
            }),
        }
    }

    pub fn services(&self) -> &app::Services {
        &self.inner.services
    }

    pub fn site(&self) -> &SiteSettings {
        &self.inner.site
    }

    pub fn sessions(&self) -> &SessionCookies {
        &self.inner.sessions
    }

    pub fn logins(&self) -> &LoginCookies {
        &self.inner.logins
    }

    pub fn onboarding(&self) -> &OnboardingCodes {
        &self.inner.onboarding
    }

    /// The injected clock's time.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.services.clock.now()
    }
}

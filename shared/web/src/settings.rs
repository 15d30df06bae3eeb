//! The web layer's own settings: where the site is served and its secret.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `PUBLIC_URL` | the site's origin as browsers see it (`https://ttokttok.example.com`); the Kakao redirect URI is `{PUBLIC_URL}/oauth/callback` | required |
//! | `WEB_SECRET` | 32+ random bytes, base64: seals session cookies, names onboarding links | one of these two |
//! | `WEB_SECRET_FILE` | a file holding the secret (created, mode 0600, if missing) | |

use std::path::PathBuf;

use url::Url;

use crate::keys::{SecretError, WebSecret};

/// Where the site lives and the secret its cookies and links are made with.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// Origin only (scheme, host, port); paths are ours.
    pub public_url: Url,
    pub secret: WebSecret,
    /// Whether handlers write CloudWatch metric lines (EMF) to stdout: on in Lambda, where the
    /// log pipeline turns them into metrics; off by default (locally they would be noise).
    pub emit_metrics: bool,
}

/// A missing or bad web variable (values are never echoed).
#[derive(Debug, thiserror::Error)]
pub enum SiteConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("PUBLIC_URL must be an http(s) origin such as https://ttokttok.example.com")]
    PublicUrl,
    #[error("the web secret is unusable")]
    Secret(#[from] SecretError),
}

impl SiteSettings {
    pub fn new(public_url: Url, secret: WebSecret) -> Result<Self, SiteConfigError> {
        let ok = matches!(public_url.scheme(), "http" | "https") && public_url.host_str().is_some();
        if !ok {
            return Err(SiteConfigError::PublicUrl);
        }
        let mut origin = public_url;
        origin.set_path("/");
        origin.set_query(None);
        origin.set_fragment(None);
        Ok(Self {
            public_url: origin,
            secret,
            emit_metrics: false,
        })
    }

    /// Reads `PUBLIC_URL` and `WEB_SECRET` (or `WEB_SECRET_FILE`) from the environment.
    pub fn from_env() -> Result<Self, SiteConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SiteConfigError> {
        let public_url = lookup("PUBLIC_URL").ok_or(SiteConfigError::Missing("PUBLIC_URL"))?;
        let public_url = Url::parse(public_url.trim()).map_err(|_| SiteConfigError::PublicUrl)?;
        let secret = match (lookup("WEB_SECRET"), lookup("WEB_SECRET_FILE")) {
            (Some(text), _) => WebSecret::from_base64(&text)?,
            (None, Some(path)) => WebSecret::load_or_create(&PathBuf::from(path))?,
            (None, None) => return Err(SiteConfigError::Missing("WEB_SECRET")),
        };
        Self::new(public_url, secret)
    }

    /// Cookies get `Secure` (and the `__Host-` prefix) when the site is served over https.
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// An absolute URL on this site.
    pub fn url(&self, path: &str) -> Url {
        // `path` is one of our own absolute paths, which always joins.
        self.public_url
            .join(path)
            .unwrap_or_else(|_| self.public_url.clone())
    }

    /// The redirect URI registered with Kakao, for every login (admins, clients, re-consent).
    pub fn redirect_uri(&self) -> Url {
        self.url("/oauth/callback")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_public_url_becomes_an_origin_and_the_redirect_uri_hangs_off_it() {
        let secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let site = SiteSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "https://tt.example.com/x?y"),
            ("WEB_SECRET", secret),
        ]))
        .unwrap();
        assert_eq!(
            site.redirect_uri().as_str(),
            "https://tt.example.com/oauth/callback"
        );
        assert!(site.is_https());
        assert_eq!(site.url("/join/abc").as_str(), "https://tt.example.com/join/abc");
    }

    #[test]
    fn missing_or_bad_variables_are_named() {
        let err = SiteSettings::from_lookup(lookup(&[])).unwrap_err();
        assert_eq!(err.to_string(), "PUBLIC_URL is not set");
        let err = SiteSettings::from_lookup(lookup(&[("PUBLIC_URL", "https://a.example")])).unwrap_err();
        assert_eq!(err.to_string(), "WEB_SECRET is not set");
        let err =
            SiteSettings::from_lookup(lookup(&[("PUBLIC_URL", "ftp://a"), ("WEB_SECRET", "x")])).unwrap_err();
        assert!(matches!(
            err,
            SiteConfigError::Secret(_) | SiteConfigError::PublicUrl
        ));
        let err = SiteSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "https://a.example"),
            ("WEB_SECRET", "c2hvcnQ="),
        ]))
        .unwrap_err();
        assert!(matches!(err, SiteConfigError::Secret(SecretError::TooShort(5))));
    }
}

//! Where the site is served ([`PublicUrl`]) and, where pages are served, its secret
//! ([`SiteSettings`]).
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `PUBLIC_URL` | the site's origin as browsers see it (`https://ttokttok.example.com`); the Kakao redirect URI is `{PUBLIC_URL}/oauth/callback`, memo buttons open pages on it, the opt-out form must come from it | required by the functions that declare [`PublicUrl`] or [`SiteSettings`] |
//! | `WEB_SECRET` | 32+ random bytes, base64: seals session cookies, names onboarding links | one of these two, where pages are served ([`SiteSettings`]) |
//! | `WEB_SECRET_FILE` | a file holding the secret (created, mode 0600, if missing) | |

use std::ops::Deref;
use std::path::PathBuf;

use url::Url;

use super::web_secret::WebSecret;
use super::{Env, Part};

/// The site's origin (scheme, host, port; the path is ours), parsed once from `PUBLIC_URL` and
/// shared by every part that links to the site or checks requests against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(Url);

/// A URL that cannot be the site's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be an http(s) origin such as https://ttokttok.example.com")]
pub struct NotAnOrigin;

impl PublicUrl {
    /// The origin of `url`, which must be http(s) with a host; path, query and fragment are dropped.
    pub fn new(mut url: Url) -> Result<Self, NotAnOrigin> {
        if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
            return Err(NotAnOrigin);
        }
        url.set_path("/");
        url.set_query(None);
        url.set_fragment(None);
        Ok(Self(url))
    }

    pub fn parse(text: &str) -> Result<Self, NotAnOrigin> {
        Self::new(Url::parse(text.trim()).map_err(|_| NotAnOrigin)?)
    }

    /// Kakao takes only https links, and cookies get `Secure` only over https.
    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    /// An absolute URL on this site.
    pub fn url(&self, path: &str) -> Url {
        // `path` is one of our own absolute paths, which always joins.
        self.0.join(path).unwrap_or_else(|_| self.0.clone())
    }
}

impl Deref for PublicUrl {
    type Target = Url;
    fn deref(&self) -> &Url {
        &self.0
    }
}

impl From<PublicUrl> for Url {
    fn from(public_url: PublicUrl) -> Url {
        public_url.0
    }
}

/// Where the site lives and the secret its cookies and links are made with.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    pub public_url: PublicUrl,
    pub secret: WebSecret,
    /// Whether handlers write CloudWatch metric lines (EMF) to stdout: on in Lambda, where the
    /// log pipeline turns them into metrics; off by default (locally they would be noise).
    pub emit_metrics: bool,
}

impl SiteSettings {
    pub fn new(public_url: PublicUrl, secret: WebSecret) -> Self {
        Self {
            public_url,
            secret,
            emit_metrics: false,
        }
    }

    /// Cookies get `Secure` (and the `__Host-` prefix) when the site is served over https.
    pub fn is_https(&self) -> bool {
        self.public_url.is_https()
    }

    /// An absolute URL on this site.
    pub fn url(&self, path: &str) -> Url {
        self.public_url.url(path)
    }

    /// The redirect URI registered with Kakao, for every login (admins, clients, re-consent).
    pub fn redirect_uri(&self) -> Url {
        self.url("/oauth/callback")
    }
}

impl Part for PublicUrl {
    /// Read once per [`Env`]: every part asking for it shares the value, and a bad one is
    /// reported once.
    fn read(env: &mut Env<'_>) -> Option<Self> {
        if let Some(read) = &env.public_url {
            return read.clone();
        }
        let read = env
            .required("PUBLIC_URL", "the site's origin as browsers see it")
            .and_then(|raw| match PublicUrl::parse(&raw) {
                Ok(url) => Some(url),
                Err(problem) => {
                    env.invalid("PUBLIC_URL", problem.to_string());
                    None
                }
            });
        env.public_url = Some(read.clone());
        read
    }
}

impl Part for SiteSettings {
    fn read(env: &mut Env<'_>) -> Option<Self> {
        let public_url = PublicUrl::read(env);
        let secret = match (env.optional("WEB_SECRET"), env.optional("WEB_SECRET_FILE")) {
            (Some(text), _) => WebSecret::from_base64(&text).map_err(|e| ("WEB_SECRET", e)),
            (None, Some(path)) => {
                WebSecret::load_or_create(&PathBuf::from(path)).map_err(|e| ("WEB_SECRET_FILE", e))
            }
            (None, None) => {
                env.missing("WEB_SECRET", "the web secret, base64 (or WEB_SECRET_FILE)");
                return None;
            }
        };
        let secret = secret
            .map_err(|(var, problem)| env.invalid(var, super::chain(&problem)))
            .ok();
        Some(Self::new(public_url?, secret?))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lookup;
    use super::super::{ConfigProblem, read_parts};
    use super::*;
    use crate::config::web_secret::SecretError;

    #[test]
    fn the_public_url_becomes_an_origin_and_the_redirect_uri_hangs_off_it() {
        let secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let site: SiteSettings = read_parts(lookup(&[
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
        let err = read_parts::<SiteSettings>(lookup(&[])).unwrap_err();
        let messages: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
        assert!(messages[0].starts_with("PUBLIC_URL is not set"), "{err}");
        assert!(messages[1].starts_with("WEB_SECRET is not set"), "{err}");
        let err = read_parts::<SiteSettings>(lookup(&[("PUBLIC_URL", "https://a.example")])).unwrap_err();
        assert!(err.to_string().contains("WEB_SECRET is not set"), "{err}");
        let err = read_parts::<SiteSettings>(lookup(&[("PUBLIC_URL", "ftp://a"), ("WEB_SECRET", "x")]))
            .unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(ConfigProblem::var).collect();
        assert_eq!(vars, ["PUBLIC_URL", "WEB_SECRET"]);
        let err = read_parts::<SiteSettings>(lookup(&[
            ("PUBLIC_URL", "https://a.example"),
            ("WEB_SECRET", "c2hvcnQ="),
        ]))
        .unwrap_err();
        assert_eq!(
            err.problems,
            [ConfigProblem::Invalid {
                var: "WEB_SECRET",
                reason: SecretError::TooShort(5).to_string()
            }]
        );
    }
}

//! Tracked links: the unguessable token in a reminder's buttons, one per invitee and meeting,
//! with one secret per button (`/j/{token}.{join}` to join, `/stop/{token}.{stop}` to opt out).

use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use rand::RngCore as _;
use subtle::ConstantTimeEq as _;

use crate::StoreError;

/// How long a token outlives its meeting's end: the opt-out button keeps working this long
/// (the join link is refused much sooner, by the attendance function).
pub const LINK_TOKEN_LIFETIME_AFTER_END: Duration = Duration::days(60);

/// A reminder's tracked link: the token (32 random bytes, URL-safe base64 without padding, 43
/// characters) that names the link, and one secret per button (16 random bytes each), so the
/// join button (`/j/{token}.{join}`) and the stop button (`/stop/{token}.{stop}`) are different
/// capabilities: whoever was forwarded one cannot use the other. Links made before the buttons
/// were separated carry no secrets and are used as `/j/{token}`, `/stop/{token}`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LinkToken {
    token: String,
    buttons: Option<ButtonSecrets>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct ButtonSecrets {
    join: String,
    stop: String,
}

/// Which of a reminder's two buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkButton {
    Join,
    Stop,
}

fn random_text(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

fn is_base64url(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl LinkToken {
    const RANDOM_BYTES: usize = 32;
    const LEN: usize = 43;
    const SECRET_BYTES: usize = 16;
    const SECRET_LEN: usize = 22;

    /// A fresh link with its two button secrets.
    pub fn generate() -> Self {
        Self {
            token: random_text(Self::RANDOM_BYTES),
            buttons: Some(ButtonSecrets {
                join: random_text(Self::SECRET_BYTES),
                stop: random_text(Self::SECRET_BYTES),
            }),
        }
    }

    /// The token alone (a link made before the buttons were separated, or the part of a
    /// presented link that names it); anything we could not have made is refused.
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        if is_base64url(s, Self::LEN) {
            Ok(Self {
                token: s.to_owned(),
                buttons: None,
            })
        } else {
            Err(StoreError::invalid("malformed link token"))
        }
    }

    /// A stored link: the token and, for links made since the buttons were separated, both
    /// secrets (one without the other is refused).
    pub fn from_stored(token: &str, join: Option<&str>, stop: Option<&str>) -> Result<Self, StoreError> {
        let mut link = Self::parse(token)?;
        link.buttons = match (join, stop) {
            (None, None) => None,
            (Some(join), Some(stop))
                if is_base64url(join, Self::SECRET_LEN) && is_base64url(stop, Self::SECRET_LEN) =>
            {
                Some(ButtonSecrets {
                    join: join.to_owned(),
                    stop: stop.to_owned(),
                })
            }
            _ => return Err(StoreError::invalid("malformed link secrets")),
        };
        Ok(link)
    }

    /// The token, which names the link (the store's key).
    pub fn as_str(&self) -> &str {
        &self.token
    }

    /// The button's secret, for links that have them.
    pub fn secret(&self, button: LinkButton) -> Option<&str> {
        self.buttons.as_ref().map(|b| match button {
            LinkButton::Join => b.join.as_str(),
            LinkButton::Stop => b.stop.as_str(),
        })
    }

    /// What goes after `/j/` or `/stop/` for this button.
    pub fn path_part(&self, button: LinkButton) -> String {
        match self.secret(button) {
            Some(secret) => format!("{}.{secret}", self.token),
            None => self.token.clone(),
        }
    }
}

// A token grants an action to whoever holds it: logs get a prefix only.
impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkToken({}…)", self.token.get(..6).unwrap_or(""))
    }
}

/// A link as it comes back in a URL: the token, and the button's secret when the link has one.
#[derive(Clone, PartialEq, Eq)]
pub struct PresentedLink {
    pub token: LinkToken,
    secret: Option<String>,
}

impl PresentedLink {
    /// `{token}` or `{token}.{secret}`; anything else is refused.
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let (token, secret) = match s.split_once('.') {
            Some((token, secret)) if is_base64url(secret, LinkToken::SECRET_LEN) => (token, Some(secret)),
            Some(_) => return Err(StoreError::invalid("malformed link secret")),
            None => (s, None),
        };
        Ok(Self {
            token: LinkToken::parse(token)?,
            secret: secret.map(str::to_owned),
        })
    }
}

impl fmt::Debug for PresentedLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PresentedLink({:?})", self.token)
    }
}

/// Whom a token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    pub admin: KakaoUserId,
    pub meeting: MeetingId,
    pub friend: FriendUuid,
    pub created_at: DateTime<Utc>,
    /// After this the store refuses it (`Expired`) and may forget it (TTL).
    pub expires_at: DateTime<Utc>,
    /// The link as stored, with its button secrets (if it has them).
    pub link: LinkToken,
}

impl LinkTarget {
    /// Whether `presented` opens this link's `button`: a link with secrets wants that button's
    /// own (compared in constant time); a link made before them wants none.
    pub fn admits(&self, button: LinkButton, presented: &PresentedLink) -> bool {
        match (self.link.secret(button), presented.secret.as_deref()) {
            (Some(wanted), Some(given)) => bool::from(wanted.as_bytes().ct_eq(given.as_bytes())),
            (None, None) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_parse_back() {
        let a = LinkToken::generate();
        assert_eq!(a.as_str().len(), 43);
        assert_ne!(a, LinkToken::generate());
        assert_eq!(LinkToken::parse(a.as_str()).unwrap().as_str(), a.as_str());
        for bad in ["", "short", &"a".repeat(44), &format!("{}!", "a".repeat(42))] {
            assert!(LinkToken::parse(bad).is_err(), "{bad:?}");
        }
        assert!(!format!("{a:?}").contains(a.as_str()));
    }

    fn target(link: LinkToken) -> LinkTarget {
        LinkTarget {
            admin: KakaoUserId::new(1).unwrap(),
            meeting: MeetingId::new_v7(),
            friend: FriendUuid::parse("f").unwrap(),
            created_at: DateTime::UNIX_EPOCH,
            expires_at: DateTime::UNIX_EPOCH,
            link,
        }
    }

    #[test]
    fn each_button_opens_with_its_own_secret_only() {
        let link = LinkToken::generate();
        let join = PresentedLink::parse(&link.path_part(LinkButton::Join)).unwrap();
        let stop = PresentedLink::parse(&link.path_part(LinkButton::Stop)).unwrap();
        let bare = PresentedLink::parse(link.as_str()).unwrap();
        let t = target(link.clone());
        assert!(t.admits(LinkButton::Join, &join));
        assert!(t.admits(LinkButton::Stop, &stop));
        assert!(!t.admits(LinkButton::Stop, &join), "the join link does not stop");
        assert!(!t.admits(LinkButton::Join, &stop), "the stop link does not join");
        assert!(
            !t.admits(LinkButton::Join, &bare),
            "the token alone opens nothing"
        );
        assert_ne!(link.path_part(LinkButton::Join), link.path_part(LinkButton::Stop));

        let legacy = target(LinkToken::parse(link.as_str()).unwrap());
        assert!(legacy.admits(LinkButton::Join, &bare) && legacy.admits(LinkButton::Stop, &bare));
        assert!(!legacy.admits(LinkButton::Join, &join));

        for bad in [
            format!("{}.short", link.as_str()),
            format!("{}.", link.as_str()),
            "x.y".into(),
        ] {
            assert!(PresentedLink::parse(&bad).is_err(), "{bad}");
        }
        let stored = LinkToken::from_stored(
            link.as_str(),
            link.secret(LinkButton::Join),
            link.secret(LinkButton::Stop),
        )
        .unwrap();
        assert_eq!(stored, link);
        assert!(LinkToken::from_stored(link.as_str(), link.secret(LinkButton::Join), None).is_err());
        assert!(!format!("{join:?}").contains(link.secret(LinkButton::Join).unwrap()));
    }
}

//! Onboarding codes: the `{code}` in an admin's client link `/join/{code}`.
//!
//! A code names its admin without showing the admin's Kakao id and cannot be forged: it is the
//! admin id encrypted with AES-256-GCM under a key derived from the web secret, with a nonce
//! derived from the id itself (HMAC), so each admin always gets the same code (links printed as
//! QR codes keep working) and the store holds nothing for it. 36 bytes, 48 characters.

use aes_gcm::aead::{Aead as _, Payload};
use aes_gcm::{Aes256Gcm, KeyInit as _, Nonce};
use base64::Engine as _;
use domain::KakaoUserId;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::keys::{KEY_LEN, WebSecret};

const NONCE_LEN: usize = 12;
const AAD: &[u8] = b"ttokttok onboarding code v1";
/// 12 nonce + 8 id + 16 tag bytes, in unpadded base64.
const CODE_LEN: usize = 48;

/// Makes and reads onboarding codes.
#[derive(Clone)]
pub struct OnboardingCodes {
    cipher: Aes256Gcm,
    nonce_key: Zeroizing<[u8; KEY_LEN]>,
}

impl std::fmt::Debug for OnboardingCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnboardingCodes")
    }
}

impl OnboardingCodes {
    pub fn new(secret: &WebSecret) -> Self {
        let key = secret.derive("ttokttok/web/onboarding-code/v1");
        Self {
            cipher: Aes256Gcm::new(key.as_slice().into()),
            nonce_key: secret.derive("ttokttok/web/onboarding-nonce/v1"),
        }
    }

    /// The admin's code (always the same for the same admin and secret).
    pub fn code_for(&self, admin: KakaoUserId) -> String {
        let id = admin.get().to_be_bytes();
        let Ok(mut mac) = <Hmac<Sha256> as hmac::Mac>::new_from_slice(self.nonce_key.as_slice()) else {
            unreachable!("HMAC accepts any key length")
        };
        mac.update(&id);
        let digest = mac.finalize().into_bytes();
        let nonce = &digest[..NONCE_LEN];
        // Encrypting 8 bytes cannot fail.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(nonce), Payload { msg: &id, aad: AAD })
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
    }

    /// The admin a code names, or `None` for anything we did not issue.
    pub fn admin_for(&self, code: &str) -> Option<KakaoUserId> {
        if code.len() != CODE_LEN {
            return None;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(code)
            .ok()?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let id = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: AAD,
                },
            )
            .ok()?;
        let id: [u8; 8] = id.try_into().ok()?;
        let admin = KakaoUserId::parse(&u64::from_be_bytes(id).to_string()).ok()?;
        // Only the nonce we would have made: one code per admin, no look-alikes.
        (self.code_for(admin) == code).then_some(admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(id: &str) -> KakaoUserId {
        KakaoUserId::parse(id).unwrap()
    }

    #[test]
    fn a_code_is_stable_opaque_and_names_its_admin() {
        let codes = OnboardingCodes::new(&WebSecret::generate());
        let code = codes.code_for(admin("4812345001"));
        assert_eq!(code.len(), CODE_LEN);
        assert_eq!(code, codes.code_for(admin("4812345001")));
        assert!(!code.contains("4812345001"));
        assert_ne!(code, codes.code_for(admin("4812345101")));
        assert_eq!(codes.admin_for(&code), Some(admin("4812345001")));
    }

    #[test]
    fn codes_we_did_not_issue_name_nobody() {
        let codes = OnboardingCodes::new(&WebSecret::generate());
        let other = OnboardingCodes::new(&WebSecret::generate());
        let foreign = other.code_for(admin("4812345001"));
        assert_eq!(codes.admin_for(&foreign), None);
        let mut changed = codes.code_for(admin("4812345001")).into_bytes();
        changed[20] = if changed[20] == b'A' { b'B' } else { b'A' };
        assert_eq!(codes.admin_for(&String::from_utf8(changed).unwrap()), None);
        for junk in ["", "abc", &"A".repeat(48), "<script>alert(1)</script>"] {
            assert_eq!(codes.admin_for(junk), None, "{junk:?}");
        }
    }
}

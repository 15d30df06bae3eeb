//! The byte format of a sealed value, shared by every provider.
//!
//! Local key (`StaticKeyProvider`, `FileKeyProvider`):
//! `0x01 | nonce (12) | ciphertext + tag (16)`.
//! KMS data key (`KmsKeyProvider`):
//! `0x02 | len(encrypted data key) as u16 BE | encrypted data key | nonce (12) | ciphertext + tag`.
//!
//! The leading version byte lets a reader tell the formats apart and refuse what it cannot open,
//! and it is fed into the AAD too, so a ciphertext cannot be re-labelled as another format.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use rand::RngCore;

use super::{CryptoError, KEY_LEN};

pub(crate) const VERSION_LOCAL: u8 = 0x01;
#[cfg_attr(not(feature = "dynamo"), allow(dead_code))]
pub(crate) const VERSION_KMS: u8 = 0x02;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

pub(crate) fn cipher(key: &[u8]) -> Result<Aes256Gcm, CryptoError> {
    if key.len() != KEY_LEN {
        return Err(CryptoError::KeyLength { len: key.len() });
    }
    Aes256Gcm::new_from_slice(key).map_err(|_| CryptoError::KeyLength { len: key.len() })
}

/// Appends `nonce | ciphertext+tag` for `plaintext` to `out`, with `header` (everything already in
/// `out`) and the caller's `aad` both authenticated.
pub(crate) fn seal_into(
    cipher: &Aes256Gcm,
    out: &mut Vec<u8>,
    plaintext: &[u8],
    aad: &[u8],
) -> Result<(), CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let full_aad = authenticated_data(out, aad);
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &full_aad,
            },
        )
        .map_err(|_| CryptoError::Seal)?;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Ok(())
}

/// Opens `body` (`nonce | ciphertext+tag`) that was sealed after `header`.
pub(crate) fn open_body(
    cipher: &Aes256Gcm,
    header: &[u8],
    body: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    if body.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Malformed("shorter than a nonce and a tag"));
    }
    let (nonce, ciphertext) = body.split_at(NONCE_LEN);
    let full_aad = authenticated_data(header, aad);
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &full_aad,
            },
        )
        .map_err(|_| CryptoError::Open)
}

/// `len(header) as u32 BE | header | aad`: unambiguous, so header bytes cannot pose as aad.
fn authenticated_data(header: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + header.len() + aad.len());
    data.extend_from_slice(&(header.len() as u32).to_be_bytes());
    data.extend_from_slice(header);
    data.extend_from_slice(aad);
    data
}

/// Seal with a local key in the `0x01` format.
pub(crate) fn seal_local(cipher: &Aes256Gcm, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
    out.push(VERSION_LOCAL);
    seal_into(cipher, &mut out, plaintext, aad)?;
    Ok(out)
}

/// Open a `0x01` value with a local key.
pub(crate) fn open_local(cipher: &Aes256Gcm, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match sealed.split_first() {
        Some((&VERSION_LOCAL, body)) => open_body(cipher, &sealed[..1], body, aad),
        Some((&VERSION_KMS, _)) => Err(CryptoError::Malformed(
            "sealed with a KMS data key, not a local key",
        )),
        Some(_) => Err(CryptoError::Malformed("unknown format version")),
        None => Err(CryptoError::Malformed("empty")),
    }
}

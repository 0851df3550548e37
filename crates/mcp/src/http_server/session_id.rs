//! Session ids: 128 random bits, and with a [`SessionSecret`] a tag that proves a replica of
//! this server issued them, so that an id no replica issued is refused without looking it up.

use std::sync::Arc;

use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::secret::{self, SecretFault};

/// The environment variable [`SessionSecret::from_env`] reads: 32 bytes in base64 (as
/// `openssl rand -base64 32` prints them) or in hex, the same for every replica of a server.
pub const SESSION_SECRET_ENV: &str = "MCP_SESSION_SECRET";

/// A session secret that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{origin} is not a session secret: {reason} (expected 32 random bytes in base64 or hex, as \
     `openssl rand -base64 32` prints them)"
)]
pub struct SessionSecretError {
    /// Where the secret came from (the variable's name, or "the text").
    pub origin: String,
    /// What is wrong with it.
    pub reason: SecretFault,
}

/// The key that signs the session ids an [`HttpServer`](super::HttpServer) issues: replicas
/// sharing their sessions share it too, and refuse an id none of them issued at once (404),
/// without asking the session store.
///
/// ```
/// # fn demo() -> Result<(), mcp::http_server::SessionSecretError> {
/// use mcp::http_server::SessionSecret;
///
/// let secret = SessionSecret::from_env()?.unwrap_or_else(SessionSecret::random);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SessionSecret {
    key: [u8; 32],
}

impl std::fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionSecret(..)")
    }
}

impl std::str::FromStr for SessionSecret {
    type Err = SessionSecretError;

    /// Reads 32 bytes in base64 (standard or URL-safe, padded or not) or in hex.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        secret::parse(text)
            .map(Self::from_bytes)
            .map_err(|reason| SessionSecretError {
                origin: "the text".into(),
                reason,
            })
    }
}

impl SessionSecret {
    /// The secret in [`SESSION_SECRET_ENV`] (`MCP_SESSION_SECRET`), or `None` when that is not
    /// set.
    pub fn from_env() -> Result<Option<Self>, SessionSecretError> {
        secret::from_env(SESSION_SECRET_ENV)
            .map(|bytes| bytes.map(Self::from_bytes))
            .map_err(|reason| SessionSecretError {
                origin: SESSION_SECRET_ENV.into(),
                reason,
            })
    }

    /// A secret from 32 secret bytes.
    pub fn from_bytes(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// A fresh random secret.
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        Self { key }
    }

    fn mac(&self, random: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(random);
        mac
    }
}

/// Bytes of randomness, and of tag, in a session id.
const PART: usize = 16;

/// `bytes` random bytes in hex.
pub(super) fn random_hex(bytes: usize) -> String {
    let mut random = vec![0u8; bytes];
    OsRng.fill_bytes(&mut random);
    hex(&random)
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push_str(&format!("{b:02x}"));
    }
    text
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// A new session id: 32 hex digits of randomness, followed by 32 of tag with a secret.
pub(super) fn issue(secret: Option<&SessionSecret>) -> Arc<str> {
    let mut random = [0u8; PART];
    OsRng.fill_bytes(&mut random);
    let mut id = hex(&random);
    if let Some(secret) = secret {
        let tag = secret.mac(&random).finalize().into_bytes();
        id.push_str(&hex(&tag[..PART]));
    }
    id.into()
}

/// Whether `id` may be a session this server issued: with a secret, whether its tag is right.
pub(super) fn plausible(secret: Option<&SessionSecret>, id: &str) -> bool {
    let Some(secret) = secret else {
        return true;
    };
    if id.len() != 4 * PART {
        return false;
    }
    let (random, tag) = id.split_at(2 * PART);
    match (unhex(random), unhex(tag)) {
        (Some(random), Some(tag)) => secret.mac(&random).verify_truncated_left(&tag).is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_ids_are_checked_by_their_tag() {
        let secret = SessionSecret::random();
        let id = issue(Some(&secret));
        assert_eq!(id.len(), 64);
        assert!(plausible(Some(&secret), &id));
        assert!(!plausible(Some(&SessionSecret::random()), &id));
        let mut forged = id.to_string();
        forged.replace_range(0..1, if forged.starts_with('0') { "1" } else { "0" });
        assert!(!plausible(Some(&secret), &forged));
        assert!(!plausible(Some(&secret), "not-an-id"));
        assert!(!plausible(Some(&secret), &"é".repeat(32)));
    }

    #[test]
    fn unsigned_ids_are_random_hex() {
        let id = issue(None);
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(id, issue(None));
        assert!(plausible(None, &id));
    }

    #[test]
    fn secrets_read_base64_and_hex() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assert!(hex.parse::<SessionSecret>().is_ok());
        let error = "c2hvcnQ=".parse::<SessionSecret>().unwrap_err();
        assert!(error.to_string().contains("5 bytes, not 32"), "{error}");
    }
}

//! 32 secret bytes written as text, the way replicas of a server share a key: in base64
//! (standard or URL-safe, padded or not, as `openssl rand -base64 32` prints them) or in hex.
//! What [`RequestStateKey`](crate::server::RequestStateKey) and the HTTP host's
//! `SessionSecret` read, from their text or their environment variable.
//!
//! ```
//! use mcp::secret::{self, SecretFault};
//!
//! let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
//! assert_eq!(secret::parse(hex).unwrap()[1], 0x11);
//! assert_eq!(secret::parse("c2hvcnQ="), Err(SecretFault::WrongLength(5)));
//! assert_eq!(secret::from_env("MCP_NO_SUCH_VARIABLE"), Ok(None));
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// What is wrong with text that should hold 32 secret bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretFault {
    /// The environment variable's value is not UTF-8.
    #[error("it is not UTF-8")]
    NotUtf8,
    /// Neither base64 nor 64 hex digits.
    #[error("it is neither base64 nor 64 hex digits")]
    NotBase64OrHex,
    /// It decodes to this many bytes instead of 32.
    #[error("it holds {0} bytes, not 32")]
    WrongLength(usize),
}

/// The 32 bytes `text` holds in base64 (standard or URL-safe, padded or not) or in hex;
/// surrounding whitespace is ignored.
pub fn parse(text: &str) -> Result<[u8; 32], SecretFault> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| SecretFault::NotBase64OrHex)?
    } else {
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())
            .ok_or(SecretFault::NotBase64OrHex)?
    };
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| SecretFault::WrongLength(bytes.len()))
}

/// The 32 bytes in the environment variable `name` ([`parse`]), or `None` when it is not set.
pub fn from_env(name: &str) -> Result<Option<[u8; 32]>, SecretFault> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) => parse(value.to_str().ok_or(SecretFault::NotUtf8)?).map(Some),
    }
}

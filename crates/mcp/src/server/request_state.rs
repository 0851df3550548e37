//! Sealing the `requestState` of multi round-trip requests.
//!
//! In the stateless era a handler that needs input from the client ends with an
//! `input_required` result; the client retries the whole request with the answers. The answers
//! gathered in earlier rounds travel in `requestState`, which passes through the client and so is
//! attacker-controlled. It is sealed here with ChaCha20-Poly1305 under a per-server key and bound
//! to the request (method and a digest of its parameters), the authenticated principal, and an
//! expiry: a tampered, replayed-elsewhere or stale state is rejected.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::secret::{self, SecretFault};
use crate::types::ErrorData;

/// The key that seals request state. Random per server by default; servers behind a load
/// balancer share one so that any instance can open another's state.
#[derive(Clone)]
pub struct RequestStateKey {
    cipher: ChaCha20Poly1305,
}

impl fmt::Debug for RequestStateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestStateKey(..)")
    }
}

/// The environment variable [`RequestStateKey::from_env`] reads: the 32 bytes of the key in
/// base64 (as `openssl rand -base64 32` prints them) or in hex. Every replica of a server gets
/// the same value.
pub const REQUEST_STATE_KEY_ENV: &str = "MCP_REQUEST_STATE_KEY";

/// A request-state key that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{origin} is not a request-state key: {reason} (expected 32 random bytes in base64 or \
     hex, as `openssl rand -base64 32` prints them)"
)]
pub struct RequestStateKeyError {
    /// Where the key came from (the variable's name, or "the text").
    pub origin: String,
    /// What is wrong with it.
    pub reason: SecretFault,
}

impl std::str::FromStr for RequestStateKey {
    type Err = RequestStateKeyError;

    /// Reads 32 bytes in base64 (standard or URL-safe, padded or not) or in hex.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        secret::parse(text)
            .map(RequestStateKey::from_bytes)
            .map_err(|reason| RequestStateKeyError {
                origin: "the text".into(),
                reason,
            })
    }
}

impl RequestStateKey {
    /// The key in [`REQUEST_STATE_KEY_ENV`] (`MCP_REQUEST_STATE_KEY`), or `None` when that is
    /// not set: the way replicas behind a load balancer share one.
    ///
    /// ```
    /// # fn demo() -> Result<(), mcp::server::RequestStateKeyError> {
    /// use mcp::server::{RequestStateKey, Server};
    /// # struct Handler;
    /// # #[mcp::server_handler]
    /// # impl mcp::server::ServerHandler for Handler {}
    /// let key = RequestStateKey::from_env()?.unwrap_or_else(RequestStateKey::random);
    /// let server = Server::builder("replicated", Handler).request_state_key(key).build();
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Option<Self>, RequestStateKeyError> {
        secret::from_env(REQUEST_STATE_KEY_ENV)
            .map(|bytes| bytes.map(Self::from_bytes))
            .map_err(|reason| RequestStateKeyError {
                origin: REQUEST_STATE_KEY_ENV.into(),
                reason,
            })
    }

    /// A fresh random key.
    pub fn random() -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(&ChaCha20Poly1305::generate_key(&mut OsRng)),
        }
    }

    /// A key from 32 secret bytes (share them between the instances of one server).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&bytes)),
        }
    }
}

/// What a sealed request state holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatePayload {
    /// The method of the request the state belongs to.
    #[serde(rename = "m")]
    pub method: String,
    /// A digest of the request's parameters (without `_meta`, `inputResponses`, `requestState`).
    #[serde(rename = "d")]
    pub digest: String,
    /// Who the request was made by, when the transport authenticated the client.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Expiry, in seconds since the Unix epoch.
    #[serde(rename = "e")]
    pub expires: u64,
    /// The answers gathered so far, by input request key.
    #[serde(rename = "r")]
    pub responses: BTreeMap<String, Value>,
}

/// The request a state is bound to.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding<'a> {
    /// The request's method.
    pub method: &'a str,
    /// [`params_digest`] of its parameters.
    pub digest: &'a str,
    /// The authenticated principal, if any.
    pub principal: Option<&'a str>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl RequestStateKey {
    /// Seals the answers gathered so far, bound to `binding`, valid for `ttl`.
    pub fn seal(
        &self,
        binding: &Binding<'_>,
        responses: BTreeMap<String, Value>,
        ttl: Duration,
    ) -> String {
        let payload = StatePayload {
            method: binding.method.to_owned(),
            digest: binding.digest.to_owned(),
            principal: binding.principal.map(str::to_owned),
            expires: now().saturating_add(ttl.as_secs()),
            responses,
        };
        let plain = serde_json::to_vec(&payload).expect("the payload serializes");
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_slice())
            .expect("encryption of an in-memory buffer does not fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// Opens a state and checks it belongs to `binding` and has not expired; returns the
    /// answers it carries. Any failure is an invalid-params error.
    pub fn open(
        &self,
        state: &str,
        binding: &Binding<'_>,
    ) -> Result<BTreeMap<String, Value>, ErrorData> {
        let reject = |why: &str| ErrorData::invalid_params(format!("requestState rejected: {why}"));
        let bytes = URL_SAFE_NO_PAD
            .decode(state.trim())
            .map_err(|_| reject("not a state this server issued"))?;
        if bytes.len() < 12 {
            return Err(reject("not a state this server issued"));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| reject("it was not issued by this server or was modified"))?;
        let payload: StatePayload =
            serde_json::from_slice(&plain).map_err(|_| reject("unreadable contents"))?;
        if payload.expires < now() {
            return Err(reject("it has expired; start the request again without it"));
        }
        if payload.method != binding.method || payload.digest != binding.digest {
            return Err(reject("it belongs to a different request"));
        }
        if payload.principal.as_deref() != binding.principal {
            return Err(reject("it was issued to a different client"));
        }
        Ok(payload.responses)
    }
}

/// A digest of request parameters that ignores `_meta`, `inputResponses`, `requestState` and
/// the order of object keys.
pub fn params_digest(params: Option<&Value>) -> String {
    let mut hasher = Sha256::new();
    let mut buf = Vec::new();
    if let Some(Value::Object(map)) = params {
        let mut keys: Vec<&String> = map
            .keys()
            .filter(|k| !matches!(k.as_str(), "_meta" | "inputResponses" | "requestState"))
            .collect();
        keys.sort();
        buf.push(b'{');
        for (i, key) in keys.into_iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            canonical(&Value::String(key.clone()), &mut buf);
            buf.push(b':');
            canonical(&map[key], &mut buf);
        }
        buf.push(b'}');
    } else if let Some(other) = params {
        canonical(other, &mut buf);
    }
    hasher.update(&buf);
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Writes JSON with object keys sorted, so equal values give equal bytes.
fn canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, k).expect("a string serializes");
                out.push(b':');
                canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(v, out);
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar).expect("a scalar serializes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn binding<'a>(digest: &'a str) -> Binding<'a> {
        Binding {
            method: "tools/call",
            digest,
            principal: None,
        }
    }

    #[test]
    fn a_sealed_state_opens_for_the_same_request_only() {
        let key = RequestStateKey::random();
        let params = json!({"name": "book", "arguments": {"a": 1, "b": [1, 2]}});
        let digest = params_digest(Some(&params));
        let answers = BTreeMap::from([("0-elicitation".to_owned(), json!({"action": "accept"}))]);
        let state = key.seal(&binding(&digest), answers.clone(), Duration::from_secs(60));
        assert_eq!(key.open(&state, &binding(&digest)).unwrap(), answers);

        let other = params_digest(Some(&json!({"name": "book", "arguments": {"a": 2}})));
        assert!(key.open(&state, &binding(&other)).is_err());
        let mut wrong_method = binding(&digest);
        wrong_method.method = "prompts/get";
        assert!(key.open(&state, &wrong_method).is_err());
        let mut someone_else = binding(&digest);
        someone_else.principal = Some("mallory");
        assert!(key.open(&state, &someone_else).is_err());
        assert!(
            RequestStateKey::random()
                .open(&state, &binding(&digest))
                .is_err()
        );
    }

    #[test]
    fn a_key_reads_from_base64_or_hex_and_seals_as_the_same_bytes() {
        let bytes: [u8; 32] = std::array::from_fn(|i| i as u8 * 7);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let digest = params_digest(None);
        let state = RequestStateKey::from_bytes(bytes).seal(
            &binding(&digest),
            BTreeMap::new(),
            Duration::from_secs(60),
        );
        for text in [
            base64::engine::general_purpose::STANDARD.encode(bytes),
            URL_SAFE_NO_PAD.encode(bytes),
            hex.to_uppercase(),
            format!("  {hex}\n"),
        ] {
            let key: RequestStateKey = text.parse().unwrap();
            assert!(key.open(&state, &binding(&digest)).is_ok(), "{text}");
        }
        let short = "c2hvcnQ=".parse::<RequestStateKey>().unwrap_err();
        assert_eq!(short.reason, SecretFault::WrongLength(5));
        assert!(
            short.to_string().contains("openssl rand -base64 32"),
            "{short}"
        );
        let garbage = "not a key!".parse::<RequestStateKey>().unwrap_err();
        assert_eq!(garbage.reason, SecretFault::NotBase64OrHex, "{garbage}");
    }

    #[test]
    fn a_tampered_or_expired_state_is_rejected() {
        let key = RequestStateKey::from_bytes([7; 32]);
        let digest = params_digest(None);
        let state = key.seal(&binding(&digest), BTreeMap::new(), Duration::from_secs(60));
        let mut bytes = URL_SAFE_NO_PAD.decode(&state).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = URL_SAFE_NO_PAD.encode(bytes);
        let e = key.open(&tampered, &binding(&digest)).unwrap_err();
        assert!(e.message.contains("modified"), "{e}");
        assert!(key.open("garbage!", &binding(&digest)).is_err());
        let expired = key.seal(&binding(&digest), BTreeMap::new(), Duration::ZERO);
        std::thread::sleep(Duration::from_millis(1100));
        let e = key.open(&expired, &binding(&digest)).unwrap_err();
        assert!(e.message.contains("expired"), "{e}");
    }

    #[test]
    fn the_digest_ignores_key_order_and_round_trip_fields() {
        let a =
            json!({"name": "t", "arguments": {"x": 1, "y": {"b": 2, "a": 1}}, "_meta": {"k": 1}});
        let b =
            json!({"arguments": {"y": {"a": 1, "b": 2}, "x": 1}, "name": "t", "requestState": "s"});
        assert_eq!(params_digest(Some(&a)), params_digest(Some(&b)));
        let c = json!({"name": "t", "arguments": {"x": 2}});
        assert_ne!(params_digest(Some(&a)), params_digest(Some(&c)));
    }
}

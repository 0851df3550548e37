//! DPoP, the server side (RFC 9449): checking the proof of possession that comes with a
//! DPoP-bound access token (or with a token request, at an authorization server).
//!
//! [`DpopVerifier::verify`] runs the checks of RFC 9449 §4.3: one well-formed `dpop+jwt` proof
//! signed with an asymmetric algorithm by the public key it carries (never a private one), the
//! request's method (`htm`) and URL (`htu`), a fresh `iat`, a `jti` not seen before, the server's
//! nonce when it asks for one, and, with an access token, its hash (`ath`) and the key it is
//! bound to (`cnf.jkt`). Signatures and thumbprints are jsonwebtoken's, over aws-lc-rs.
//!
//! The replay cache and the nonces live in the verifier, so in one process: replicas behind a
//! load balancer each keep their own (a client whose proof another replica's nonce refuses is
//! given this one's, and retries).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::Uri;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use parking_lot::Mutex;
use serde::Deserialize;

use crate::jwt::{access_token_hash, install_crypto_provider, now};

/// The algorithms accepted in proofs: asymmetric ones only (RFC 9449 §4.3, §11.6).
const ALGORITHMS: [Algorithm; 9] = [
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::EdDSA,
];

/// How a server checks DPoP proofs.
///
/// ```
/// use std::time::Duration;
/// use mcp::auth::dpop::DpopSettings;
///
/// let settings = DpopSettings::new().required(true).require_nonce(true).max_age(Duration::from_secs(60));
/// assert!(settings.required && settings.require_nonce);
/// ```
#[derive(Debug, Clone)]
pub struct DpopSettings {
    /// Refuse Bearer tokens: every token must be DPoP-bound (default false: both are taken).
    pub required: bool,
    /// Ask for a server-provided nonce in every proof (RFC 9449 §9): a proof without the
    /// current one is answered `use_dpop_nonce` with a `DPoP-Nonce` to retry with.
    pub require_nonce: bool,
    /// How old a proof may be (its `iat`); default 5 minutes.
    pub max_age: Duration,
    /// How far in the future a proof's `iat` may be, for clocks that run ahead; default 1
    /// minute.
    pub leeway: Duration,
    /// How long a nonce is handed out before the next one replaces it (the one before stays
    /// good for as long again); default 5 minutes.
    pub nonce_lifetime: Duration,
}

impl Default for DpopSettings {
    fn default() -> Self {
        Self {
            required: false,
            require_nonce: false,
            max_age: Duration::from_secs(300),
            leeway: Duration::from_secs(60),
            nonce_lifetime: Duration::from_secs(300),
        }
    }
}

impl DpopSettings {
    /// The defaults: DPoP-bound tokens accepted beside Bearer ones, no nonce, proofs of at
    /// most 5 minutes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether every token must be DPoP-bound.
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// Whether every proof must carry the server's nonce.
    pub fn require_nonce(mut self, require: bool) -> Self {
        self.require_nonce = require;
        self
    }

    /// How old a proof may be.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The JWS algorithms proofs may use, for the metadata (`dpop_signing_alg_values_supported`)
    /// and the `algs` of challenges.
    pub fn algorithms() -> Vec<&'static str> {
        vec![
            "ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA",
        ]
    }
}

/// The request a proof must match.
#[derive(Debug, Clone, Copy)]
pub struct DpopRequest<'a> {
    /// The HTTP method (`POST`).
    pub method: &'a str,
    /// The request's URL as the client addressed it, without query: scheme, host, port and
    /// path (`https://mcp.example.com/mcp`).
    pub url: &'a str,
    /// The access token presented with the proof, if any (not at a token endpoint).
    pub access_token: Option<&'a str>,
    /// The thumbprint (`cnf.jkt`) the access token is bound to, if any.
    pub bound_to: Option<&'a str>,
}

/// A proof that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The RFC 7638 SHA-256 thumbprint of the proof's key: what a token issued for it is bound
    /// to (`cnf.jkt`).
    pub thumbprint: String,
    /// The proof's unique id.
    pub jti: String,
}

/// Why a proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DpopError {
    /// The request carries no `DPoP` header.
    #[error("the request carries no DPoP proof")]
    Missing,
    /// The request carries more than one `DPoP` header.
    #[error("the request carries more than one DPoP proof")]
    Multiple,
    /// The proof is not a JWT with the members a proof has.
    #[error("the DPoP proof is not well-formed: {0}")]
    Malformed(String),
    /// The proof's `typ` is not `dpop+jwt`.
    #[error("the DPoP proof's typ must be dpop+jwt")]
    Type,
    /// The proof is not signed with an accepted asymmetric algorithm.
    #[error("the DPoP proof's algorithm {0} is not an accepted asymmetric one")]
    Algorithm(String),
    /// The proof's header carries no usable public key (or a private one).
    #[error("the DPoP proof's jwk {0}")]
    Key(String),
    /// The signature does not verify with the proof's key.
    #[error("the DPoP proof's signature does not verify")]
    Signature,
    /// `htm` is not the request's method.
    #[error("the DPoP proof is for {found} requests, not {expected}")]
    Method {
        /// The request's method.
        expected: String,
        /// The proof's `htm`.
        found: String,
    },
    /// `htu` is not the request's URL.
    #[error("the DPoP proof is for {found}, not {expected}")]
    Url {
        /// The request's URL.
        expected: String,
        /// The proof's `htu`.
        found: String,
    },
    /// `iat` is too old or too far in the future.
    #[error("the DPoP proof was issued {0}")]
    Stale(String),
    /// A proof with this `jti` was already used.
    #[error("the DPoP proof was used before (its jti is not new)")]
    Replayed,
    /// `ath` is missing or is not the hash of the access token.
    #[error("the DPoP proof's ath does not match the access token")]
    TokenHash,
    /// The proof's key is not the one the access token is bound to.
    #[error("the DPoP proof's key is not the key the access token is bound to")]
    Binding,
    /// The proof lacks the server's current nonce: retry with the one given.
    #[error("the DPoP proof must carry the server's nonce")]
    UseNonce(String),
}

impl DpopError {
    /// The OAuth error code of the refusal (RFC 9449 §7.1, §9): `use_dpop_nonce`, else
    /// `invalid_dpop_proof`.
    pub fn error_code(&self) -> &'static str {
        match self {
            Self::UseNonce(_) => "use_dpop_nonce",
            _ => "invalid_dpop_proof",
        }
    }
}

/// The claims of a proof (RFC 9449 §4.2).
#[derive(Deserialize)]
struct ProofClaims {
    jti: Option<String>,
    htm: Option<String>,
    htu: Option<String>,
    iat: Option<serde_json::Number>,
    ath: Option<String>,
    nonce: Option<String>,
}

/// The nonces handed out: the current one and the one it replaced.
struct Nonces {
    current: String,
    previous: Option<String>,
    issued: Instant,
    lifetime: Duration,
}

impl Nonces {
    fn new(lifetime: Duration) -> Self {
        Self {
            current: random_nonce(),
            previous: None,
            issued: Instant::now(),
            lifetime,
        }
    }

    fn rotate(&mut self) {
        if self.issued.elapsed() >= self.lifetime {
            let next = random_nonce();
            self.previous = Some(std::mem::replace(&mut self.current, next));
            self.issued = Instant::now();
        }
    }

    fn current(&mut self) -> String {
        self.rotate();
        self.current.clone()
    }

    fn accepts(&mut self, nonce: &str) -> bool {
        self.rotate();
        nonce == self.current || self.previous.as_deref() == Some(nonce)
    }
}

/// 16 random bytes, base64url.
fn random_nonce() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Checks DPoP proofs, remembering the ones it accepted until they are too old to be
/// accepted again.
pub struct DpopVerifier {
    settings: DpopSettings,
    nonces: Option<Mutex<Nonces>>,
    /// `thumbprint jti` → when the entry may be forgotten (Unix seconds).
    seen: Mutex<HashMap<String, u64>>,
}

impl std::fmt::Debug for DpopVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopVerifier")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl DpopVerifier {
    /// A verifier applying `settings`.
    pub fn new(settings: DpopSettings) -> Self {
        install_crypto_provider();
        let nonces = settings
            .require_nonce
            .then(|| Mutex::new(Nonces::new(settings.nonce_lifetime)));
        Self {
            settings,
            nonces,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Its settings.
    pub fn settings(&self) -> &DpopSettings {
        &self.settings
    }

    /// The nonce to hand out now (`DPoP-Nonce`), when the verifier asks for one.
    pub fn nonce(&self) -> Option<String> {
        self.nonces.as_ref().map(|n| n.lock().current())
    }

    /// Checks `proof` (the `DPoP` header's value) against `request`.
    pub fn verify(
        &self,
        proof: &str,
        request: &DpopRequest<'_>,
    ) -> Result<VerifiedProof, DpopError> {
        let (jwk, algorithm) = proof_key(proof)?;
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|e| DpopError::Key(format!("is not a usable public key: {e}")))?;
        let mut validation = Validation::new(algorithm);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<ProofClaims>(proof, &key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidSignature => DpopError::Signature,
                _ => DpopError::Malformed(e.to_string()),
            })?
            .claims;
        let missing = |name: &str| DpopError::Malformed(format!("no {name} claim"));
        let jti = claims.jti.filter(|j| !j.is_empty()).ok_or(missing("jti"))?;
        let htm = claims.htm.ok_or(missing("htm"))?;
        let htu = claims.htu.ok_or(missing("htu"))?;
        let iat = claims.iat.and_then(|n| n.as_f64()).ok_or(missing("iat"))?;
        if htm != request.method {
            return Err(DpopError::Method {
                expected: request.method.to_owned(),
                found: htm,
            });
        }
        if !same_target(&htu, request.url) {
            return Err(DpopError::Url {
                expected: request.url.to_owned(),
                found: htu,
            });
        }
        let now = now() as f64;
        if iat < now - self.settings.max_age.as_secs_f64() {
            return Err(DpopError::Stale(format!("{:.0} s ago", now - iat)));
        }
        if iat > now + self.settings.leeway.as_secs_f64() {
            return Err(DpopError::Stale(format!(
                "{:.0} s in the future",
                iat - now
            )));
        }
        if let Some(token) = request.access_token
            && claims.ath.as_deref() != Some(access_token_hash(token).as_str())
        {
            return Err(DpopError::TokenHash);
        }
        let thumbprint = jwk.thumbprint(ThumbprintHash::SHA256);
        if let Some(bound) = request.bound_to
            && bound != thumbprint
        {
            return Err(DpopError::Binding);
        }
        if let Some(nonces) = &self.nonces {
            let mut nonces = nonces.lock();
            if !claims.nonce.as_deref().is_some_and(|n| nonces.accepts(n)) {
                return Err(DpopError::UseNonce(nonces.current()));
            }
        }
        self.remember(&thumbprint, &jti, iat)?;
        Ok(VerifiedProof { thumbprint, jti })
    }

    /// Records an accepted proof; refuses one seen before.
    fn remember(&self, thumbprint: &str, jti: &str, iat: f64) -> Result<(), DpopError> {
        let forget_at = iat.max(0.0) as u64 + self.settings.max_age.as_secs() + 1;
        let mut seen = self.seen.lock();
        let now = now();
        if seen.len() >= 1024 {
            seen.retain(|_, at| *at > now);
        }
        let key = format!("{thumbprint} {jti}");
        if seen.get(&key).is_some_and(|at| *at > now) {
            return Err(DpopError::Replayed);
        }
        seen.insert(key, forget_at);
        Ok(())
    }
}

/// The public key and algorithm of a proof, from its header: `typ` `dpop+jwt`, an accepted
/// asymmetric `alg`, a `jwk` without private members.
fn proof_key(proof: &str) -> Result<(Jwk, Algorithm), DpopError> {
    let header_part = proof
        .split('.')
        .next()
        .filter(|_| proof.split('.').count() == 3)
        .ok_or_else(|| DpopError::Malformed("not a signed JWT (three parts)".into()))?;
    let raw: serde_json::Value = URL_SAFE_NO_PAD
        .decode(header_part)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| DpopError::Malformed("its header is not base64url JSON".into()))?;
    if !raw["typ"]
        .as_str()
        .is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt"))
    {
        return Err(DpopError::Type);
    }
    let alg = raw["alg"].as_str().unwrap_or_default();
    let algorithm = alg
        .parse::<Algorithm>()
        .ok()
        .filter(|a| ALGORITHMS.contains(a))
        .ok_or_else(|| DpopError::Algorithm(alg.to_owned()))?;
    let jwk = raw
        .get("jwk")
        .filter(|j| j.is_object())
        .ok_or_else(|| DpopError::Key("is missing".into()))?;
    if jwk.get("d").is_some() {
        return Err(DpopError::Key("holds a private key".into()));
    }
    let jwk: Jwk = serde_json::from_value(jwk.clone())
        .map_err(|e| DpopError::Key(format!("is not a JWK: {e}")))?;
    Ok((jwk, algorithm))
}

/// Whether the proof's `htu` names the request's URL: the same scheme, host, port and path
/// (RFC 3986 syntax- and scheme-based normalization: case of scheme and host, a default port,
/// an empty path); an `htu` with a query or fragment never does.
fn same_target(htu: &str, url: &str) -> bool {
    fn normalize(text: &str) -> Option<(String, String, u16, String)> {
        let uri: Uri = text.parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let host = uri.host()?.to_ascii_lowercase();
        let port = match (uri.port_u16(), scheme.as_str()) {
            (Some(port), _) => port,
            (None, "https") => 443,
            (None, "http") => 80,
            (None, _) => return None,
        };
        let path = match uri.path() {
            "" => "/".to_owned(),
            path => path.to_owned(),
        };
        Some((scheme, host, port, path))
    }
    if htu.contains(['?', '#']) {
        return false;
    }
    match (normalize(htu), normalize(url)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(all(test, feature = "http-client"))]
mod tests;

//! The keys that sign the client's JWTs: client assertions (`private_key_jwt`, RFC 7523) and
//! DPoP proofs (RFC 9449). Signing, key parsing and the JWK thumbprint are jsonwebtoken's, over
//! aws-lc-rs (the provider rustls already uses), so no cryptography is written here.

use std::sync::Arc;

use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::AuthError;
use super::pkce::random_token;
use crate::jwt::{access_token_hash, install_crypto_provider, now};

/// The claims of a DPoP proof (RFC 9449 §4.2).
#[derive(Serialize)]
struct ProofClaims<'a> {
    jti: String,
    htm: &'a str,
    htu: &'a str,
    iat: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
}

/// An asymmetric private key that signs JWTs: ES256 or ES384 (an EC key), RS256/384/512 or
/// PS256/384/512 (an RSA key).
///
/// ```
/// use mcp::client::auth::SigningKey;
///
/// // A fresh P-256 key, as a DPoP key usually is.
/// let key = SigningKey::generate().unwrap();
/// assert_eq!(key.algorithm(), "ES256");
/// assert_eq!(key.thumbprint().len(), 43);
/// ```
#[derive(Clone)]
pub struct SigningKey {
    inner: Arc<Inner>,
}

struct Inner {
    key: EncodingKey,
    algorithm: Algorithm,
    public: Jwk,
    key_id: Option<String>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.inner.algorithm)
            .field("thumbprint", &self.thumbprint())
            .field("key_id", &self.inner.key_id)
            .finish()
    }
}

impl SigningKey {
    /// A new random P-256 key signing with ES256.
    pub fn generate() -> Result<Self, AuthError> {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|_| AuthError::Key("could not generate a P-256 key".into()))?;
        let der = pair
            .to_pkcs8v1()
            .map_err(|_| AuthError::Key("could not encode the new P-256 key".into()))?;
        Self::new(EncodingKey::from_ec_der(der.as_ref()), Algorithm::ES256)
    }

    /// A key from its PEM text (PKCS#8 `PRIVATE KEY`, or `RSA PRIVATE KEY`), signing with
    /// `algorithm` (`ES256`, `ES384`, `RS256`, `RS384`, `RS512`, `PS256`, `PS384`, `PS512`).
    pub fn from_pem(pem: &str, algorithm: &str) -> Result<Self, AuthError> {
        let algorithm: Algorithm = algorithm.parse().map_err(|_| {
            AuthError::Key(format!(
                "unknown signing algorithm {algorithm:?} (use ES256, ES384, RS256, RS384, RS512, \
                 PS256, PS384 or PS512)"
            ))
        })?;
        let key = match algorithm {
            Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem.as_bytes()),
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => EncodingKey::from_rsa_pem(pem.as_bytes()),
            other => {
                return Err(AuthError::Key(format!(
                    "{other:?} is not an asymmetric algorithm this client signs with"
                )));
            }
        }
        .map_err(|e| AuthError::Key(format!("not a {algorithm:?} private key in PEM: {e}")))?;
        Self::new(key, algorithm)
    }

    fn new(key: EncodingKey, algorithm: Algorithm) -> Result<Self, AuthError> {
        install_crypto_provider();
        // Deriving the public key also proves the private one fits the algorithm.
        let public = Jwk::from_encoding_key(&key, algorithm).map_err(|e| {
            AuthError::Key(format!(
                "the key does not fit the algorithm {algorithm:?}: {e}"
            ))
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                key,
                algorithm,
                public,
                key_id: None,
            }),
        })
    }

    /// Names the key (`kid` in the JWT header), as the authorization server knows it among
    /// the client's registered keys.
    pub fn key_id(self, kid: impl Into<String>) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                key: inner.key.clone(),
                algorithm: inner.algorithm,
                public: inner.public.clone(),
                key_id: Some(kid.into()),
            }),
        }
    }

    /// The JWS algorithm (`ES256`, `RS256`, ...).
    pub fn algorithm(&self) -> &'static str {
        match self.inner.algorithm {
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 | Algorithm::EdDSA => {
                unreachable!("only asymmetric keys are constructed")
            }
        }
    }

    /// The public key as a JWK (what a DPoP proof carries in its header).
    pub fn public_jwk(&self) -> serde_json::Value {
        serde_json::to_value(&self.inner.public).unwrap_or_default()
    }

    /// The RFC 7638 SHA-256 thumbprint of the public key, base64url: the `jkt` a DPoP-bound
    /// token is bound to.
    pub fn thumbprint(&self) -> String {
        self.inner.public.thumbprint(ThumbprintHash::SHA256)
    }

    /// A DPoP proof (RFC 9449 §4) of this key for a `method` request to `url` (without query
    /// or fragment), bound to `access_token` when one goes with it, carrying the server's
    /// `nonce` when it asked for one; a fresh `jti` each time. [`OAuthClient`](super::OAuthClient)
    /// makes these itself; this is for requests sent another way.
    ///
    /// ```
    /// use mcp::client::auth::SigningKey;
    ///
    /// let key = SigningKey::generate().unwrap();
    /// let proof = key.dpop_proof("POST", "https://mcp.example.com/mcp", Some("token"), None).unwrap();
    /// assert_eq!(proof.split('.').count(), 3);
    /// ```
    pub fn dpop_proof(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
        nonce: Option<&str>,
    ) -> Result<String, AuthError> {
        let claims = ProofClaims {
            jti: random_token(16),
            htm: method,
            htu: url,
            iat: now(),
            ath: access_token.map(access_token_hash),
            nonce,
        };
        self.sign("dpop+jwt", true, &claims)
    }

    /// Signs `claims` as a JWT of type `typ`, with the public key in the header when
    /// `embed_jwk` (as DPoP proofs do).
    pub(crate) fn sign<T: Serialize>(
        &self,
        typ: &str,
        embed_jwk: bool,
        claims: &T,
    ) -> Result<String, AuthError> {
        let mut header = Header::new(self.inner.algorithm);
        header.typ = Some(typ.to_owned());
        header.kid = self.inner.key_id.clone();
        if embed_jwk {
            let mut jwk = self.inner.public.clone();
            // The proof's key is identified by the key itself, not by these hints.
            jwk.common = Default::default();
            header.jwk = Some(jwk);
        }
        jsonwebtoken::encode(&header, claims, &self.inner.key)
            .map_err(|e| AuthError::Key(format!("signing a JWT failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    /// A P-256 key in PKCS#8 PEM (a test key, generated for these tests).
    const EC_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg88Ku4Aw5Kk4amWUH
7zXjfEAgkbDNchl6Uwrgn2G4PPahRANCAARW6F5Kyrxb7z/P8G3RatSWfEkjIhOP
IfAs6KtidJvT8LhDNbGawBbavMVw4/sY+V3wKxceE+zehnr/utFzq86I
-----END PRIVATE KEY-----";

    #[test]
    fn generated_keys_sign_verifiable_jwts() {
        let key = SigningKey::generate().unwrap();
        let token = key
            .sign("dpop+jwt", true, &serde_json::json!({"sub": "x"}))
            .unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.typ.as_deref(), Some("dpop+jwt"));
        let jwk = header.jwk.unwrap();
        assert_eq!(jwk.thumbprint(ThumbprintHash::SHA256), key.thumbprint());
        let mut validation = Validation::new(Algorithm::ES256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let decoded = jsonwebtoken::decode::<serde_json::Value>(
            &token,
            &DecodingKey::from_jwk(&jwk).unwrap(),
            &validation,
        )
        .unwrap();
        assert_eq!(decoded.claims["sub"], "x");
        assert_ne!(
            key.thumbprint(),
            SigningKey::generate().unwrap().thumbprint()
        );
    }

    #[test]
    fn pem_keys_and_their_errors() {
        let key = SigningKey::from_pem(EC_PEM, "ES256").unwrap().key_id("k1");
        assert_eq!(key.algorithm(), "ES256");
        assert_eq!(key.public_jwk()["crv"], "P-256");
        assert!(key.public_jwk().get("d").is_none(), "no private part");
        let token = key.sign("JWT", false, &serde_json::json!({})).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some("k1"));
        assert!(header.jwk.is_none());
        for (pem, algorithm, says) in [
            (EC_PEM, "HS256", "not an asymmetric"),
            (EC_PEM, "XX1", "unknown signing algorithm"),
            ("not a key", "ES256", "PEM"),
            (EC_PEM, "ES384", "does not fit"),
        ] {
            let error = SigningKey::from_pem(pem, algorithm)
                .unwrap_err()
                .to_string();
            assert!(error.contains(says), "{algorithm}: {error}");
        }
    }
}

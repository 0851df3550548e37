//! DPoP, the client side (RFC 9449): a proof of possession of the client's key with every token
//! request and every request that carries a DPoP-bound token, and the nonces servers hand out.

use std::collections::HashMap;

use parking_lot::Mutex;
use reqwest::Url;

use super::AuthError;
use super::keys::SigningKey;

/// The `DPoP` request header (and the authorization scheme of bound tokens).
pub const DPOP: &str = "DPoP";
/// The response header carrying a server-provided nonce (RFC 9449 §8, §9).
pub const DPOP_NONCE: &str = "DPoP-Nonce";
/// The error code of a server that wants a (new) nonce in the proof.
pub const USE_DPOP_NONCE: &str = "use_dpop_nonce";

/// The client's DPoP key and the last nonce each server (by origin) asked for.
pub(super) struct Dpop {
    key: SigningKey,
    nonces: Mutex<HashMap<String, String>>,
}

impl Dpop {
    pub fn new(key: SigningKey) -> Self {
        Self {
            key,
            nonces: Mutex::new(HashMap::new()),
        }
    }

    /// A fresh proof for a `method` request to `url`, bound to `access_token` when one is
    /// presented with it, with the nonce its server last gave.
    pub fn proof(
        &self,
        method: &str,
        url: &Url,
        access_token: Option<&str>,
    ) -> Result<String, AuthError> {
        self.key.dpop_proof(
            method,
            &target_uri(url),
            access_token,
            self.nonce(url).as_deref(),
        )
    }

    /// The nonce the server of `url` asked for, if any.
    pub fn nonce(&self, url: &Url) -> Option<String> {
        self.nonces
            .lock()
            .get(&url.origin().ascii_serialization())
            .cloned()
    }

    /// Keeps `nonce` for the later proofs sent to the server of `url`; whether it is new.
    pub fn remember_nonce(&self, url: &Url, nonce: &str) -> bool {
        let mut nonces = self.nonces.lock();
        let origin = url.origin().ascii_serialization();
        if nonces.get(&origin).map(String::as_str) == Some(nonce) {
            return false;
        }
        nonces.insert(origin, nonce.to_owned());
        true
    }
}

/// `htu`: the request's URI without query and fragment (RFC 9449 §4.2).
pub(crate) fn target_uri(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::access_token_hash;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn claims(proof: &str) -> serde_json::Value {
        let payload = proof.split('.').nth(1).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    }

    #[test]
    fn proofs_name_the_request_and_carry_the_nonce() {
        let dpop = Dpop::new(SigningKey::generate().unwrap());
        let url = Url::parse("https://mcp.example.com/mcp?x=1#f").unwrap();
        let first = claims(&dpop.proof("POST", &url, Some("tok")).unwrap());
        assert_eq!(first["htm"], "POST");
        assert_eq!(first["htu"], "https://mcp.example.com/mcp");
        assert_eq!(first["ath"], access_token_hash("tok"));
        assert!(first.get("nonce").is_none());
        assert!(dpop.remember_nonce(&url, "n1"));
        assert!(!dpop.remember_nonce(&url, "n1"));
        let second = claims(&dpop.proof("GET", &url, None).unwrap());
        assert_eq!(second["nonce"], "n1");
        assert!(second.get("ath").is_none());
        assert_ne!(first["jti"], second["jti"]);
        // Another server gets no nonce of this one.
        let other = Url::parse("https://auth.example.com/token").unwrap();
        assert!(
            claims(&dpop.proof("POST", &other, None).unwrap())
                .get("nonce")
                .is_none()
        );
        // RFC 9449 §4.2's example: the hash of the access token "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU".
        assert_eq!(
            access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }
}

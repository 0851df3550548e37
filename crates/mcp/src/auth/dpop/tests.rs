//! Every rule of proof checking, each broken by a hand-built proof.

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use jsonwebtoken::EncodingKey;
use serde_json::{Value, json};

use super::*;

const URL: &str = "https://mcp.example.com/mcp";
const TOKEN: &str = "access-token-1";

struct Key {
    encoding: EncodingKey,
    jwk: Value,
    thumbprint: String,
}

fn key() -> Key {
    install_crypto_provider();
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let encoding = EncodingKey::from_ec_der(pair.to_pkcs8v1().unwrap().as_ref());
    let jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256).unwrap();
    let thumbprint = jwk.thumbprint(ThumbprintHash::SHA256);
    let mut jwk = serde_json::to_value(jwk).unwrap();
    jwk.as_object_mut().unwrap().remove("alg");
    Key {
        encoding,
        jwk,
        thumbprint,
    }
}

/// A proof signed by `signer` with `header` and `claims` as they are.
fn signed(signer: &Key, header: &Value, claims: &Value) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &signer.encoding, Algorithm::ES256).unwrap();
    format!("{message}.{signature}")
}

fn header(key: &Key) -> Value {
    json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": key.jwk})
}

fn claims() -> Value {
    json!({
        "jti": random_nonce(),
        "htm": "POST",
        "htu": URL,
        "iat": now(),
        "ath": access_token_hash(TOKEN),
    })
}

fn request(bound_to: &str) -> DpopRequest<'_> {
    DpopRequest {
        method: "POST",
        url: URL,
        access_token: Some(TOKEN),
        bound_to: Some(bound_to),
    }
}

fn verifier() -> DpopVerifier {
    DpopVerifier::new(DpopSettings::new())
}

/// The refusal of a proof made from a good one by `edit`.
fn refusal(edit: impl FnOnce(&Key, &mut Value, &mut Value) -> Option<String>) -> DpopError {
    let key = key();
    let (mut header, mut claims) = (header(&key), claims());
    let proof =
        edit(&key, &mut header, &mut claims).unwrap_or_else(|| signed(&key, &header, &claims));
    verifier()
        .verify(&proof, &request(&key.thumbprint))
        .unwrap_err()
}

#[test]
fn a_good_proof_is_accepted_once() {
    let key = key();
    let verifier = verifier();
    let proof = signed(&key, &header(&key), &claims());
    let verified = verifier.verify(&proof, &request(&key.thumbprint)).unwrap();
    assert_eq!(verified.thumbprint, key.thumbprint);
    assert_eq!(
        verifier.verify(&proof, &request(&key.thumbprint)),
        Err(DpopError::Replayed)
    );
    // At a token endpoint: no token, no binding yet; the thumbprint to bind comes back.
    let mut at_token_endpoint = claims();
    at_token_endpoint.as_object_mut().unwrap().remove("ath");
    let proof = signed(&key, &header(&key), &at_token_endpoint);
    let verified = verifier
        .verify(
            &proof,
            &DpopRequest {
                method: "POST",
                url: URL,
                access_token: None,
                bound_to: None,
            },
        )
        .unwrap();
    assert_eq!(verified.thumbprint, key.thumbprint);
}

#[test]
fn malformed_proofs() {
    let garbage = refusal(|_, _, _| Some("not a jwt".into()));
    assert!(matches!(garbage, DpopError::Malformed(_)), "{garbage:?}");
    let bad_header = refusal(|_, _, _| Some("e30.e30".into()));
    assert!(
        matches!(bad_header, DpopError::Malformed(_)),
        "{bad_header:?}"
    );
    for claim in ["jti", "htm", "htu", "iat"] {
        let missing = refusal(|_, _, claims| {
            claims.as_object_mut().unwrap().remove(claim);
            None
        });
        assert_eq!(missing, DpopError::Malformed(format!("no {claim} claim")));
    }
}

#[test]
fn the_header_must_be_a_dpop_proof_with_a_public_key() {
    assert_eq!(
        refusal(|_, header, _| {
            header["typ"] = json!("JWT");
            None
        }),
        DpopError::Type
    );
    assert_eq!(
        refusal(|_, header, claims| {
            header["alg"] = json!("none");
            Some(format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(header.to_string()),
                URL_SAFE_NO_PAD.encode(claims.to_string())
            ))
        }),
        DpopError::Algorithm("none".into())
    );
    assert_eq!(
        refusal(|_, header, _| {
            header["alg"] = json!("HS256");
            None
        }),
        DpopError::Algorithm("HS256".into())
    );
    assert_eq!(
        refusal(|_, header, _| {
            header.as_object_mut().unwrap().remove("jwk");
            None
        }),
        DpopError::Key("is missing".into())
    );
    assert_eq!(
        refusal(|_, header, _| {
            header["jwk"]["d"] = json!("private-part");
            None
        }),
        DpopError::Key("holds a private key".into())
    );
}

#[test]
fn the_signature_must_be_the_jwks() {
    assert_eq!(
        refusal(|key, header, claims| {
            let proof = signed(key, header, claims);
            let (message, signature) = proof.rsplit_once('.').unwrap();
            let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
            bytes[0] ^= 1;
            Some(format!("{message}.{}", URL_SAFE_NO_PAD.encode(bytes)))
        }),
        DpopError::Signature
    );
    assert_eq!(
        refusal(|_, header, claims| Some(signed(&key(), header, claims))),
        DpopError::Signature,
        "signed by another key than the one it carries"
    );
}

#[test]
fn method_and_url_must_be_the_requests() {
    assert!(matches!(
        refusal(|_, _, claims| {
            claims["htm"] = json!("GET");
            None
        }),
        DpopError::Method { .. }
    ));
    for other in [
        "https://mcp.example.com/other",
        "https://evil.example.com/mcp",
        "http://mcp.example.com/mcp",
        "https://mcp.example.com:8443/mcp",
        "https://mcp.example.com/mcp?x=1",
        "not a url",
    ] {
        let refused = refusal(|_, _, claims| {
            claims["htu"] = json!(other);
            None
        });
        assert!(
            matches!(refused, DpopError::Url { .. }),
            "{other}: {refused:?}"
        );
    }
    for same in [
        "https://MCP.example.com/mcp",
        "HTTPS://mcp.example.com:443/mcp",
    ] {
        let key = key();
        let mut claims = claims();
        claims["htu"] = json!(same);
        let proof = signed(&key, &header(&key), &claims);
        assert!(
            verifier().verify(&proof, &request(&key.thumbprint)).is_ok(),
            "{same}"
        );
    }
    assert!(same_target("https://a.example", "https://a.example/"));
}

#[test]
fn iat_must_be_recent() {
    let old = refusal(|_, _, claims| {
        claims["iat"] = json!(now() - 301);
        None
    });
    assert!(matches!(old, DpopError::Stale(_)), "{old:?}");
    let future = refusal(|_, _, claims| {
        claims["iat"] = json!(now() + 120);
        None
    });
    assert!(matches!(future, DpopError::Stale(_)), "{future:?}");
}

#[test]
fn the_proof_must_bind_the_token() {
    assert_eq!(
        refusal(|_, _, claims| {
            claims["ath"] = json!(access_token_hash("another-token"));
            None
        }),
        DpopError::TokenHash
    );
    assert_eq!(
        refusal(|_, _, claims| {
            claims.as_object_mut().unwrap().remove("ath");
            None
        }),
        DpopError::TokenHash
    );
    let key = key();
    let proof = signed(&key, &header(&key), &claims());
    let other = self::key();
    assert_eq!(
        verifier().verify(&proof, &request(&other.thumbprint)),
        Err(DpopError::Binding)
    );
}

#[test]
fn nonces_are_required_and_rotate() {
    let key = key();
    let verifier = DpopVerifier::new(DpopSettings {
        require_nonce: true,
        nonce_lifetime: Duration::ZERO,
        ..DpopSettings::new()
    });
    let without = signed(&key, &header(&key), &claims());
    let Err(DpopError::UseNonce(nonce)) = verifier.verify(&without, &request(&key.thumbprint))
    else {
        panic!("a proof without a nonce was not challenged");
    };
    assert_eq!(
        DpopError::UseNonce(nonce.clone()).error_code(),
        "use_dpop_nonce"
    );
    let mut with = claims();
    with["nonce"] = json!(nonce);
    // The nonce rotated since it was handed out (lifetime zero): the previous one still holds.
    assert!(
        verifier
            .verify(
                &signed(&key, &header(&key), &with),
                &request(&key.thumbprint)
            )
            .is_ok()
    );
    // Two rotations later it no longer does.
    let mut stale = claims();
    stale["nonce"] = json!(nonce);
    let refused = verifier.verify(
        &signed(&key, &header(&key), &stale),
        &request(&key.thumbprint),
    );
    assert!(
        matches!(refused, Err(DpopError::UseNonce(_))),
        "{refused:?}"
    );
    let mut wrong = claims();
    wrong["nonce"] = json!("made-up");
    let refused = verifier.verify(
        &signed(&key, &header(&key), &wrong),
        &request(&key.thumbprint),
    );
    assert!(
        matches!(refused, Err(DpopError::UseNonce(_))),
        "{refused:?}"
    );
    assert_eq!(DpopError::Signature.error_code(), "invalid_dpop_proof");
}

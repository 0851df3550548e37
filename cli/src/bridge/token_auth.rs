//! `mcp run --transport http|sse --auth`: one bearer token that every HTTP request must carry,
//! compared in constant time. It comes from `--auth-token-file` or `MCP_RUN_AUTH_TOKEN` (never
//! the command line, where other users see it in `ps`), or is generated and printed.

use std::path::Path;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::Response;
use mcp::auth::AccessToken;
use mcp::http_server::HttpAuth;
use mcp::transport::BoxFuture;
use rand::Rng;
use subtle::ConstantTimeEq;

use crate::error::{CliError, Result};

/// The environment variable the token can come from.
pub const TOKEN_VAR: &str = "MCP_RUN_AUTH_TOKEN";

/// The token every request must present.
#[derive(Clone)]
pub struct TokenAuth {
    token: String,
}

impl std::fmt::Debug for TokenAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenAuth(..)")
    }
}

/// Where the token came from, for the message `mcp run` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Read from a file or the environment: not printed.
    Given,
    /// Generated for this run: printed once, on stderr.
    Generated,
}

impl TokenAuth {
    /// The token of `--auth-token-file FILE` (its first line), else of `MCP_RUN_AUTH_TOKEN`,
    /// else a new random one (32 bytes, hex).
    pub fn load(file: Option<&Path>) -> Result<(Self, Origin)> {
        let given = match file {
            Some(file) => {
                let text = std::fs::read_to_string(file).map_err(|e| {
                    CliError::usage(format!(
                        "cannot read the token file {}: {e}",
                        file.display()
                    ))
                })?;
                Some(text.lines().next().unwrap_or_default().trim().to_owned())
            }
            None => std::env::var(TOKEN_VAR).ok().map(|t| t.trim().to_owned()),
        };
        match given {
            Some(token) if token.len() < 16 => Err(CliError::usage(
                "the auth token is shorter than 16 characters, which is too easy to guess",
            )
            .hint("leave it out and mcp generates one, or use a longer one")),
            Some(token) => Ok((Self { token }, Origin::Given)),
            None => Ok((Self { token: generate() }, Origin::Generated)),
        }
    }

    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }

    fn accepts(&self, parts: &Parts) -> bool {
        let Some(value) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let Some((scheme, presented)) = value.split_once(' ') else {
            return false;
        };
        scheme.eq_ignore_ascii_case("bearer")
            && bool::from(presented.trim().as_bytes().ct_eq(self.token.as_bytes()))
    }
}

/// A new random token: 32 bytes, in hex.
fn generate() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl HttpAuth for TokenAuth {
    fn check<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, std::result::Result<Option<AccessToken>, Response>> {
        Box::pin(async move {
            if self.accepts(request) {
                // One token, one principal: whoever holds it.
                return Ok(Some(
                    AccessToken::new(self.token.clone(), "mcp-run", Vec::<String>::new())
                        .subject("token-holder"),
                ));
            }
            let body = serde_json::json!({
                "jsonrpc": "2.0",
                "id": null,
                "error": {
                    "code": -32001,
                    "message": "Unauthorized: this server needs `Authorization: Bearer TOKEN` \
                                (the token `mcp run --auth` printed or was given)"
                }
            });
            Err(Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header(header::WWW_AUTHENTICATE, "Bearer realm=\"mcp run\"")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap_or_else(|_| Response::new(Body::empty())))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(authorization: Option<&str>) -> Parts {
        let mut builder = axum::http::Request::builder().uri("/mcp");
        if let Some(value) = authorization {
            builder = builder.header(header::AUTHORIZATION, value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn only_the_exact_token_is_accepted() {
        let auth = TokenAuth {
            token: "0123456789abcdef0123".into(),
        };
        assert!(auth.accepts(&parts(Some("Bearer 0123456789abcdef0123"))));
        assert!(auth.accepts(&parts(Some("bearer 0123456789abcdef0123"))));
        assert!(!auth.accepts(&parts(Some("Bearer 0123456789abcdef012"))));
        assert!(!auth.accepts(&parts(Some("Basic 0123456789abcdef0123"))));
        assert!(!auth.accepts(&parts(None)));
    }

    #[test]
    fn generated_tokens_are_long_and_different() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}

//! OAuth for remote servers without a user: the options that make `mcp` a machine client of a
//! protected server (client credentials with a secret or a signed JWT, workload identity's JWT
//! bearer grant, enterprise-managed authorization), with DPoP-bound tokens if asked.

use std::path::{Path, PathBuf};

use mcp::client::auth::{
    AssertionFile, Grant, IdentityAssertion, OAuthClient, OAuthClientBuilder, SigningKey,
};

use crate::error::{CliError, Result};

/// The environment variable a client secret can come from.
pub const CLIENT_SECRET_VAR: &str = "MCP_CLIENT_SECRET";

/// How `mcp` gets tokens from a remote server's authorization server.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Authorization options (remote servers)")]
pub struct OAuthArgs {
    /// The client id registered at the server's authorization server. With a secret
    /// (--client-secret-file, or MCP_CLIENT_SECRET) or --client-key, tokens come from the
    /// client credentials grant.
    #[arg(long, value_name = "ID", global = true)]
    pub client_id: Option<String>,
    /// Read the client secret from this file (its first line).
    #[arg(long, value_name = "FILE", global = true)]
    pub client_secret_file: Option<PathBuf>,
    /// Authenticate the client with JWTs signed by this private key (PEM; private_key_jwt).
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "client_secret_file"
    )]
    pub client_key: Option<PathBuf>,
    /// The algorithm of --client-key: ES256, ES384, RS256, RS384, RS512, PS256, PS384, PS512.
    #[arg(long, value_name = "ALG", default_value = "ES256", global = true)]
    pub client_key_alg: String,
    /// Workload identity: get tokens with the JWT bearer grant, presenting the token in this
    /// file (read again for every token request, as platforms rotate it).
    #[arg(long, value_name = "FILE", global = true)]
    pub jwt_bearer_file: Option<PathBuf>,
    /// Enterprise-managed authorization: exchange the identity assertion of --id-token-file at
    /// this identity provider token endpoint, then present what it issues (with --client-id
    /// and its secret).
    #[arg(
        long,
        value_name = "URL",
        global = true,
        requires = "id_token_file",
        requires = "idp_client_id",
        conflicts_with = "jwt_bearer_file"
    )]
    pub idp_token_endpoint: Option<String>,
    /// The client id at the identity provider of --idp-token-endpoint.
    #[arg(long, value_name = "ID", global = true)]
    pub idp_client_id: Option<String>,
    /// Read the client secret at the identity provider from this file (its first line).
    #[arg(long, value_name = "FILE", global = true)]
    pub idp_client_secret_file: Option<PathBuf>,
    /// The user's identity assertion (an OpenID Connect ID token) from single sign-on.
    #[arg(long, value_name = "FILE", global = true)]
    pub id_token_file: Option<PathBuf>,
    /// Ask for tokens bound to a fresh key (DPoP): useless to whoever steals them.
    #[arg(long, global = true)]
    pub dpop: bool,
    /// A scope to ask for when the server does not say which (repeatable).
    #[arg(long = "scope", value_name = "SCOPE", global = true)]
    pub scopes: Vec<String>,
}

impl OAuthArgs {
    /// Whether any of these options was given.
    pub fn given(&self) -> bool {
        self.client_id.is_some()
            || self.client_secret_file.is_some()
            || self.client_key.is_some()
            || self.jwt_bearer_file.is_some()
            || self.idp_token_endpoint.is_some()
            || self.dpop
            || !self.scopes.is_empty()
    }

    /// The OAuth client these options describe for the server at `url`, if they describe
    /// one.
    pub fn client(&self, url: &str) -> Result<Option<OAuthClient>> {
        if !self.given() {
            return Ok(None);
        }
        let builder = self.builder(url)?;
        let mut builder = builder.scopes(self.scopes.iter().cloned());
        if self.dpop {
            builder = builder.dpop(
                SigningKey::generate()
                    .map_err(|e| CliError::environment(format!("cannot make a DPoP key: {e}")))?,
            );
        }
        builder
            .client_name("mcp-cli")
            .build()
            .map(Some)
            .map_err(|e| CliError::usage(e.to_string()))
    }

    /// The grant and the client's credentials.
    fn builder(&self, url: &str) -> Result<OAuthClientBuilder> {
        if let Some(endpoint) = &self.idp_token_endpoint {
            let client_id = self.client_id.clone().ok_or_else(|| {
                CliError::usage("--idp-token-endpoint needs --client-id (and its secret)")
            })?;
            let id_token = self.id_token_file.as_deref().unwrap_or(Path::new(""));
            let mut idp = IdentityAssertion::new(
                endpoint,
                self.idp_client_id.clone().unwrap_or_default(),
                AssertionFile::new(id_token),
            );
            if let Some(file) = &self.idp_client_secret_file {
                idp = idp.client_secret(first_line(file, "identity provider client secret")?);
            }
            let builder = OAuthClient::builder_with_grant(url, Grant::identity_assertion(idp));
            return self.authenticated(builder, client_id);
        }
        if let Some(file) = &self.jwt_bearer_file {
            let builder =
                OAuthClient::builder_with_grant(url, Grant::jwt_bearer(AssertionFile::new(file)));
            return Ok(match &self.client_id {
                Some(client_id) if self.has_credentials() => {
                    self.authenticated(builder, client_id.clone())?
                }
                Some(client_id) => builder.client_credentials(client_id, None),
                None => builder,
            });
        }
        let Some(client_id) = self.client_id.clone() else {
            return Err(CliError::usage(
                "--dpop and --scope need a way to get tokens: --client-id with a secret or key, \
                 --jwt-bearer-file, or --idp-token-endpoint",
            ));
        };
        if !self.has_credentials() {
            return Err(CliError::usage(format!(
                "--client-id {client_id} needs its credentials: --client-secret-file FILE, \
                 {CLIENT_SECRET_VAR} in the environment, or --client-key FILE"
            )));
        }
        let builder = OAuthClient::builder_with_grant(url, Grant::ClientCredentials);
        self.authenticated(builder, client_id)
    }

    /// Whether a secret or key for the client was given.
    fn has_credentials(&self) -> bool {
        self.client_key.is_some()
            || self.client_secret_file.is_some()
            || std::env::var_os(CLIENT_SECRET_VAR).is_some_and(|v| !v.is_empty())
    }

    /// `builder` with the client authenticating by its key or secret.
    fn authenticated(
        &self,
        builder: OAuthClientBuilder,
        client_id: String,
    ) -> Result<OAuthClientBuilder> {
        if let Some(file) = &self.client_key {
            let pem = std::fs::read_to_string(file).map_err(|e| {
                CliError::usage(format!(
                    "cannot read the client key {}: {e}",
                    file.display()
                ))
            })?;
            let key = SigningKey::from_pem(&pem, &self.client_key_alg).map_err(|e| {
                CliError::usage(format!("the client key {}: {e}", file.display()))
                    .hint("give a PKCS#8 PEM private key and its algorithm (--client-key-alg)")
            })?;
            return Ok(builder.private_key_jwt(client_id, key));
        }
        let secret = match &self.client_secret_file {
            Some(file) => Some(first_line(file, "client secret")?),
            None => std::env::var(CLIENT_SECRET_VAR)
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
        };
        Ok(builder.client_credentials(client_id, secret))
    }
}

/// The first line of a secret's file.
fn first_line(file: &Path, what: &str) -> Result<String> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        CliError::usage(format!(
            "cannot read the {what} file {}: {e}",
            file.display()
        ))
    })?;
    let line = text.lines().next().unwrap_or_default().trim();
    if line.is_empty() {
        return Err(CliError::usage(format!(
            "the {what} file {} is empty",
            file.display()
        )));
    }
    Ok(line.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(edit: impl FnOnce(&mut OAuthArgs)) -> OAuthArgs {
        let mut args = OAuthArgs {
            client_key_alg: "ES256".into(),
            ..OAuthArgs::default()
        };
        edit(&mut args);
        args
    }

    #[test]
    fn options_describe_a_client_or_say_what_is_missing() {
        let url = "https://mcp.example.com/mcp";
        assert!(args(|_| {}).client(url).unwrap().is_none());
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "s3cret\n").unwrap();
        let client = args(|a| {
            a.client_id = Some("bot".into());
            a.client_secret_file = Some(secret.clone());
            a.dpop = true;
        })
        .client(url)
        .unwrap();
        assert!(client.is_some());
        let error = args(|a| a.dpop = true).client(url).unwrap_err();
        assert!(
            error.message.contains("need a way to get tokens"),
            "{}",
            error.message
        );
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let error = args(|a| {
            a.client_id = Some("bot".into());
            a.client_secret_file = Some(empty.clone());
        })
        .client(url)
        .unwrap_err();
        assert!(error.message.contains("is empty"), "{}", error.message);
        let error = args(|a| {
            a.client_id = Some("bot".into());
            a.client_key = Some(secret.clone());
        })
        .client(url)
        .unwrap_err();
        assert!(
            error.message.contains("the client key"),
            "{}",
            error.message
        );
        let workload = args(|a| a.jwt_bearer_file = Some(dir.path().join("token")))
            .client(url)
            .unwrap();
        assert!(
            workload.is_some(),
            "the token file is read when a token is needed"
        );
    }
}

//! `mcp` as an OAuth machine client of a protected remote server: the `client_credentials`
//! example (an MCP server that takes only DPoP-bound tokens, and its own authorization server)
//! called with a client secret from a file or the environment, with a signed client assertion,
//! with and without DPoP; and the options' usage errors.

use crate::common::{Home, Listening, example, fixture, ok, stderr};

/// The example with `signing-bot`'s public key registered.
fn protected_server() -> Listening {
    Listening::start(
        std::process::Command::new(example("client_credentials"))
            .arg("127.0.0.1:0")
            .arg("--client-public-key")
            .arg(fixture("oauth/signing-bot.pub.pem"))
            .env("MCP_DEMO_CLIENT_SECRET", "s3cret:with/odd&chars"),
        "client_credentials",
    )
}

fn mcp(home: &Home, args: &[&str]) -> std::process::Output {
    home.mcp()
        .env_remove("MCP_CLIENT_SECRET")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn client_credentials_with_a_secret_and_dpop() {
    let server = protected_server();
    let url = server.url("/mcp");
    let home = Home::new();
    home.write("secret.txt", "s3cret:with/odd&chars\n");
    let secret = home.join("secret.txt").display().to_string();
    let text = ok(mcp(
        &home,
        &[
            "call",
            &url,
            "whoami",
            "--client-id",
            "reporting-bot",
            "--client-secret-file",
            &secret,
            "--dpop",
        ],
    ));
    assert!(text.starts_with("reporting-bot (DPoP key "), "{text}");

    // The secret from the environment; the options work for every subcommand.
    let output = home
        .mcp()
        .env("MCP_CLIENT_SECRET", "s3cret:with/odd&chars")
        .args([
            "tools",
            &url,
            "--client-id",
            "reporting-bot",
            "--dpop",
            "--json",
        ])
        .output()
        .unwrap();
    let tools: serde_json::Value = serde_json::from_str(&ok(&output)).unwrap();
    assert_eq!(tools["tools"][0]["name"], "whoami");
    let output = mcp(
        &home,
        &[
            "check",
            &url,
            "--client-id",
            "reporting-bot",
            "--client-secret-file",
            &secret,
            "--dpop",
            "--json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&ok(&output)).unwrap();
    assert_eq!(report["passed"], true);
}

#[test]
fn client_credentials_with_a_signed_assertion() {
    let server = protected_server();
    let url = server.url("/mcp");
    let home = Home::new();
    let key = fixture("oauth/signing-bot.pem").display().to_string();
    let text = ok(mcp(
        &home,
        &[
            "call",
            &url,
            "echo",
            "message=signed",
            "--client-id",
            "signing-bot",
            "--client-key",
            &key,
            "--dpop",
        ],
    ));
    assert_eq!(text.trim(), "signed");
}

#[test]
fn refusals_say_why() {
    let server = protected_server();
    let url = server.url("/mcp");
    let home = Home::new();
    home.write("wrong.txt", "not-the-secret\n");
    home.write("secret.txt", "s3cret:with/odd&chars\n");
    let wrong = home.join("wrong.txt").display().to_string();
    let secret = home.join("secret.txt").display().to_string();

    let output = mcp(
        &home,
        &[
            "call",
            &url,
            "whoami",
            "--client-id",
            "reporting-bot",
            "--client-secret-file",
            &wrong,
            "--dpop",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("invalid_client"),
        "{}",
        stderr(&output)
    );

    // The server takes DPoP-bound tokens only.
    let output = mcp(
        &home,
        &[
            "call",
            &url,
            "whoami",
            "--client-id",
            "reporting-bot",
            "--client-secret-file",
            &secret,
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("invalid_dpop_proof"),
        "{}",
        stderr(&output)
    );

    // Usage errors: no way to get tokens, no credentials, a local server, both a bearer
    // token and OAuth options.
    for (args, says) in [
        (
            vec!["call", url.as_str(), "whoami", "--dpop"],
            "need a way to get tokens",
        ),
        (
            vec![
                "call",
                url.as_str(),
                "whoami",
                "--client-id",
                "reporting-bot",
            ],
            "needs its credentials",
        ),
        (
            vec![
                "tools",
                "--client-id",
                "bot",
                "--client-secret-file",
                secret.as_str(),
                "--",
                "true",
            ],
            "apply to remote servers",
        ),
        (
            vec![
                "tools",
                url.as_str(),
                "--bearer-token",
                "x",
                "--client-id",
                "bot",
                "--client-secret-file",
                secret.as_str(),
            ],
            "not both",
        ),
    ] {
        let output = mcp(&home, &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

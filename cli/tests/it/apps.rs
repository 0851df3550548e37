//! MCP Apps in the CLI: `mcp tools` shows each tool's view, `mcp call` says a tool has one and
//! `--apps` declares the client renders views (the server answers as it would a host showing
//! them), `mcp check` reads every view as a host would; against our `apps` example and the
//! Python SDK's `Apps` extension, and a Python server whose view's CSP would inject a directive.

use serde_json::Value;

use crate::common::{Home, example, ok, peer_python, peer_script, stderr, stdout};

/// `mcp ARGS... -- apps` (our example).
fn on_example(home: &Home, args: &[&str]) -> std::process::Output {
    home.mcp()
        .args(args)
        .arg("--")
        .arg(example("apps"))
        .output()
        .unwrap()
}

/// `mcp ARGS... -- python apps_server.py SERVER_ARGS...`.
fn on_python(home: &Home, args: &[&str], server_args: &[&str]) -> std::process::Output {
    home.mcp()
        .args(args)
        .arg("--")
        .arg(peer_python())
        .arg(peer_script("apps_server.py"))
        .args(server_args)
        .output()
        .unwrap()
}

#[test]
fn tools_show_their_views() {
    let home = Home::new();
    let text = ok(on_example(&home, &["tools"]));
    assert!(
        text.contains("check_contrast(background: string, foreground: string)"),
        "{text}"
    );
    assert!(
        text.contains("    view: ui://contrast/view.html\n"),
        "{text}"
    );
    assert!(
        text.contains("view: ui://contrast/view.html (called by its view only)"),
        "{text}"
    );
    let text = ok(on_python(&home, &["tools"], &[]));
    assert!(
        text.contains("view: ui://clock/view.html (called by its view only)"),
        "{text}"
    );
}

#[test]
fn call_names_the_view_and_apps_changes_the_answer_in_both_eras() {
    let home = Home::new();
    for version in ["2025-11-25", "2026-07-28"] {
        let args = |apps: bool| {
            let mut args = vec![
                "call",
                "--protocol-version",
                version,
                "check_contrast",
                "foreground=#777777",
                "background=#ffffff",
            ];
            if apps {
                args.insert(1, "--apps");
            }
            args
        };
        let output = on_example(&home, &args(false));
        let text = ok(&output);
        assert_eq!(
            text.trim(),
            "#777777 on #ffffff: contrast 4.48:1, fails AA for normal text (AA needs 4.5:1, AAA \
             7:1)",
            "{version}"
        );
        assert!(
            stderr(&output)
                .contains("`check_contrast` has an MCP App view, ui://contrast/view.html"),
            "{version}: {}",
            stderr(&output)
        );
        let text = ok(on_example(&home, &args(true)));
        assert_eq!(
            text.trim(),
            "4.48:1 (fails AA); shown in the view",
            "{version}"
        );
    }
    // The Python SDK's server asks the same question of the client's capabilities.
    let text = ok(on_python(&home, &["call", "--apps", "get_time"], &[]));
    assert_eq!(text.trim(), "12:00 (shown in the clock view)");
    let text = ok(on_python(&home, &["call", "get_time"], &[]));
    assert_eq!(text.trim(), "It is 12:00.");
}

#[test]
fn the_app_only_tool_works_for_the_view() {
    let home = Home::new();
    let output = on_example(
        &home,
        &[
            "call",
            "--json",
            "adjust_foreground",
            "foreground=#777777",
            "background=#ffffff",
            "steps=-2",
        ],
    );
    let json: Value = serde_json::from_str(&ok(&output)).unwrap();
    assert_eq!(json["structuredContent"]["foreground"], "#5f5f5f");
    assert_eq!(json["structuredContent"]["aa"], true);
}

#[test]
fn check_reads_every_view_as_a_host_would() {
    let home = Home::new();
    let text = ok(on_example(&home, &["check"]));
    assert!(
        text.contains("✓ apps") && text.contains("2 tools with 1 view: ui://contrast/view.html"),
        "{text}"
    );
    assert!(text.contains("CSP 1 origin"), "{text}");

    let json: Value =
        serde_json::from_str(&ok(on_python(&home, &["check", "--json"], &[]))).unwrap();
    let apps = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "apps")
        .unwrap_or_else(|| panic!("no apps step: {json:#}"));
    assert_eq!(apps["status"], "passed", "{apps:#}");

    let output = on_python(&home, &["check", "--json"], &["--bad-csp"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let apps = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "apps")
        .unwrap();
    assert_eq!(apps["status"], "failed");
    let error = apps["error"].as_str().unwrap();
    assert!(
        error.contains("ui://clock/view.html (view of get_time, tick)")
            && error.contains("csp.connectDomains"),
        "{error}"
    );
}

//! `mcp version` and `mcp --version`, run as the real binary.

use std::process::Command;

fn mcp(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mcp"))
        .args(args)
        .output()
        .expect("the mcp binary runs");
    assert!(output.status.success(), "mcp {args:?} failed: {output:?}");
    String::from_utf8(output.stdout).expect("utf-8 output")
}

#[test]
fn version_prints_the_cli_and_every_protocol_version() {
    for args in [&["version"][..], &["--version"][..]] {
        let text = mcp(args);
        assert!(
            text.starts_with(&format!("mcp {}", env!("CARGO_PKG_VERSION"))),
            "{text}"
        );
        for version in [
            "2026-07-28",
            "2025-11-25",
            "2025-06-18",
            "2025-03-26",
            "2024-11-05",
        ] {
            assert!(
                text.contains(version),
                "`mcp {args:?}` lacks {version}:\n{text}"
            );
        }
    }
}

#[test]
fn version_json_is_machine_readable() {
    let doc: serde_json::Value = serde_json::from_str(&mcp(&["version", "--json"])).expect("JSON");
    assert_eq!(doc["cli"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["latest"], "2026-07-28");
    let eras: Vec<(&str, &str)> = doc["protocolVersions"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| (v["version"].as_str().unwrap(), v["era"].as_str().unwrap()))
        .collect();
    assert_eq!(eras[0], ("2026-07-28", "stateless"));
    assert_eq!(eras.len(), 5);
    assert!(eras[1..].iter().all(|(_, era)| *era == "handshake"));
}

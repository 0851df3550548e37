//! `mcp install`, `mcp uninstall` and `mcp list` in a temporary HOME, for every host: each
//! host's file format and shape (snapshots), untouched keys kept, a corrupt file left
//! byte-for-byte as it was, backups, replacing, racing installs, and installed servers that
//! really start.

use std::path::Path;

use crate::common::{
    Home, example, make_executable, ok, path_with, peer_python, python_server, stderr, stdout,
};
use serde_json::Value;

fn lowlevel() -> String {
    example("lowlevel").display().to_string()
}

fn redact(home: &Home, text: &str) -> String {
    home.redact(&text.replace(&lowlevel(), "[LOWLEVEL]"))
}

fn install(home: &Home, args: &[&str]) -> std::process::Output {
    home.mcp().arg("install").args(args).output().unwrap()
}

#[test]
fn every_host_gets_its_own_format_and_shape() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "claude-desktop",
            "user",
            ".config/Claude/claude_desktop_config.json",
        ),
        ("claude-code", "user", ".claude.json"),
        ("claude-code", "project", "proj/.mcp.json"),
        ("claude-code", "local", ".claude.json"),
        ("cursor", "user", ".cursor/mcp.json"),
        ("cursor", "project", "proj/.cursor/mcp.json"),
        ("vscode", "user", ".config/Code/User/mcp.json"),
        ("vscode", "project", "proj/.vscode/mcp.json"),
        ("windsurf", "user", ".codeium/windsurf/mcp_config.json"),
        ("gemini", "user", ".gemini/settings.json"),
        ("gemini", "project", "proj/.gemini/settings.json"),
        ("goose", "user", ".config/goose/config.yaml"),
        ("mcp-json", "project", "proj/mcp.json"),
    ];
    for (host, scope, file) in cases {
        let home = Home::new();
        std::fs::create_dir(home.join("proj")).unwrap();
        let out = ok(install(
            &home,
            &[
                &lowlevel(),
                "--name",
                "demo",
                "-v",
                "API_KEY=abc123",
                "--host",
                host,
                "--scope",
                scope,
                "--project",
                home.join("proj").to_str().unwrap(),
            ],
        ));
        assert!(out.contains("installed demo in"), "{out}");
        let text = redact(&home, &home.read(file));
        let name = format!("{host}-{scope}");
        insta::assert_snapshot!(name.clone(), text);
        // What was written reads back as a server that starts: `mcp check demo --config FILE`.
        let output = home
            .mcp()
            .args([
                "check",
                "demo",
                "--config",
                home.join(file).to_str().unwrap(),
            ])
            .output()
            .unwrap();
        if !(*host == "claude-code" && *scope == "local") {
            assert_eq!(
                output.status.code(),
                Some(0),
                "{name}: {}\n{}",
                stdout(&output),
                stderr(&output)
            );
        }
    }
}

#[test]
fn remote_servers_use_each_hosts_url_field() {
    let home = Home::new();
    // Nothing listens at these URLs: the entries are written unverified.
    let mut args = vec![
        "https://mcp.example.com/mcp",
        "--name",
        "remote",
        "--no-verify",
    ];
    for host in [
        "claude-code",
        "cursor",
        "vscode",
        "windsurf",
        "gemini",
        "goose",
    ] {
        args.extend(["--host", host]);
    }
    ok(install(&home, &args));
    let mut all = String::new();
    for file in [
        ".claude.json",
        ".cursor/mcp.json",
        ".config/Code/User/mcp.json",
        ".codeium/windsurf/mcp_config.json",
        ".gemini/settings.json",
        ".config/goose/config.yaml",
    ] {
        all.push_str(&format!("--- {file}\n{}", home.read(file)));
    }
    insta::assert_snapshot!(all);
    // An SSE endpoint in Gemini CLI is `url`, not `httpUrl`.
    ok(install(
        &home,
        &[
            "https://x.example.com/sse",
            "--name",
            "legacy",
            "--host",
            "gemini",
            "--no-verify",
        ],
    ));
    let gemini: Value = serde_json::from_str(&home.read(".gemini/settings.json")).unwrap();
    assert_eq!(
        gemini["mcpServers"]["legacy"]["url"],
        "https://x.example.com/sse"
    );
    // Claude Desktop's file cannot hold a remote server; Goose has no SSE.
    let output = install(&home, &["https://mcp.example.com/mcp", "--name", "r"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Connectors"),
        "{}",
        stderr(&output)
    );
    let output = install(&home, &["https://x.example.com/sse", "--host", "goose"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_python_server_is_installed_through_mcp_run_and_starts_from_the_config() {
    let home = Home::new();
    home.write(
        "work/.env",
        "# secrets\nDB_URL=postgres://db\nexport TOKEN='t 1'\n",
    );
    let python = peer_python();
    let server = python_server();
    ok(install(
        &home,
        &[
            server.to_str().unwrap(),
            "--python",
            python.to_str().unwrap(),
            "-v",
            "API_KEY=abc",
            "-f",
            "work/.env",
        ],
    ));
    let config: Value =
        serde_json::from_str(&home.read(".config/Claude/claude_desktop_config.json")).unwrap();
    let entry = &config["mcpServers"]["python-highlevel"];
    assert_eq!(entry["command"], env!("CARGO_BIN_EXE_mcp"));
    assert_eq!(
        entry["args"],
        serde_json::json!([
            "run",
            server.to_str().unwrap(),
            "--python",
            python.to_str().unwrap()
        ])
    );
    assert_eq!(
        entry["env"],
        serde_json::json!({"API_KEY": "abc", "DB_URL": "postgres://db", "TOKEN": "t 1"})
    );
    // The installed entry, looked up by name in Claude Desktop's config, passes a check.
    let output = home
        .mcp()
        .args(["check", "python-highlevel"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    // --with needs uv: the install records the uv it found, by its absolute path (a host's
    // PATH has no ~/.local/bin). This uv is a stand-in, so the entry is written unverified.
    home.write("tools/uv", "#!/bin/sh\nexit 1\n");
    make_executable(&home.join("tools/uv"));
    let output = home
        .mcp()
        .args([
            "install",
            server.to_str().unwrap(),
            "--name",
            "withs",
            "--with",
            "pandas",
            "--with-editable",
            "work",
            "--no-verify",
        ])
        .env("PATH", path_with(&home.join("tools")))
        .output()
        .unwrap();
    ok(output);
    let config: Value =
        serde_json::from_str(&home.read(".config/Claude/claude_desktop_config.json")).unwrap();
    let args = &config["mcpServers"]["withs"]["args"];
    assert_eq!(
        args,
        &serde_json::json!([
            "run",
            server.to_str().unwrap(),
            "--uv",
            home.join("tools/uv").to_str().unwrap(),
            "--with",
            "pandas",
            "--with-editable",
            home.join("work").to_str().unwrap()
        ])
    );
    // Without any uv, --with is refused instead of writing an entry that cannot start.
    let output = home
        .mcp()
        .args(["install", server.to_str().unwrap(), "--name", "nouv"])
        .args(["--with", "pandas", "--no-verify"])
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("need uv"), "{}", stderr(&output));
}

#[test]
fn other_keys_servers_and_formatting_are_kept_and_the_old_file_backed_up() {
    let home = Home::new();
    let original = "{\n    \"globalShortcut\": \"Ctrl+Space\",\n    \"mcpServers\": {\n        \"other\": {\n            \"command\": \"/bin/other\",\n            \"args\": []\n        }\n    },\n    \"zeta\": [1, 2, 3]\n}\n";
    home.write(".config/Claude/claude_desktop_config.json", original);
    ok(install(&home, &[&lowlevel(), "--name", "demo"]));
    let text = home.read(".config/Claude/claude_desktop_config.json");
    assert!(text.starts_with("{\n    \"globalShortcut\": \"Ctrl+Space\",\n    \"mcpServers\": {\n        \"other\": {\n            \"command\": \"/bin/other\",\n            \"args\": []\n        },\n"), "{text}");
    assert!(text.ends_with("    \"zeta\": [1, 2, 3]\n}\n"), "{text}");
    let config: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(config["mcpServers"]["demo"]["command"], lowlevel());
    assert_eq!(
        home.read(".config/Claude/claude_desktop_config.json.bak"),
        original
    );
    // Nothing is left beside it but the backup (the lock lives in mcp's own cache directory).
    let mut names: Vec<String> = std::fs::read_dir(home.join(".config/Claude"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "claude_desktop_config.json",
            "claude_desktop_config.json.bak"
        ]
    );
}

#[test]
fn a_corrupt_config_file_is_left_byte_for_byte_unchanged() {
    let home = Home::new();
    let corrupt =
        b"{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n\xef\xbb\xbf garbage";
    let path = home.join(".config/Claude/claude_desktop_config.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, corrupt).unwrap();
    let output = install(&home, &[&lowlevel(), "--name", "demo", "--force"]);
    assert_eq!(output.status.code(), Some(3));
    let err = stderr(&output);
    assert!(err.contains("is not valid JSON"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), corrupt);
    assert!(
        !home
            .join(".config/Claude/claude_desktop_config.json.bak")
            .exists()
    );
    // The same for uninstall, and for a YAML file.
    let output = home.mcp().args(["uninstall", "a"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(std::fs::read(&path).unwrap(), corrupt);
    home.write(".config/goose/config.yaml", "extensions: [unclosed\n");
    let output = install(&home, &[&lowlevel(), "--host", "goose"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        home.read(".config/goose/config.yaml"),
        "extensions: [unclosed\n"
    );
}

#[test]
fn comments_in_a_vscode_file_survive() {
    let home = Home::new();
    home.write("proj/.vscode/mcp.json", "{\n  // team servers\n  \"inputs\": [],\n  \"servers\": {\n    \"kept\": {\"type\": \"stdio\", \"command\": \"/bin/kept\"}, // trailing\n  },\n}\n");
    ok(install(
        &home,
        &[
            &lowlevel(),
            "--name",
            "demo",
            "--host",
            "vscode",
            "--scope",
            "project",
            "--project",
            "proj",
        ],
    ));
    let text = home.read("proj/.vscode/mcp.json");
    assert!(text.contains("// team servers"), "{text}");
    assert!(text.contains("// trailing"), "{text}");
    assert!(text.contains("\"demo\""), "{text}");
}

#[test]
fn replacing_an_entry_needs_force_off_a_terminal_and_keeps_its_env() {
    let home = Home::new();
    ok(install(
        &home,
        &[
            &lowlevel(),
            "--name",
            "demo",
            "-v",
            "OLD=1",
            "-v",
            "SHARED=old",
        ],
    ));
    // The same entry again changes nothing.
    let out = ok(install(&home, &[&lowlevel(), "--name", "demo"]));
    assert!(out.contains("already installed"), "{out}");
    let before = home.read(".config/Claude/claude_desktop_config.json");
    let output = install(&home, &[&lowlevel(), "--name", "demo", "--arg", "x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("pass --force to replace it"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        home.read(".config/Claude/claude_desktop_config.json"),
        before
    );
    ok(install(
        &home,
        &[
            &lowlevel(),
            "--name",
            "demo",
            "--arg",
            "x",
            "-v",
            "SHARED=new",
            "--force",
            // lowlevel refuses the argument `x`: written unverified.
            "--no-verify",
        ],
    ));
    let config: Value =
        serde_json::from_str(&home.read(".config/Claude/claude_desktop_config.json")).unwrap();
    assert_eq!(
        config["mcpServers"]["demo"]["args"],
        serde_json::json!(["x"])
    );
    assert_eq!(
        config["mcpServers"]["demo"]["env"],
        serde_json::json!({"OLD": "1", "SHARED": "new"})
    );
}

#[test]
fn racing_installs_lose_no_entry() {
    let home = Home::new();
    let config = home.join("shared.json");
    let children: Vec<_> = (0..12)
        .map(|i| {
            std::process::Command::new(env!("CARGO_BIN_EXE_mcp"))
                .args([
                    "install",
                    &lowlevel(),
                    "--name",
                    &format!("server-{i}"),
                    "--host-config",
                    config.to_str().unwrap(),
                ])
                .env("HOME", home.path())
                .env_remove("XDG_CONFIG_HOME")
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let config: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let servers = config["mcpServers"].as_object().unwrap();
    assert_eq!(servers.len(), 12, "{config:#}");
}

#[test]
fn uninstall_removes_only_the_named_server() {
    let home = Home::new();
    ok(install(
        &home,
        &[&lowlevel(), "--name", "a", "--host", "cursor"],
    ));
    ok(install(
        &home,
        &[&lowlevel(), "--name", "b", "--host", "cursor"],
    ));
    let out = ok(home
        .mcp()
        .args(["uninstall", "a", "--host", "cursor"])
        .output()
        .unwrap());
    assert!(out.contains("removed a from Cursor (user)"), "{out}");
    let config: Value = serde_json::from_str(&home.read(".cursor/mcp.json")).unwrap();
    assert!(config["mcpServers"].get("a").is_none());
    assert!(config["mcpServers"].get("b").is_some());
    let output = home
        .mcp()
        .args(["uninstall", "a", "--host", "cursor"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no server named `a`"),
        "{}",
        stderr(&output)
    );
    // Goose's YAML too.
    ok(install(
        &home,
        &[&lowlevel(), "--name", "g", "--host", "goose"],
    ));
    ok(home
        .mcp()
        .args(["uninstall", "g", "--host", "goose"])
        .output()
        .unwrap());
    assert!(!home.read(".config/goose/config.yaml").contains("g:"));
}

#[test]
fn mcp_json_is_printed_or_written() {
    let home = Home::new();
    let out = ok(install(
        &home,
        &[
            "--host", "mcp-json", "--name", "echo", "-v", "K=v", "--", "cat", "file.txt",
        ],
    ));
    let printed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        printed["mcpServers"]["echo"]["args"],
        serde_json::json!(["file.txt"])
    );
    assert!(
        printed["mcpServers"]["echo"]["command"]
            .as_str()
            .unwrap()
            .ends_with("/cat")
    );
    assert!(Path::new(printed["mcpServers"]["echo"]["command"].as_str().unwrap()).is_absolute());
    // A relative path that exists is made absolute.
    home.write("file.txt", "x");
    let out = ok(install(
        &home,
        &["--host", "mcp-json", "--", "cat", "file.txt"],
    ));
    let printed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        printed["mcpServers"]["file"]["args"][0],
        home.join("file.txt").to_str().unwrap()
    );
    ok(install(
        &home,
        &[
            "--host",
            "mcp-json",
            "--host-config",
            "out/servers.json",
            "--name",
            "w",
            "--no-verify",
            "--",
            "cat",
        ],
    ));
    let written: Value = serde_json::from_str(&home.read("out/servers.json")).unwrap();
    assert!(written["mcpServers"]["w"]["command"].is_string());
}

#[test]
fn dry_run_prints_and_writes_nothing() {
    let home = Home::new();
    let out = ok(install(
        &home,
        &[
            &lowlevel(),
            "--name",
            "demo",
            "--dry-run",
            "--host",
            "goose",
            "--host",
            "cursor",
        ],
    ));
    assert!(out.contains("Goose (user)"), "{out}");
    assert!(out.contains("cmd: "), "{out}");
    assert!(out.contains("\"demo\": {"), "{out}");
    assert!(!home.join(".config/goose").exists());
    assert!(!home.join(".cursor").exists());
}

#[test]
fn the_config_path_can_be_overridden_by_environment() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["install", &lowlevel(), "--name", "demo"])
        .env(
            "MCP_CLAUDE_DESKTOP_CONFIG",
            home.join("elsewhere/claude.json"),
        )
        .output()
        .unwrap();
    ok(output);
    assert!(home.read("elsewhere/claude.json").contains("\"demo\""));
    assert!(!home.join(".config/Claude").exists());
}

#[test]
fn list_shows_every_hosts_servers_and_checks_them() {
    let home = Home::new();
    ok(install(&home, &[&lowlevel(), "--name", "good"]));
    ok(install(
        &home,
        &[&lowlevel(), "--name", "good", "--host", "goose"],
    ));
    home.write(".cursor/mcp.json", "{\"mcpServers\": {\"broken\": {\"command\": \"/no/such/program\"}, \"remote\": {\"url\": \"https://mcp.example.com/mcp\"}}}");
    home.write(
        "proj/.mcp.json",
        "{\"mcpServers\": {\"proj\": {\"command\": \"/bin/true\"}}}",
    );
    let text = ok(home
        .mcp()
        .args(["list", "--project", "proj"])
        .output()
        .unwrap());
    let text = redact(&home, &text);
    insta::assert_snapshot!(text);

    let output = home
        .mcp()
        .args(["list", "--check", "--json", "--project", "proj"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let servers: Vec<(String, bool)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["servers"].as_array().unwrap().clone())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["check"]["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        servers,
        [
            ("good".to_owned(), true),
            ("proj".to_owned(), false),
            ("broken".to_owned(), false),
            ("remote".to_owned(), false),
            ("good".to_owned(), true),
        ]
    );
    // A file that does not parse is reported, and the exit code says so.
    home.write(".gemini/settings.json", "{oops");
    let output = home
        .mcp()
        .args(["list", "--host", "gemini"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stdout(&output).contains("cannot read it:"),
        "{}",
        stdout(&output)
    );
}

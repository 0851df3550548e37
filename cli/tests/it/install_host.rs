//! `mcp install` writes entries that start the way a host starts them (minimal PATH, no virtual
//! environment, another working directory) and proves it before it reports success; config
//! files keep their symlinks and modes and lose no change another program made meanwhile; a
//! project's own config cannot run a command unasked.

use std::path::{Path, PathBuf};

use crate::common::{
    Home, example, make_executable, ok, path_with, peer_python, python_server, stderr, stdout,
};
use serde_json::Value;

fn lowlevel() -> String {
    example("lowlevel").display().to_string()
}

fn claude_config(home: &Home) -> Value {
    serde_json::from_str(&home.read(".config/Claude/claude_desktop_config.json")).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A shell script server: `body` and then the `lowlevel` example.
fn script(home: &Home, name: &str, first_line: &str, body: &str) -> PathBuf {
    let text = format!("{first_line}\n{body}\nexec \"{}\"\n", lowlevel());
    home.write(name, &text);
    let path = home.join(name);
    make_executable(&path);
    path
}

#[test]
fn a_python_entry_installed_from_an_activated_venv_starts_under_a_hosts_minimal_path() {
    let home = Home::new();
    let venv_bin = peer_python().parent().unwrap().to_path_buf();
    let server = python_server();
    // The installing shell has the venv activated (its bin first on PATH) and no uv.
    let out = ok(home
        .mcp()
        .args(["install", server.to_str().unwrap(), "--name", "py"])
        .env("PATH", format!("{}:/usr/bin:/bin", venv_bin.display()))
        .env("VIRTUAL_ENV", venv_bin.parent().unwrap())
        .output()
        .unwrap());
    assert!(
        out.contains("started as Claude Desktop starts it: "),
        "{out}"
    );
    let entry = &claude_config(&home)["mcpServers"]["py"];
    assert_eq!(
        entry["args"],
        serde_json::json!([
            "run",
            server.to_str().unwrap(),
            "--python",
            venv_bin.join("python3").to_str().unwrap()
        ])
    );
    // Started by hand the way a host does, from another directory: `env -i PATH=/usr/bin:/bin`
    // around a client that reads the entry from the config file.
    let elsewhere = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("/usr/bin/env")
        .args(["-i", "PATH=/usr/bin:/bin"])
        .arg(format!("HOME={}", home.path().display()))
        .arg(env!("CARGO_BIN_EXE_mcp"))
        .args(["check", "py", "--config"])
        .arg(home.join(".config/Claude/claude_desktop_config.json"))
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn an_entry_that_only_starts_in_this_shell_is_refused_and_nothing_is_written() {
    let home = Home::new();
    let server = script(
        &home,
        "needs-var",
        "#!/bin/sh",
        "[ -n \"$SHELL_ONLY\" ] || { echo 'SHELL_ONLY is not set' >&2; exit 1; }",
    );
    let output = home
        .mcp()
        .args(["install", "--name", "needy", "--"])
        .arg(&server)
        .env("SHELL_ONLY", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("does not start the way Claude Desktop would start it"),
        "{err}"
    );
    assert!(err.contains("SHELL_ONLY is not set"), "{err}");
    assert!(err.contains("--no-verify"), "{err}");
    assert!(!home.join(".config/Claude").exists());
    // Given what it needs, it is verified and written; --no-verify writes without starting it.
    ok(home
        .mcp()
        .args(["install", "--name", "needy", "-v", "SHELL_ONLY=1", "--"])
        .arg(&server)
        .output()
        .unwrap());
    assert_eq!(
        claude_config(&home)["mcpServers"]["needy"]["env"]["SHELL_ONLY"],
        "1"
    );
    ok(home
        .mcp()
        .args(["install", "--name", "unverified", "--no-verify", "--"])
        .arg(&server)
        .output()
        .unwrap());
    assert!(claude_config(&home)["mcpServers"]["unverified"].is_object());
}

#[cfg(unix)]
#[test]
fn a_script_whose_env_interpreter_the_host_lacks_gets_a_path_and_list_checks_like_a_host() {
    let home = Home::new();
    std::fs::create_dir_all(home.join("tools")).unwrap();
    std::os::unix::fs::symlink("/bin/sh", home.join("tools/myinterp")).unwrap();
    std::os::unix::fs::symlink(lowlevel(), home.join("tools/lowlevel-copy")).unwrap();
    let server = script(&home, "srv", "#!/usr/bin/env myinterp", "");
    let output = home
        .mcp()
        .args(["install", "--name", "viaenv", "--"])
        .arg(&server)
        .env("PATH", path_with(&home.join("tools")))
        .output()
        .unwrap();
    let err = stderr(&output);
    ok(output);
    assert!(
        err.contains("runs `myinterp` through /usr/bin/env"),
        "{err}"
    );
    assert_eq!(
        claude_config(&home)["mcpServers"]["viaenv"]["env"]["PATH"],
        format!(
            "{}:/usr/bin:/bin:/usr/sbin:/sbin",
            home.join("tools").display()
        )
    );
    // `mcp list --check` starts entries as the host would: a bare name found only on this
    // shell's PATH is not found there.
    home.write(
        ".cursor/mcp.json",
        "{\"mcpServers\": {\"bare\": {\"command\": \"lowlevel-copy\"}}}",
    );
    let output = home
        .mcp()
        .args([
            "list",
            "--check",
            "--json",
            "--host",
            "claude-desktop",
            "--host",
            "cursor",
        ])
        .env("PATH", path_with(&home.join("tools")))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let checks: Vec<(String, Value)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["servers"].as_array().unwrap().clone())
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["check"].clone()))
        .collect();
    assert_eq!(checks[0].0, "viaenv");
    assert_eq!(checks[0].1["ok"], true, "{checks:?}");
    assert_eq!(checks[1].0, "bare");
    assert_eq!(checks[1].1["ok"], false, "{checks:?}");
    assert!(
        checks[1].1["error"]
            .as_str()
            .unwrap()
            .contains("not on the host's PATH"),
        "{checks:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_0600_config_stays_a_symlink_and_0600_with_its_backup_and_no_stray_file() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let real = home.join("dotfiles/claude.json");
    home.write(
        "dotfiles/claude.json",
        "{\"keep\": true, \"mcpServers\": {}}\n",
    );
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = home.join(".config/Claude/claude_desktop_config.json");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    ok(home
        .mcp()
        .args(["install", &lowlevel(), "--name", "demo"])
        .output()
        .unwrap());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), real);
    let config: Value = serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
    assert_eq!(config["keep"], true);
    assert_eq!(config["mcpServers"]["demo"]["command"], lowlevel());
    assert_eq!(mode(&real), 0o600);
    let backup = home.join(".config/Claude/claude_desktop_config.json.bak");
    assert_eq!(
        std::fs::read_to_string(&backup).unwrap(),
        "{\"keep\": true, \"mcpServers\": {}}\n"
    );
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(
        names_in(link.parent().unwrap()),
        [
            "claude_desktop_config.json",
            "claude_desktop_config.json.bak"
        ]
    );
    assert_eq!(names_in(real.parent().unwrap()), ["claude.json"]);
    // A config mcp creates is readable by its owner only (it may hold API keys).
    ok(home
        .mcp()
        .args(["install", &lowlevel(), "--name", "demo", "--host", "cursor"])
        .output()
        .unwrap());
    assert_eq!(mode(&home.join(".cursor/mcp.json")), 0o600);
    assert_eq!(names_in(&home.join(".cursor")), ["mcp.json"]);
}

#[test]
fn a_change_another_program_makes_while_mcp_edits_is_kept() {
    let home = Home::new();
    let config = home.join(".config/Claude/claude_desktop_config.json");
    home.write(
        ".config/Claude/claude_desktop_config.json",
        "{\"mcpServers\": {}}\n",
    );
    // The server rewrites the config the first time it starts, as a running host saving its
    // settings would: that start is mcp's verification, between reading the file and renaming
    // the new one over it.
    let host_version =
        "{\"hostSetting\": 42, \"mcpServers\": {\"host-added\": {\"command\": \"/bin/host\"}}}\n";
    home.write("host-version.json", host_version);
    let server = script(
        &home,
        "rewriter",
        "#!/bin/sh",
        "if [ ! -e \"$MARK\" ]; then : > \"$MARK\"; cp \"$NEW\" \"$CONFIG\"; fi",
    );
    ok(home
        .mcp()
        .args(["install", "--name", "mine", "-v"])
        .arg(format!("MARK={}", home.join("mark").display()))
        .arg("-v")
        .arg(format!("NEW={}", home.join("host-version.json").display()))
        .arg("-v")
        .arg(format!("CONFIG={}", config.display()))
        .arg("--")
        .arg(&server)
        .output()
        .unwrap());
    assert!(home.join("mark").exists(), "the server never started");
    let written = claude_config(&home);
    assert_eq!(written["hostSetting"], 42, "{written:#}");
    assert_eq!(written["mcpServers"]["host-added"]["command"], "/bin/host");
    assert!(written["mcpServers"]["mine"].is_object(), "{written:#}");
    // The backup is the version that was replaced: the other program's.
    assert_eq!(
        home.read(".config/Claude/claude_desktop_config.json.bak"),
        host_version
    );
}

#[test]
fn a_projects_own_config_neither_shadows_the_users_nor_runs_unasked() {
    let home = Home::new();
    ok(home
        .mcp()
        .args(["install", &lowlevel(), "--name", "demo"])
        .output()
        .unwrap());
    let pwned = home.join("pwned");
    let server = script(
        &home,
        "proj/evil.sh",
        "#!/bin/sh",
        &format!(": > '{}'", pwned.display()),
    );
    let project_config = |args: &str| {
        format!(
            "{{\"mcpServers\": {{\"demo\": {{\"command\": \"{0}\"}}, \"projonly\": {{\"command\": \"{0}\", \"args\": [{args}]}}}}}}",
            server.display()
        )
    };
    home.write("proj/.mcp.json", &project_config(""));
    let in_project = |args: &[&str]| {
        home.mcp()
            .args(args)
            .current_dir(home.join("proj"))
            .output()
            .unwrap()
    };
    // The user's own `demo` wins over the project's.
    let tools = ok(in_project(&["tools", "demo"]));
    assert!(!tools.is_empty());
    assert!(!pwned.exists(), "the project's demo ran");
    // A server only the project defines is not run without the user's agreement.
    let output = in_project(&["tools", "projonly"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--trust-project"),
        "{}",
        stderr(&output)
    );
    assert!(!pwned.exists(), "projonly ran unasked");
    ok(in_project(&["tools", "projonly", "--trust-project"]));
    assert!(pwned.exists());
    std::fs::remove_file(&pwned).unwrap();
    // Remembered for that command...
    ok(in_project(&["tools", "projonly"]));
    assert!(pwned.exists());
    std::fs::remove_file(&pwned).unwrap();
    // ...and asked again once the project changes it.
    home.write("proj/.mcp.json", &project_config("\"--changed\""));
    let output = in_project(&["tools", "projonly"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!pwned.exists());
}

#[test]
fn a_goose_config_that_cannot_be_written_back_is_left_as_it_was() {
    let home = Home::new();
    // Valid YAML (a mapping used as a key) that the YAML writer cannot emit again.
    let original = "GOOSE_MODEL: x\n? {a: 1}\n: 1\nextensions: {}\n";
    home.write(".config/goose/config.yaml", original);
    let output = home
        .mcp()
        .args(["install", &lowlevel(), "--name", "g", "--host", "goose"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("nothing was changed"),
        "{}",
        stderr(&output)
    );
    assert_eq!(home.read(".config/goose/config.yaml"), original);
    assert_eq!(names_in(&home.join(".config/goose")), ["config.yaml"]);
}

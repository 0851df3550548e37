//! `mcp new` without building anything: snapshots of the generated trees, the checks of names
//! and options, git, and the questions answered through a pseudo-terminal. (The generated
//! projects are built, tested and checked in new_projects.rs.)

use crate::common;

use std::path::Path;

use crate::common::{Home, stderr, stdout};

/// Every file under `dir` (but `.git`), sorted, with its contents.
fn tree(dir: &Path) -> String {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != ".git") {
                    pending.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = String::new();
    for file in files {
        let relative = file
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!("━━━━ {relative}\n"));
        out.push_str(&std::fs::read_to_string(&file).unwrap());
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// `mcp new NAME ARGS --yes --no-git` in a fresh HOME; returns the tree it wrote.
fn generate(args: &[&str]) -> String {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["new", "demo-server", "--yes", "--no-git"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    // The SDK and CLI versions move with every release; the snapshots should not.
    let version = env!("CARGO_PKG_VERSION");
    tree(&home.join("demo-server"))
        .replace(&format!("mcp = \"{version}\""), "mcp = \"[VERSION]\"")
        .replace(&format!("mcp-cli@{version}"), "mcp-cli@[VERSION]")
}

#[test]
fn snapshot_rust_minimal_stdio() {
    insta::assert_snapshot!(generate(&["--template", "rust"]));
}

#[test]
fn snapshot_rust_api_http_auth() {
    insta::assert_snapshot!(generate(&[
        "--template",
        "rust",
        "--preset",
        "api",
        "--transport",
        "http",
        "--auth",
        "--description",
        "Posts and users of a JSON API",
    ]));
}

#[test]
fn snapshot_python_minimal_stdio() {
    insta::assert_snapshot!(generate(&["--template", "python"]));
}

#[test]
fn snapshot_python_database_http_auth() {
    insta::assert_snapshot!(generate(&[
        "--template",
        "python",
        "--preset",
        "database",
        "--transport",
        "http",
        "--auth",
    ]));
}

#[test]
fn snapshot_typescript_minimal_stdio() {
    insta::assert_snapshot!(generate(&["--template", "typescript"]));
}

#[test]
fn snapshot_typescript_api_http_auth() {
    insta::assert_snapshot!(generate(&[
        "--template",
        "typescript",
        "--preset",
        "api",
        "--transport",
        "http",
        "--auth",
    ]));
}

#[test]
fn a_description_is_quoted_for_every_language() {
    let tricky = r#"Tom's "best" server \o/ */"#;
    for template in ["rust", "python", "typescript"] {
        let tree = generate(&["--template", template, "--description", tricky]);
        // One literal serves TOML, JSON, Rust, Python and TypeScript alike.
        let quoted = r#""Tom's \"best\" server \\o/ */""#;
        assert!(
            tree.contains(quoted),
            "{template}: {quoted} missing:\n{tree}"
        );
    }
}

/// The `run` steps of a generated project's CI workflow.
fn workflow_steps(template: &str, args: &[&str]) -> Vec<String> {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["new", "ci", "--yes", "--no-git", "--template", template])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = home.read("ci/.github/workflows/ci.yml");
    let workflow: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    workflow["jobs"]["test"]["steps"]
        .as_sequence()
        .expect("a job with steps")
        .iter()
        .filter_map(|step| step["run"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_workflows_run_the_tests_and_mcp_check() {
    let version = env!("CARGO_PKG_VERSION");
    let install = format!("cargo install --locked mcp-cli@{version}");
    // The same commands new_projects.rs runs on the generated projects.
    for (template, args, expected) in [
        (
            "rust",
            &[][..],
            &["cargo fmt --check", "cargo test", &install, "mcp check ."][..],
        ),
        (
            "rust",
            &["--transport", "http"][..],
            &[
                "cargo fmt --check",
                "cargo test",
                &install,
                "mcp check . --arg --stdio",
            ][..],
        ),
        (
            "python",
            &[][..],
            &["uv run pytest", &install, "mcp check ."][..],
        ),
        (
            "typescript",
            &[][..],
            &["npm install", "npm test", &install, "mcp check ."][..],
        ),
    ] {
        assert_eq!(
            workflow_steps(template, args),
            expected,
            "{template} {args:?}"
        );
    }
}

#[test]
fn a_non_empty_directory_needs_force() {
    let home = Home::new();
    home.write("taken/notes.txt", "mine");
    let output = home
        .mcp()
        .args(["new", "taken", "--yes", "--no-git"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not empty"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert!(
        !home.join("taken/Cargo.toml").exists(),
        "nothing is written"
    );

    let output = home
        .mcp()
        .args(["new", "taken", "--yes", "--no-git", "--force"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(home.join("taken/Cargo.toml").exists());
    assert_eq!(home.read("taken/notes.txt"), "mine", "other files are kept");
}

#[test]
fn names_follow_each_ecosystem() {
    let home = Home::new();
    for (template, name, why) in [
        ("rust", "2fast", "starts with a letter"),
        ("rust", "mcp", "shadow the SDK"),
        ("python", "json", "shadowed by Python's own"),
        ("python", "class", "Python keyword"),
        ("typescript", "Upper", "lowercase"),
        ("typescript", "http", "built-in"),
    ] {
        let output = home
            .mcp()
            .args([
                "new",
                "dir",
                "--name",
                name,
                "--template",
                template,
                "--yes",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{template} {name}");
        assert!(
            stderr(&output).contains(why),
            "{template} {name}: {}",
            stderr(&output)
        );
        assert!(!home.join("dir").exists(), "nothing is written for {name}");
    }
    let output = home
        .mcp()
        .args([
            "new",
            "scoped",
            "--name",
            "@acme/weather",
            "-t",
            "typescript",
            "-y",
        ])
        .args(["--no-git"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let package = home.read("scoped/package.json");
    assert!(package.contains(r#""name": "@acme/weather""#), "{package}");
    assert!(
        package.contains(r#""weather": "dist/src/index.js""#),
        "{package}"
    );
}

#[test]
fn options_that_contradict_each_other_are_refused() {
    let home = Home::new();
    let sdk = common::repo_root().join("crates/mcp");
    let sdk = sdk.to_str().unwrap();
    for (args, says) in [
        (
            &["--transport", "stdio", "--auth"][..],
            "--auth protects the HTTP endpoint",
        ),
        (
            &["--template", "python", "--sdk-path", sdk][..],
            "--sdk-path applies to the Rust",
        ),
        (
            &["--sdk-path", "."][..],
            "is not the directory of the `mcp` crate",
        ),
        (&["--description", "two\nlines"][..], "one line"),
    ] {
        let output = home
            .mcp()
            .args(["new", "x", "--yes"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let output = home
        .mcp()
        .args(["new", "x", "--yes", "--capabilities", "tools,sounds"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "an unknown capability is a usage error"
    );
}

#[test]
fn auth_implies_http_and_git_is_initialized_by_default() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["new", "secure", "--auth", "-t", "rust", "-y"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        home.join("secure/src/auth.rs").exists(),
        "--auth made an HTTP server"
    );
    assert!(
        home.join("secure/.git").is_dir(),
        "a git repository by default"
    );
    let next = stdout(&output);
    assert!(next.contains("cd secure"), "{next}");
    assert!(next.contains("mcp dev ."), "{next}");
    assert!(next.contains("mcp install . --arg --stdio"), "{next}");
}

/// The questions, answered through a pseudo-terminal as a person would: arrow keys, space,
/// typing, enter.
#[cfg(unix)]
#[test]
fn the_questions_are_answered_on_a_terminal() {
    use rexpect::reader::Options;
    use rexpect::session::spawn_with_options;

    const DOWN: &str = "\x1b[B";
    let home = Home::new();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mcp"));
    command
        .args(["new", "Weather Tools"])
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_with_options(
        command,
        Options::new()
            .timeout_ms(Some(20_000))
            .strip_ansi_escape_codes(true),
    )
    .unwrap();
    // `send` leaves keys in the writer's buffer until a newline: flush each keystroke.
    let key = |p: &mut rexpect::session::PtySession, keys: &str| {
        p.send(keys).unwrap();
        p.flush().unwrap();
    };
    p.exp_string("Template").unwrap();
    key(&mut p, DOWN); // Python
    p.send_line("").unwrap();
    // "Weather Tools" is no Python project name: the suggestion is taken.
    p.exp_string("cannot name a python project").unwrap();
    p.exp_string("Project name").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Description").unwrap();
    p.send_line("Forecasts for the model").unwrap();
    p.exp_string("Preset").unwrap();
    key(&mut p, DOWN);
    key(&mut p, DOWN); // database
    p.send_line("").unwrap();
    p.exp_string("Transport").unwrap();
    key(&mut p, DOWN); // Streamable HTTP
    p.send_line("").unwrap();
    p.exp_string("bearer token").unwrap();
    key(&mut p, "y");
    p.exp_string("Samples").unwrap();
    key(&mut p, DOWN);
    key(&mut p, DOWN);
    key(&mut p, " "); // prompts off
    p.send_line("").unwrap();
    p.exp_string("git repository").unwrap();
    key(&mut p, "n");
    p.exp_string("Created").unwrap();
    p.exp_eof().unwrap();

    let dir = home.join("Weather Tools");
    let pyproject = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains(r#"name = "weather-tools""#),
        "{pyproject}"
    );
    assert!(pyproject.contains("Forecasts for the model"), "{pyproject}");
    let server = std::fs::read_to_string(dir.join("src/weather_tools/server.py")).unwrap();
    assert!(server.contains("def search_notes"), "the database preset");
    assert!(server.contains("StaticTokenVerifier"), "auth over HTTP");
    assert!(!server.contains("@server.prompt"), "prompts were left out");
    assert!(!dir.join(".git").exists(), "no git repository");
}

//! The command line itself: help with examples, shell completions, colour that follows
//! `NO_COLOR`.

use crate::common;

use crate::common::{Home, example, stdout};

#[test]
fn every_subcommand_has_help_with_examples() {
    let home = Home::new();
    for subcommand in [
        "run",
        "check",
        "call",
        "tools",
        "resources",
        "read",
        "prompts",
        "get-prompt",
        "skills",
        "install",
        "uninstall",
        "list",
        "new",
        "completions",
    ] {
        let output = home.mcp().args([subcommand, "--help"]).output().unwrap();
        assert!(output.status.success(), "{subcommand}");
        let text = stdout(&output);
        assert!(
            text.contains("Examples:"),
            "`mcp {subcommand} --help` has no examples:\n{text}"
        );
    }
    let text = stdout(&home.mcp().arg("--help").output().unwrap());
    for word in [
        "Server specs",
        "Exit codes",
        "mcp check server.py",
        "install",
    ] {
        assert!(text.contains(word), "`mcp --help` lacks {word}:\n{text}");
    }
}

#[test]
fn completions_for_each_shell() {
    let home = Home::new();
    for (shell, marker) in [
        ("bash", "_mcp()"),
        ("zsh", "#compdef mcp"),
        ("fish", "complete -c mcp"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[mcp]"),
    ] {
        let output = home.mcp().args(["completions", shell]).output().unwrap();
        assert!(output.status.success());
        let text = stdout(&output);
        assert!(text.contains(marker), "{shell}: no {marker}");
        assert!(text.contains("get-prompt"), "{shell}: subcommands missing");
    }
}

#[test]
fn colour_follows_no_color() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    let coloured = home
        .mcp()
        .args(["tools", lowlevel.to_str().unwrap()])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        stdout(&coloured).contains("\u{1b}["),
        "{}",
        stdout(&coloured)
    );
    let plain = home
        .mcp()
        .args(["tools", lowlevel.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&plain).contains('\u{1b}'));
    assert!(!common::stderr(&plain).contains('\u{1b}'));
}

//! `mcp skills`: the `everything` example's skills listed in both protocol eras, one fetched by
//! name, path or URI and written out with every file verified; the Python SDK's server (the
//! extension added through its extension interface) read the same way, and refused, with
//! nothing written, when a `SKILL.md` does not match its listing.

use std::path::Path;

use serde_json::Value;

use crate::common::{Home, example, ok, peer_python, peer_script, stderr, stdout};

/// `mcp skills ARGS... -- everything --stdio`.
fn skills(home: &Home, args: &[&str]) -> std::process::Output {
    home.mcp()
        .arg("skills")
        .args(args)
        .arg("--")
        .arg(example("everything"))
        .arg("--stdio")
        .output()
        .unwrap()
}

/// `mcp skills ARGS... -- python skills_server.py SERVER_ARGS...`.
fn python_skills(home: &Home, args: &[&str], server_args: &[&str]) -> std::process::Output {
    home.mcp()
        .arg("skills")
        .args(args)
        .arg("--")
        .arg(peer_python())
        .arg(peer_script("skills_server.py"))
        .args(server_args)
        .output()
        .unwrap()
}

/// The example's skills on disk.
fn fixtures() -> std::path::PathBuf {
    mcp_test_support::repo_root().join("examples/everything/skills")
}

/// Every file below `dir`, by its `/`-separated path, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &path, out);
            } else {
                out.push((path, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

#[test]
fn skills_are_listed_in_both_eras() {
    let home = Home::new();
    for version in ["2025-11-25", "2026-07-28"] {
        let text = ok(skills(&home, &["--protocol-version", version]));
        for line in [
            "refunds  Process customer refund requests",
            "skill://acme/billing/refunds/SKILL.md · 2 files",
            "pdf-processing  Extract text from PDF documents",
            "skill://pdf-processing/SKILL.md · 3 files",
            "git-workflow  Follow this team's Git conventions",
        ] {
            assert!(text.contains(line), "{version}: `{line}` in\n{text}");
        }
        let json: Value = serde_json::from_str(&ok(skills(
            &home,
            &["--json", "--protocol-version", version],
        )))
        .unwrap();
        let names: Vec<&str> = json["skills"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["frontmatter"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["refunds", "pdf-processing", "git-workflow"],
            "{version}"
        );
        assert_eq!(
            json["skills"][1]["resources"][0]["uri"],
            "skill://pdf-processing/SKILL.md"
        );
    }
}

#[test]
fn a_skill_is_fetched_verified_and_written_out_whole() {
    let home = Home::new();
    let out = home.join("skills");
    let out_arg = out.display().to_string();

    // By name: the files as on the example's disk, byte for byte.
    let text = ok(skills(&home, &["pdf-processing", "--out", &out_arg]));
    assert!(text.contains("wrote 3 files to"), "{text}");
    assert_eq!(
        tree(&out.join("pdf-processing")),
        tree(&fixtures().join("pdf-processing"))
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["pdf-processing"], "no staging directory left");

    // Once there, it is only replaced when asked.
    let again = skills(&home, &["pdf-processing", "--out", &out_arg]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    ok(skills(
        &home,
        &["pdf-processing", "--out", &out_arg, "--force"],
    ));

    // By path, under its prefix; by URI, a skill written in code.
    ok(skills(&home, &["acme/billing/refunds", "--out", &out_arg]));
    assert_eq!(
        tree(&out.join("refunds")),
        tree(&fixtures().join("acme/billing/refunds"))
    );
    ok(skills(
        &home,
        &["skill://git-workflow/SKILL.md", "--out", &out_arg],
    ));
    let commits = std::fs::read_to_string(out.join("git-workflow/references/COMMITS.md")).unwrap();
    assert!(commits.starts_with("# Commits"), "{commits}");
    let skill_md = std::fs::read_to_string(out.join("git-workflow/SKILL.md")).unwrap();
    assert!(
        skill_md.starts_with("---\nname: git-workflow\ndescription: Follow this team's Git"),
        "{skill_md}"
    );
}

#[test]
fn a_skill_is_shown_with_its_files_and_printed_as_json() {
    let home = Home::new();
    let text = ok(skills(&home, &["refunds"]));
    assert!(text.contains("SKILL.md"), "{text}");
    assert!(text.contains("examples/email.md"), "{text}");
    assert_eq!(text.matches("verified").count(), 2, "{text}");
    assert!(
        text.contains("Check that the purchase is less than 30 days old"),
        "the SKILL.md's instructions: {text}"
    );

    let json: Value = serde_json::from_str(&ok(skills(&home, &["--json", "refunds"]))).unwrap();
    assert_eq!(
        json["skill"]["uri"],
        "skill://acme/billing/refunds/SKILL.md"
    );
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let email =
        std::fs::read_to_string(fixtures().join("acme/billing/refunds/examples/email.md")).unwrap();
    assert_eq!(files[1]["path"], "examples/email.md");
    assert_eq!(files[1]["text"], email.as_str());
    assert_eq!(files[1]["verified"], true);
    assert_eq!(
        files[1]["digest"],
        mcp::skills::digest(email.as_bytes()).as_str()
    );
}

#[test]
fn unknown_skills_and_servers_without_skills_fail_clearly() {
    let home = Home::new();
    let output = skills(&home, &["no-such-skill"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("no skill named `no-such-skill`"), "{err}");
    assert!(
        err.contains("refunds, pdf-processing, git-workflow"),
        "{err}"
    );

    let output = skills(&home, &["--out", "somewhere"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));

    // The Python SDK's high-level server serves no skills.
    let output = home
        .mcp()
        .arg("skills")
        .arg("--")
        .arg(peer_python())
        .arg(crate::common::python_server())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("does not serve skills"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_python_sdk_server_s_skill_is_read_and_a_tampered_one_refused() {
    let home = Home::new();
    let out = home.join("out");
    let out_arg = out.display().to_string();
    let text = ok(python_skills(
        &home,
        &["pdf-processing", "--out", &out_arg],
        &[],
    ));
    assert!(text.contains("wrote 2 files"), "{text}");
    assert!(out.join("pdf-processing/references/FORMS.md").is_file());

    for (tamper, says) in [
        ("digest", "does not match the skill's manifest"),
        ("size", "bytes long where the skill's manifest says"),
        (
            "frontmatter",
            "differs from the skill's entry in `description`",
        ),
    ] {
        let dir = home.join(&format!("tampered-{tamper}"));
        let output = python_skills(
            &home,
            &["pdf-processing", "--out", &dir.display().to_string()],
            &["--tamper", tamper],
        );
        assert_eq!(
            output.status.code(),
            Some(1),
            "{tamper}: {}",
            stdout(&output)
        );
        let err = stderr(&output);
        assert!(err.contains(says), "{tamper}: {err}");
        assert!(
            !dir.join("pdf-processing").exists(),
            "{tamper}: nothing written"
        );
    }
}

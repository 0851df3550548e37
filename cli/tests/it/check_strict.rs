//! `mcp check --strict`: a purpose-built server whose tools break each portability rule, our
//! example servers, and the Python SDK's server, in JSON and in text.

use crate::common::{Home, example, fixture, peer_python, python_server, stderr, stdout};
use serde_json::Value;

const EVERY_VENDOR: &str = "openai,openai-strict,anthropic,anthropic-strict,gemini";

/// `mcp check --json ARGS`: the exit code and the report.
fn check_json(home: &Home, args: &[&str]) -> (i32, Value) {
    let output = home
        .mcp()
        .arg("check")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(&output), stderr(&output)));
    (output.status.code().unwrap(), report)
}

fn findings(report: &Value) -> Vec<Value> {
    report["portability"]["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no portability findings in {report:#}"))
        .clone()
}

fn step_status(report: &Value, name: &str) -> String {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {report:#}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn unportable() -> Vec<String> {
    vec![
        "python3".into(),
        fixture("unportable_server.py").display().to_string(),
    ]
}

#[test]
fn every_rule_is_found_where_it_is_broken() {
    let home = Home::new();
    let mut args = vec!["--strict", "--vendor", EVERY_VENDOR, "--"];
    let server = unportable();
    args.extend(server.iter().map(String::as_str));
    let (code, report) = check_json(&home, &args);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(step_status(&report, "portability"), "failed");
    let found = findings(&report);
    let on = |tool: &str, rule: &str| {
        found
            .iter()
            .find(|f| f["tool"] == tool && f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} on {tool} in {found:#?}"))
            .clone()
    };
    // The tools named for a rule break that rule.
    for rule in [
        "property-name",
        "root-not-object",
        "root-composition",
        "ref-unresolved",
        "ref-cycle",
        "array-without-items",
        "type-list",
        "unsupported-keyword",
        "unsupported-format",
        "additional-properties",
        "optional-property",
        "min-items",
        "too-deep",
        "too-many-properties",
        "enum-too-large",
        "invalid-json-schema",
    ] {
        let finding = on(&rule.replace('-', "_"), rule);
        assert!(!finding["fix"].as_str().unwrap().is_empty());
        assert!(
            finding["path"]
                .as_str()
                .unwrap()
                .starts_with("/inputSchema")
        );
    }
    // The names.
    on("name with spaces", "name-characters");
    on(&"n".repeat(65), "name-too-long");
    on("9lives", "name-first-character");
    on("duplicate", "name-duplicate");
    let dotted = on("dotted.name", "name-characters");
    assert!(
        !dotted["vendors"]
            .as_array()
            .unwrap()
            .contains(&"gemini".into())
    );
    assert_eq!(
        dotted["fix"],
        "use letters, digits, `_` and `-` only, e.g. `dotted_name`"
    );
    let cycle = on("ref_cycle", "ref-cycle");
    assert_eq!(
        cycle["vendors"],
        serde_json::json!(["anthropic-strict", "gemini"])
    );
    assert_eq!(cycle["severity"], "error");
    // The portable tool only meets Gemini's refusal of the `additionalProperties` the strict
    // formats require.
    let portable: Vec<&Value> = found.iter().filter(|f| f["tool"] == "portable").collect();
    assert_eq!(portable.len(), 1, "{portable:#?}");
    assert_eq!(portable[0]["vendors"], serde_json::json!(["gemini"]));
    let counts = (
        report["portability"]["errors"].as_u64().unwrap(),
        report["portability"]["warnings"].as_u64().unwrap(),
    );
    assert_eq!(counts.0 + counts.1, found.len() as u64);
}

#[test]
fn the_default_vendors_and_the_text_report() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["check", "--strict", "--"])
        .args(unportable())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("portability") && text.contains("for openai, anthropic, gemini"),
        "{text}"
    );
    assert!(
        text.contains(
            "dotted.name: the name has `.` (name-characters, at /name; openai, anthropic)"
        ),
        "{text}"
    );
    assert!(text.contains("fix: use letters, digits, `_` and `-` only, e.g. `dotted_name`"));
    // The strict formats' rules are not applied by default.
    assert!(!text.contains("optional-property"), "{text}");
}

#[test]
fn our_examples() {
    let home = Home::new();
    let quickstart = example("quickstart");
    let (code, report) = check_json(&home, &["--strict", quickstart.to_str().unwrap()]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["portability"]["errors"], 0);
    assert_eq!(report["portability"]["tools"], 1);
    // A group of tools named `math.add`: OpenAI and Anthropic refuse the dot.
    let math = example("math");
    let (code, report) = check_json(&home, &["--strict", math.to_str().unwrap()]);
    assert_eq!(code, 1, "{report:#}");
    let found = findings(&report);
    assert!(
        found.iter().all(|f| f["rule"] == "name-characters"),
        "{found:#?}"
    );
    assert_eq!(
        found[0]["vendors"],
        serde_json::json!(["openai", "anthropic"])
    );
    assert!(found[0]["fix"].as_str().unwrap().contains("`math_add`"));
}

#[test]
fn the_python_sdk_server() {
    let home = Home::new();
    let python = peer_python().display().to_string();
    let server = python_server().display().to_string();
    let (code, report) = check_json(&home, &["--python", &python, "--strict", &server]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["portability"]["errors"], 0, "{report:#}");
    // Strict mode wants closed objects and every property required.
    let (code, report) = check_json(
        &home,
        &[
            "--python",
            &python,
            "--strict",
            "--vendor",
            "openai-strict",
            &server,
        ],
    );
    assert_eq!(code, 1, "{report:#}");
    let found = findings(&report);
    assert!(
        found
            .iter()
            .any(|f| f["tool"] == "add" && f["rule"] == "additional-properties")
    );
    assert!(
        found
            .iter()
            .any(|f| f["tool"] == "long_task" && f["rule"] == "optional-property"),
        "{found:#?}"
    );
}

#[test]
fn vendor_needs_strict() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["check", "--vendor", "gemini", "--"])
        .args(unportable())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

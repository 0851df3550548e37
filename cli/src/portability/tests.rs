//! Each rule of the table, broken by a schema made for it; and schemas that break none.

use serde_json::{Value, json};

use super::rules::{RULES, Severity, Vendor};
use super::*;

const EVERY_VENDOR: [Vendor; 5] = [
    Vendor::Openai,
    Vendor::OpenaiStrict,
    Vendor::Anthropic,
    Vendor::AnthropicStrict,
    Vendor::Gemini,
];

fn tool(name: &str, schema: Value) -> Value {
    json!({"name": name, "inputSchema": schema})
}

/// A schema the strict formats take: closed objects, every property required, no
/// constraints beyond the subsets (Gemini's lacks `additionalProperties`).
fn portable() -> Value {
    json!({
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "Where"},
            "days": {"type": "integer"},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
        },
        "required": ["city", "days", "tags"],
        "additionalProperties": false,
    })
}

/// The findings of one tool, for every vendor: (rule, vendors). Gemini's refusal of the
/// root's `additionalProperties`, which the strict formats require, is left out (it has a
/// test of its own).
fn findings(name: &str, schema: Value) -> Vec<(&'static str, Vec<Vendor>)> {
    check(&[tool(name, schema)], &EVERY_VENDOR)
        .findings
        .into_iter()
        .filter(|f| f.path != "/inputSchema/additionalProperties")
        .map(|f| (f.rule, f.vendors))
        .collect()
}

fn rules_of(name: &str, schema: Value) -> Vec<&'static str> {
    findings(name, schema).into_iter().map(|(r, _)| r).collect()
}

#[test]
fn portable_tools_have_no_findings() {
    let strict = [
        Vendor::Openai,
        Vendor::OpenaiStrict,
        Vendor::Anthropic,
        Vendor::AnthropicStrict,
    ];
    let report = check(&[tool("get_weather", portable())], &strict);
    assert_eq!(report.findings, vec![]);
    let mut open = portable();
    open.as_object_mut().unwrap().remove("additionalProperties");
    let report = check(&[tool("get_weather", open)], &Vendor::DEFAULT);
    assert_eq!((report.errors, report.warnings, report.tools), (0, 0, 1));
}

#[test]
fn names() {
    assert_eq!(rules_of("", portable()), ["name-empty"]);
    assert_eq!(rules_of(&"a".repeat(65), portable()), ["name-too-long"]);
    let dotted = findings("math.add", portable());
    assert_eq!(dotted.len(), 1);
    assert_eq!(dotted[0].0, "name-characters");
    assert!(!dotted[0].1.contains(&Vendor::Gemini), "Gemini takes dots");
    let spaced = check(&[tool("get weather", portable())], &EVERY_VENDOR);
    assert_eq!(spaced.findings[0].rule, "name-characters");
    assert_eq!(spaced.findings[0].vendors, EVERY_VENDOR.to_vec());
    assert!(spaced.findings[0].fix.contains("`get_weather`"));
    assert_eq!(rules_of("9lives", portable()), ["name-first-character"]);
    let report = check(
        &[tool("echo", portable()), tool("echo", portable())],
        &[Vendor::Openai, Vendor::Anthropic],
    );
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule, "name-duplicate");
}

#[test]
fn the_root_must_be_one_object() {
    let rules = rules_of("t", json!({"type": "string"}));
    assert!(rules.contains(&"root-not-object"), "{rules:?}");
    let rules = rules_of("t", json!({"properties": {}}));
    assert!(rules.contains(&"root-not-object"), "{rules:?}");
    let mut schema = portable();
    schema["anyOf"] = json!([{"required": ["city"]}]);
    let found = findings("t", schema);
    assert!(
        found.contains(&(
            "root-composition",
            vec![Vendor::Openai, Vendor::OpenaiStrict, Vendor::Gemini]
        )),
        "{found:?}"
    );
}

#[test]
fn references_resolve_and_do_not_cycle() {
    let tree = json!({
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/Node"}},
        "required": ["root"],
        "additionalProperties": false,
        "$defs": {"Node": {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
            "required": ["children"],
            "additionalProperties": false,
        }},
    });
    let found = findings("tree", tree);
    let cycle = found.iter().find(|(r, _)| *r == "ref-cycle").unwrap();
    assert_eq!(cycle.1, [Vendor::AnthropicStrict, Vendor::Gemini]);
    let report = check(
        &[tool("tree", found_schema_self_reference())],
        &EVERY_VENDOR,
    );
    assert!(report.findings.iter().any(|f| f.rule == "ref-cycle"));

    let dangling = json!({
        "type": "object",
        "properties": {
            "a": {"$ref": "#/$defs/Missing"},
            "b": {"$ref": "https://example.com/schema.json"},
        },
    });
    let found = rules_of("dangling", dangling);
    assert_eq!(found.iter().filter(|r| **r == "ref-unresolved").count(), 2);
}

/// A schema whose property refers to the whole schema.
fn found_schema_self_reference() -> Value {
    json!({"type": "object", "properties": {"next": {"$ref": "#"}}})
}

#[test]
fn keywords_and_formats_per_vendor() {
    let schema = json!({
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "uri"},
            "n": {"type": "integer", "exclusiveMinimum": 0},
            "either": {"type": "string", "oneOf": [{"const": "a"}, {"const": "b"}]},
        },
        "required": ["when", "n", "either"],
        "additionalProperties": false,
    });
    let found = findings("t", schema);
    let keyword = |keyword: &str| {
        findings("t", found_schema(keyword))
            .into_iter()
            .filter(|(rule, _)| *rule == "unsupported-keyword")
            .map(|(_, vendors)| vendors)
            .collect::<Vec<_>>()
    };
    assert!(
        found.contains(&(
            "unsupported-format",
            vec![Vendor::OpenaiStrict, Vendor::Gemini]
        )),
        "{found:?}"
    );
    assert_eq!(
        keyword("exclusiveMinimum"),
        [vec![Vendor::AnthropicStrict, Vendor::Gemini]]
    );
    assert_eq!(
        keyword("oneOf"),
        [vec![
            Vendor::OpenaiStrict,
            Vendor::AnthropicStrict,
            Vendor::Gemini
        ]]
    );
    // Gemini lacks `additionalProperties`; non-strict OpenAI and Anthropic take anything.
    let report = check(&[tool("t", portable())], &[Vendor::Gemini]);
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(report.findings[0].path, "/inputSchema/additionalProperties");
    let report = check(
        &[tool("t", portable())],
        &[Vendor::Openai, Vendor::Anthropic],
    );
    assert!(report.findings.is_empty());
}

/// A portable schema whose `days` property also has `keyword`.
fn found_schema(keyword: &str) -> Value {
    let mut schema = portable();
    schema["properties"]["days"][keyword] = match keyword {
        "oneOf" => json!([{"type": "integer"}, {"type": "integer"}]),
        _ => json!(0),
    };
    schema
}

#[test]
fn shapes_the_strict_formats_refuse() {
    let open = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let found = findings("t", open);
    assert!(found.contains(&(
        "additional-properties",
        vec![Vendor::OpenaiStrict, Vendor::AnthropicStrict]
    )));
    assert!(found.contains(&("optional-property", vec![Vendor::OpenaiStrict])));

    let mut schema = portable();
    schema["properties"]["tags"]["minItems"] = json!(2);
    assert!(rules_of("t", schema).contains(&"min-items"));

    let mut schema = portable();
    schema["properties"]["tags"] = json!({"type": "array"});
    assert!(rules_of("t", schema).contains(&"array-without-items"));

    let mut schema = portable();
    schema["properties"]["city"]["type"] = json!(["string", "null"]);
    let found = check(&[tool("t", schema)], &[Vendor::Gemini]).findings;
    let list = found.iter().find(|f| f.rule == "type-list").unwrap();
    assert_eq!(list.path, "/inputSchema/properties/city/type");
    assert!(list.fix.contains("nullable"));

    let mut schema = portable();
    schema["properties"]["first-name"] = json!({"type": "string"});
    schema["required"] = json!(["city", "days", "tags", "first-name"]);
    let found = check(&[tool("t", schema)], &[Vendor::Gemini]).findings;
    assert!(
        found
            .iter()
            .any(|f| f.rule == "property-name" && f.fix.contains("first_name"))
    );

    let mut schema = portable();
    schema["properties"]["city"]["enum"] =
        json!((0..1001).map(|i| i.to_string()).collect::<Vec<_>>());
    assert!(rules_of("t", schema).contains(&"enum-too-large"));

    let mut deep =
        json!({"type": "object", "additionalProperties": false, "properties": {}, "required": []});
    for _ in 0..11 {
        deep = json!({
            "type": "object",
            "properties": {"inner": deep},
            "required": ["inner"],
            "additionalProperties": false,
        });
    }
    assert!(rules_of("t", deep).contains(&"too-deep"));

    let many: serde_json::Map<String, Value> = (0..5001)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    let names: Vec<String> = many.keys().cloned().collect();
    let schema = json!({"type": "object", "properties": many, "required": names, "additionalProperties": false});
    assert!(rules_of("t", schema).contains(&"too-many-properties"));
}

#[test]
fn invalid_schemas_are_errors_for_everyone() {
    let schema = json!({"type": "object", "properties": {"x": {"type": "strnig"}}});
    let report = check(&[tool("t", schema)], &Vendor::DEFAULT);
    let invalid = report
        .findings
        .iter()
        .find(|f| f.rule == "invalid-json-schema")
        .unwrap();
    assert_eq!(invalid.severity, Severity::Error);
    assert_eq!(invalid.path, "/inputSchema/properties/x/type");
}

#[test]
fn severities_are_the_worst_for_the_vendors_checked() {
    let mut schema = portable();
    schema["anyOf"] = json!([{"required": ["city"]}]);
    let gemini_only = check(&[tool("t", schema.clone())], &[Vendor::Gemini]);
    assert_eq!(gemini_only.findings[0].severity, Severity::Warning);
    assert_eq!(
        (gemini_only.errors, gemini_only.warnings),
        (1, 1),
        "{:?}",
        gemini_only.findings
    );
    let with_openai = check(&[tool("t", schema)], &[Vendor::Gemini, Vendor::Openai]);
    let composition = with_openai
        .findings
        .iter()
        .find(|f| f.rule == "root-composition")
        .unwrap();
    assert_eq!(composition.severity, Severity::Error);
}

#[test]
fn the_documented_table_lists_every_rule() {
    let table = include_str!("../../../docs/tool-portability.md");
    for rule in RULES {
        assert!(
            table.contains(&format!("| `{}` |", rule.id)),
            "docs/tool-portability.md does not list the rule {}",
            rule.id
        );
    }
}

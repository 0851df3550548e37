//! The problems of an input schema: walked keyword by keyword, every subschema visited once,
//! `$ref`s resolved inside the document and their cycles found.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::Problem;
use super::rules::{Vendor, formats, keywords};

/// Keywords whose value is a schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYWORDS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// The vendors with a keyword subset.
const SUBSET_VENDORS: [Vendor; 3] = [
    Vendor::OpenaiStrict,
    Vendor::AnthropicStrict,
    Vendor::Gemini,
];

/// The problems of `schema`, a tool's `inputSchema`.
pub(crate) fn problems(schema: &Value) -> Vec<Problem> {
    let mut walk = Walk {
        root: schema,
        problems: Vec::new(),
        refs: Vec::new(),
        properties: 0,
    };
    if let Err(error) = jsonschema::meta::validate(schema) {
        walk.problems.push(
            Problem::new(
                "invalid-json-schema",
                format!("/inputSchema{}", error.instance_path()),
                error.to_string(),
            )
            .fix(format!("fix the schema: {error}")),
        );
    }
    root_problems(schema, &mut walk.problems);
    walk.visit(schema, "", 0);
    if walk.properties > 5000 {
        walk.problems.push(Problem::new(
            "too-many-properties",
            "/inputSchema",
            format!("{} properties in all", walk.properties),
        ));
    }
    walk.check_refs();
    walk.problems
}

/// The problems of the schema's top.
fn root_problems(schema: &Value, problems: &mut Vec<Problem>) {
    let Some(object) = schema.as_object() else {
        problems.push(Problem::new(
            "root-not-object",
            "/inputSchema",
            "the input schema is not a JSON object",
        ));
        return;
    };
    match object.get("type") {
        Some(Value::String(t)) if t == "object" => {}
        Some(other) => problems.push(Problem::new(
            "root-not-object",
            "/inputSchema/type",
            format!("the input schema's type is {other}"),
        )),
        None => problems.push(
            Problem::new(
                "root-not-object",
                "/inputSchema",
                "the input schema has no type",
            )
            .fix("add `\"type\": \"object\"` to the input schema"),
        ),
    }
    for keyword in ["anyOf", "oneOf", "allOf", "enum", "not"] {
        if object.contains_key(keyword) {
            problems.push(Problem::new(
                "root-composition",
                format!("/inputSchema/{keyword}"),
                format!("the input schema has `{keyword}` at its top"),
            ));
        }
    }
}

struct Walk<'a> {
    root: &'a Value,
    problems: Vec<Problem>,
    /// Every `$ref`: where it is (a pointer into the schema) and what it says.
    refs: Vec<(String, String)>,
    properties: usize,
}

impl Walk<'_> {
    /// Checks the schema at `pointer` (relative to the input schema), then its subschemas;
    /// `depth` counts the objects it is nested in.
    fn visit(&mut self, schema: &Value, pointer: &str, depth: usize) {
        let Some(object) = schema.as_object() else {
            return;
        };
        let path = format!("/inputSchema{pointer}");
        self.keywords(object, &path);
        let types = types(object);
        if let Some(Value::Array(_)) = object.get("type") {
            self.problems.push(
                Problem::new(
                    "type-list",
                    format!("{path}/type"),
                    format!("`type` is a list: {}", object["type"]),
                )
                .fix(if types.contains(&"null") {
                    "use one `type` and `\"nullable\": true` instead of `null` among the types"
                } else {
                    "use one `type`, and `anyOf` for alternatives"
                }),
            );
        }
        if types.contains(&"array") && !object.contains_key("items") {
            self.problems.push(Problem::new(
                "array-without-items",
                path.clone(),
                "an array without `items`",
            ));
        }
        if let Some(Value::String(format)) = object.get("format") {
            self.format(format, &types, &path);
        }
        if object
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|n| n > 1)
        {
            self.problems.push(Problem::new(
                "min-items",
                format!("{path}/minItems"),
                format!("`minItems` is {}", object["minItems"]),
            ));
        }
        if let Some(Value::Array(values)) = object.get("enum")
            && values.len() > 1000
        {
            self.problems.push(Problem::new(
                "enum-too-large",
                format!("{path}/enum"),
                format!("an enum of {} values", values.len()),
            ));
        }
        if let Some(Value::String(reference)) = object.get("$ref") {
            self.refs.push((pointer.to_owned(), reference.clone()));
        }
        let is_object = types.contains(&"object") || object.contains_key("properties");
        let depth = if is_object {
            self.object(object, &path, depth + 1);
            depth + 1
        } else {
            depth
        };
        for (keyword, value) in object {
            let here = format!("{pointer}/{}", escape(keyword));
            if SCHEMA_KEYWORDS.contains(&keyword.as_str()) {
                self.visit(value, &here, depth);
            } else if keyword == "items" {
                match value {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            self.visit(item, &format!("{here}/{i}"), depth);
                        }
                    }
                    item => self.visit(item, &here, depth),
                }
            } else if SCHEMA_LIST_KEYWORDS.contains(&keyword.as_str()) {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    self.visit(item, &format!("{here}/{i}"), depth);
                }
            } else if SCHEMA_MAP_KEYWORDS.contains(&keyword.as_str()) {
                for (name, item) in value.as_object().into_iter().flatten() {
                    self.visit(item, &format!("{here}/{}", escape(name)), depth);
                }
            }
        }
    }

    /// `unsupported-keyword`: the keywords some vendors' subsets lack.
    fn keywords(&mut self, object: &Map<String, Value>, path: &str) {
        for keyword in object.keys() {
            let lacking: Vec<Vendor> = SUBSET_VENDORS
                .into_iter()
                .filter(|v| keywords(*v).is_some_and(|k| !k.contains(&keyword.as_str())))
                .collect();
            if lacking.is_empty() {
                continue;
            }
            let fix = match keyword.as_str() {
                "$ref" | "$defs" | "definitions" => {
                    "inline the referenced schemas where they are used".to_owned()
                }
                "$schema" | "$id" | "$comment" => format!("remove `{keyword}`"),
                "additionalProperties" => "leave `additionalProperties` out for Gemini's \
                     `parameters` (hosts that send `parametersJsonSchema` take it)"
                    .to_owned(),
                "oneOf" => "use `anyOf` instead of `oneOf`".to_owned(),
                "examples" => {
                    "give one `example` instead, or put examples in the description".to_owned()
                }
                _ => format!(
                    "remove `{keyword}`; say the constraint in the description and check it in the tool"
                ),
            };
            self.problems.push(
                Problem::new(
                    "unsupported-keyword",
                    format!("{path}/{}", escape(keyword)),
                    format!("`{keyword}` is not in the schema subset"),
                )
                .only(lacking)
                .fix(fix),
            );
        }
    }

    /// `unsupported-format`.
    fn format(&mut self, format: &str, types: &[&str], path: &str) {
        let kind = types
            .iter()
            .find(|t| **t != "null")
            .copied()
            .unwrap_or("string");
        let mut lacking = Vec::new();
        let mut known = BTreeMap::new();
        for vendor in SUBSET_VENDORS {
            if let Some(list) = formats(vendor, kind)
                && !list.contains(&format)
            {
                lacking.push(vendor);
                known.insert(vendor.name(), list);
            }
        }
        if lacking.is_empty() {
            return;
        }
        let known: Vec<String> = known
            .iter()
            .map(|(vendor, list)| {
                if list.is_empty() {
                    format!("{vendor}: none on a {kind}")
                } else {
                    format!("{vendor}: {}", list.join(", "))
                }
            })
            .collect();
        self.problems.push(
            Problem::new(
                "unsupported-format",
                format!("{path}/format"),
                format!("`format: {format}` on a {kind}"),
            )
            .only(lacking)
            .fix(format!(
                "remove the `format`, or use one the vendor knows ({})",
                known.join("; ")
            )),
        );
    }

    /// The rules of an object schema: its properties' names, `additionalProperties: false`,
    /// every property required, the nesting depth.
    fn object(&mut self, object: &Map<String, Value>, path: &str, depth: usize) {
        let properties = object.get("properties").and_then(Value::as_object);
        let required: BTreeSet<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if depth == 11 {
            self.problems.push(Problem::new(
                "too-deep",
                path.to_owned(),
                "this object is nested 11 levels deep",
            ));
        }
        if object.get("additionalProperties") != Some(&Value::Bool(false)) {
            self.problems.push(Problem::new(
                "additional-properties",
                path.to_owned(),
                "the object is open (no `\"additionalProperties\": false`)",
            ));
        }
        for name in properties.into_iter().flat_map(Map::keys) {
            self.properties += 1;
            let here = format!("{path}/properties/{}", escape(name));
            if !gemini_parameter_name(name) {
                let suggestion: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                self.problems.push(
                    Problem::new(
                        "property-name",
                        here.clone(),
                        format!("the parameter `{name}`"),
                    )
                    .fix(format!(
                        "rename the parameter to letters, digits and `_`, e.g. `{suggestion}`"
                    )),
                );
            }
            if !required.contains(name.as_str()) {
                self.problems.push(Problem::new(
                    "optional-property",
                    here,
                    format!("`{name}` is not in `required`"),
                ).fix(format!(
                    "list `{name}` in `required`, with `\"null\"` among its types if it may be left out"
                )));
            }
        }
    }

    /// `ref-unresolved` and `ref-cycle`.
    fn check_refs(&mut self) {
        // What each reference points at, and the references inside each target.
        let mut targets: HashMap<String, Vec<String>> = HashMap::new();
        let mut resolved = Vec::new();
        for (at, reference) in &self.refs {
            match target(reference) {
                Some(pointer) if self.root.pointer(&pointer).is_some() => {
                    resolved.push((at.clone(), pointer));
                }
                _ => self.problems.push(Problem::new(
                    "ref-unresolved",
                    format!("/inputSchema{at}/$ref"),
                    format!("`$ref: {reference}` does not resolve inside the schema"),
                )),
            }
        }
        for (_, pointer) in &resolved {
            let inside: Vec<String> = resolved
                .iter()
                .filter(|(at, _)| at == pointer || at.starts_with(&format!("{pointer}/")))
                .map(|(_, to)| to.clone())
                .collect();
            targets.insert(pointer.clone(), inside);
        }
        let mut reported = BTreeSet::new();
        for (at, pointer) in &resolved {
            if reported.contains(pointer) {
                continue;
            }
            if let Some(cycle) = cycle_from(pointer, &targets) {
                reported.extend(cycle.iter().cloned());
                let names: Vec<String> = cycle
                    .iter()
                    .map(|p| {
                        if p.is_empty() {
                            "#".to_owned()
                        } else {
                            format!("#{p}")
                        }
                    })
                    .collect();
                self.problems.push(Problem::new(
                    "ref-cycle",
                    format!("/inputSchema{at}/$ref"),
                    format!(
                        "the schema refers to itself: {} → {}",
                        names.join(" → "),
                        names[0]
                    ),
                ));
            }
        }
    }
}

/// Whether `start` is on a cycle of references; the cycle from it if so.
fn cycle_from(start: &str, targets: &HashMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn search(
        node: &str,
        start: &str,
        targets: &HashMap<String, Vec<String>>,
        path: &mut Vec<String>,
        visited: &mut BTreeSet<String>,
    ) -> bool {
        for next in targets.get(node).into_iter().flatten() {
            if next == start {
                return true;
            }
            if visited.insert(next.clone()) {
                path.push(next.clone());
                if search(next, start, targets, path, visited) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    let mut visited = BTreeSet::new();
    search(start, start, targets, &mut path, &mut visited).then_some(path)
}

/// The JSON pointer a local `$ref` names (`#/$defs/Node` → `/$defs/Node`, `#` → ``), with
/// its percent-escapes decoded; `None` for a reference outside the document.
fn target(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    if !(fragment.is_empty() || fragment.starts_with('/')) {
        return None;
    }
    let mut decoded = Vec::with_capacity(fragment.len());
    let bytes = fragment.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = fragment
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            decoded.push(byte);
            i += 3;
            continue;
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(decoded).ok()
}

/// The types a schema declares (`type`, a string or a list).
fn types(object: &Map<String, Value>) -> Vec<&str> {
    match object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether Gemini takes `name` as a parameter name: starting with a letter or `_`, then
/// letters, digits and `_`, at most 64.
fn gemini_parameter_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name escaped for a JSON pointer.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

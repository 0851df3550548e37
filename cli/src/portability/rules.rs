//! What model vendors' tool formats accept: the table of rules `mcp check --strict` applies,
//! each with the vendors it concerns, how badly, and the fix. The same table, with its
//! sources, is in docs/tool-portability.md (a test keeps the two in step).

use serde::Serialize;

/// A model vendor's tool format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Vendor {
    /// OpenAI function calling (`tools[].function.parameters`), `strict` off.
    Openai,
    /// OpenAI function calling with `strict: true` (Structured Outputs).
    OpenaiStrict,
    /// Anthropic's Claude tool use (`tools[].input_schema`).
    Anthropic,
    /// Claude's strict tool use (`strict: true`).
    AnthropicStrict,
    /// Google Gemini function declarations (`parameters`, a subset of the OpenAPI 3.0 schema).
    Gemini,
}

impl Vendor {
    /// The vendors checked when none is named: the formats hosts send by default.
    pub const DEFAULT: [Vendor; 3] = [Vendor::Openai, Vendor::Anthropic, Vendor::Gemini];

    /// Its name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Openai => "openai",
            Vendor::OpenaiStrict => "openai-strict",
            Vendor::Anthropic => "anthropic",
            Vendor::AnthropicStrict => "anthropic-strict",
            Vendor::Gemini => "gemini",
        }
    }
}

/// How badly a vendor takes a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The vendor ignores it, or only some of its hosts stumble: the tool works, worse.
    Warning,
    /// The vendor refuses the request that offers the tool (or the host drops the tool).
    Error,
}

/// A rule of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Its id in reports (`name-characters`).
    pub id: &'static str,
    /// What it finds.
    pub what: &'static str,
    /// The vendors it concerns, and how badly.
    pub vendors: &'static [(Vendor, Severity)],
    /// How to fix what it finds, in general (a finding may say it more precisely).
    pub fix: &'static str,
}

use Severity::{Error as E, Warning as W};
use Vendor::{Anthropic, AnthropicStrict, Gemini, Openai, OpenaiStrict};

/// Every vendor, each refusing.
const ALL: &[(Vendor, Severity)] = &[
    (Openai, E),
    (OpenaiStrict, E),
    (Anthropic, E),
    (AnthropicStrict, E),
    (Gemini, E),
];

/// The rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "invalid-json-schema",
        what: "the input schema is not a valid JSON Schema",
        vendors: ALL,
        fix: "fix the schema where the validator says",
    },
    Rule {
        id: "name-empty",
        what: "the tool has no name",
        vendors: ALL,
        fix: "give the tool a name",
    },
    Rule {
        id: "name-too-long",
        what: "the name is longer than 64 characters",
        vendors: ALL,
        fix: "shorten the name to 64 characters or fewer",
    },
    Rule {
        id: "name-characters",
        what: "the name has characters other than letters, digits, `_` and `-` (Gemini also takes `.` and `:`)",
        vendors: ALL,
        fix: "use letters, digits, `_` and `-` only",
    },
    Rule {
        id: "name-first-character",
        what: "the name does not start with a letter or `_`",
        vendors: &[(Gemini, E)],
        fix: "start the name with a letter or `_`",
    },
    Rule {
        id: "name-duplicate",
        what: "two tools have the same name",
        vendors: ALL,
        fix: "give each tool a name of its own",
    },
    Rule {
        id: "property-name",
        what: "a parameter's name is not letters, digits and `_` (starting with a letter or `_`, at most 64)",
        vendors: &[(Gemini, E)],
        fix: "rename the parameter to letters, digits and `_`",
    },
    Rule {
        id: "root-not-object",
        what: "the input schema is not of type `object`",
        vendors: ALL,
        fix: "make the input schema an object and the value one of its properties",
    },
    Rule {
        id: "root-composition",
        what: "the input schema has `anyOf`, `oneOf`, `allOf`, `enum` or `not` at its top",
        vendors: &[(Openai, E), (OpenaiStrict, E), (Gemini, W)],
        fix: "describe one object at the top, the variants' properties optional",
    },
    Rule {
        id: "ref-unresolved",
        what: "a `$ref` points outside the schema or at nothing",
        vendors: ALL,
        fix: "define the referenced schema under the input schema's own `$defs`",
    },
    Rule {
        id: "ref-cycle",
        what: "`$ref`s form a cycle (a recursive schema)",
        vendors: &[(AnthropicStrict, E), (Gemini, E)],
        fix: "bound the recursion: at some depth, refer to a plain `{\"type\": \"object\"}` instead",
    },
    Rule {
        id: "array-without-items",
        what: "an array does not say what it holds (`items`)",
        vendors: &[(Openai, E), (OpenaiStrict, E), (Gemini, W)],
        fix: "add `\"items\"` with the schema of the elements",
    },
    Rule {
        id: "type-list",
        what: "`type` is a list of types (OpenAPI 3.0 has one type, and `nullable`)",
        vendors: &[(Gemini, E)],
        fix: "use one `type`, `anyOf` for alternatives, `nullable: true` for null",
    },
    Rule {
        id: "unsupported-keyword",
        what: "a keyword the vendor's schema subset does not have",
        vendors: &[(OpenaiStrict, E), (AnthropicStrict, E), (Gemini, E)],
        fix: "remove the keyword; say the constraint in the description and check it in the tool",
    },
    Rule {
        id: "unsupported-format",
        what: "a `format` the vendor does not know",
        vendors: &[(OpenaiStrict, E), (AnthropicStrict, E), (Gemini, E)],
        fix: "remove the `format`, or use one the vendor knows",
    },
    Rule {
        id: "additional-properties",
        what: "an object does not close itself with `\"additionalProperties\": false`",
        vendors: &[(OpenaiStrict, E), (AnthropicStrict, E)],
        fix: "add `\"additionalProperties\": false` to the object",
    },
    Rule {
        id: "optional-property",
        what: "a property is not listed in `required`",
        vendors: &[(OpenaiStrict, E)],
        fix: "list it in `required`, with `null` among its types if it may be left out",
    },
    Rule {
        id: "min-items",
        what: "`minItems` is more than 1",
        vendors: &[(AnthropicStrict, E)],
        fix: "use `minItems` 0 or 1, and check a larger minimum in the tool",
    },
    Rule {
        id: "too-deep",
        what: "objects nest more than 10 levels deep",
        vendors: &[(OpenaiStrict, E)],
        fix: "flatten the schema",
    },
    Rule {
        id: "too-many-properties",
        what: "more than 5000 properties in all",
        vendors: &[(OpenaiStrict, E)],
        fix: "split the tool",
    },
    Rule {
        id: "enum-too-large",
        what: "an `enum` of more than 1000 values",
        vendors: &[(OpenaiStrict, E)],
        fix: "take a string and check it in the tool, or split the enum",
    },
];

/// The rule with `id`.
pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

/// The schema keywords each vendor's subset has: everything else is `unsupported-keyword`.
/// `None`: the vendor takes any JSON Schema keyword.
pub fn keywords(vendor: Vendor) -> Option<&'static [&'static str]> {
    match vendor {
        Vendor::Openai | Vendor::Anthropic => None,
        // The OpenAPI 3.0 subset of Gemini's `Schema`.
        Vendor::Gemini => Some(&[
            "type",
            "format",
            "title",
            "description",
            "nullable",
            "enum",
            "maxItems",
            "minItems",
            "properties",
            "required",
            "minProperties",
            "maxProperties",
            "minLength",
            "maxLength",
            "pattern",
            "example",
            "anyOf",
            "propertyOrdering",
            "default",
            "items",
            "minimum",
            "maximum",
        ]),
        // Structured Outputs' supported properties.
        Vendor::OpenaiStrict => Some(&[
            "type",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "enum",
            "const",
            "anyOf",
            "$ref",
            "$defs",
            "definitions",
            "description",
            "title",
            "pattern",
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "minItems",
            "maxItems",
        ]),
        // Claude's strict tool use.
        Vendor::AnthropicStrict => Some(&[
            "type",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "minItems",
            "enum",
            "const",
            "anyOf",
            "allOf",
            "$ref",
            "$defs",
            "definitions",
            "description",
            "title",
            "default",
            "format",
            "pattern",
        ]),
    }
}

/// The `format`s each vendor knows, by the type they apply to (`None`: any).
pub fn formats(vendor: Vendor, kind: &str) -> Option<&'static [&'static str]> {
    match (vendor, kind) {
        (Vendor::Openai | Vendor::Anthropic, _) => None,
        (Vendor::Gemini, "string") => Some(&["enum", "date-time"]),
        (Vendor::Gemini, "number") => Some(&["float", "double"]),
        (Vendor::Gemini, "integer") => Some(&["int32", "int64"]),
        (Vendor::OpenaiStrict, "string") => Some(&[
            "date-time",
            "time",
            "date",
            "duration",
            "email",
            "hostname",
            "ipv4",
            "ipv6",
            "uuid",
        ]),
        (Vendor::AnthropicStrict, "string") => Some(&[
            "date-time",
            "time",
            "date",
            "duration",
            "email",
            "hostname",
            "uri",
            "ipv4",
            "ipv6",
            "uuid",
        ]),
        // No format applies to other types in the strict subsets.
        (Vendor::OpenaiStrict | Vendor::AnthropicStrict, _) => Some(&[]),
        (Vendor::Gemini, _) => Some(&[]),
    }
}

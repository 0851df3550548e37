//! `x-mcp-header` (2026-07-28): a tool's input schema may name parameters whose values clients
//! mirror into `Mcp-Param-{Name}` headers, so that intermediaries can route on them.
//!
//! An annotation is valid only on a property reached from the schema's root through
//! `properties` alone, on a `string`, `integer` or `boolean` property, with a name that is an
//! HTTP token, unique (ignoring case) within the schema. A client drops a tool whose schema
//! holds an invalid one.

use serde_json::{Map, Value};

/// One annotated parameter: where it is in the arguments, and its header's name part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Annotation {
    /// The chain of `properties` keys from the root to the parameter.
    pub path: Vec<String>,
    /// The `{Name}` of `Mcp-Param-{Name}`.
    pub token: String,
    /// The property's type: `string`, `integer` or `boolean`.
    pub kind: &'static str,
}

/// Keywords whose value is one schema (the chain of `properties` ends there).
const SINGLE: &[&str] = &[
    "items",
    "contains",
    "unevaluatedItems",
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
];
/// Keywords whose value is a list of schemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const MAP: &[&str] = &[
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
];

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Why a tool's `x-mcp-header` annotations are invalid (clients leave such a tool out).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum InvalidAnnotation {
    /// The annotation sits where no argument is (under `items`, `anyOf`, ...).
    #[error("x-mcp-header is on a schema position not reached through `properties` alone")]
    OffProperties,
    /// The annotation is not a string.
    #[error("property {property}: x-mcp-header must be a string")]
    NotAString {
        /// The annotated property's path.
        property: String,
    },
    /// The header name is not an HTTP token.
    #[error(
        "property {property}: x-mcp-header {token:?} is not an HTTP token (letters, digits and \
         !#$%&'*+-.^_`|~ only)"
    )]
    NotAToken {
        /// The annotated property's path.
        property: String,
        /// The header name.
        token: String,
    },
    /// The property is not a string, an integer or a boolean.
    #[error(
        "property {property}: x-mcp-header is only allowed on string, integer and boolean \
         properties, not {kind}"
    )]
    UnsupportedType {
        /// The annotated property's path.
        property: String,
        /// Its type, as the schema says.
        kind: String,
    },
    /// Two properties use the same header name (names compare without case).
    #[error("property {property}: x-mcp-header {token:?} is already used by property {twin}")]
    Duplicate {
        /// The annotated property's path.
        property: String,
        /// The header name.
        token: String,
        /// The property that has it already.
        twin: String,
    },
}

/// How the `Mcp-Param-*` headers of a request disagree with its arguments.
#[cfg(feature = "http-server")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ParamHeaderMismatch {
    /// The header appears more than once.
    #[error("the {header} header appears more than once")]
    Repeated {
        /// The header, as the annotation writes it.
        header: String,
    },
    /// The header is there, the argument is not.
    #[error("the {header} header is there but the argument {argument} is not")]
    WithoutArgument {
        /// The header, as the annotation writes it.
        header: String,
        /// The argument's path.
        argument: String,
    },
    /// The argument's value has no header form (an object, say), yet the header is there.
    #[error("the {header} header does not match the argument {argument}")]
    NoHeaderForm {
        /// The header, as the annotation writes it.
        header: String,
        /// The argument's path.
        argument: String,
    },
    /// The argument is there, its header is not.
    #[error("the {header} header is missing; the argument {argument} must be mirrored in it")]
    Missing {
        /// The header, as the annotation writes it.
        header: String,
        /// The argument's path.
        argument: String,
    },
    /// The header's `=?base64?…?=` form does not decode.
    #[error("the {header} header holds a malformed =?base64?…?= value")]
    Malformed {
        /// The header, as the annotation writes it.
        header: String,
    },
    /// The header and the argument differ.
    #[error("the {header} header ({found}) does not match the argument {argument} ({expected})")]
    Differs {
        /// The header, as the annotation writes it.
        header: String,
        /// What the header says, decoded.
        found: String,
        /// The argument's path.
        argument: String,
        /// What the argument says.
        expected: String,
    },
}

/// The annotations of `schema`, or why one of them is invalid.
pub(crate) fn annotations(schema: &Value) -> Result<Vec<Annotation>, InvalidAnnotation> {
    let mut found: Vec<Annotation> = Vec::new();
    // (path from the root through `properties` only, or None once off that chain; schema)
    let mut stack: Vec<(Option<Vec<String>>, &Value)> = vec![(Some(Vec::new()), schema)];
    while let Some((path, node)) = stack.pop() {
        let Value::Object(object) = node else {
            continue;
        };
        if let Some(token) = object.get("x-mcp-header") {
            let Some(path) = path.as_ref().filter(|p| !p.is_empty()) else {
                return Err(InvalidAnnotation::OffProperties);
            };
            let property = path.join(".");
            let Value::String(token) = token else {
                return Err(InvalidAnnotation::NotAString { property });
            };
            if !is_token(token) {
                let token = token.clone();
                return Err(InvalidAnnotation::NotAToken { property, token });
            }
            let kind = match object.get("type").and_then(Value::as_str) {
                Some("string") => "string",
                Some("integer") => "integer",
                Some("boolean") => "boolean",
                other => {
                    let kind = other.unwrap_or("an untyped one").to_owned();
                    return Err(InvalidAnnotation::UnsupportedType { property, kind });
                }
            };
            if let Some(twin) = found.iter().find(|a| a.token.eq_ignore_ascii_case(token)) {
                return Err(InvalidAnnotation::Duplicate {
                    property,
                    token: token.clone(),
                    twin: twin.path.join("."),
                });
            }
            found.push(Annotation {
                path: path.clone(),
                token: token.clone(),
                kind,
            });
        }
        for (keyword, value) in object {
            let keyword = keyword.as_str();
            if keyword == "properties" {
                if let Value::Object(properties) = value {
                    for (name, sub) in properties {
                        let sub_path = path.as_ref().map(|p| {
                            let mut p = p.clone();
                            p.push(name.clone());
                            p
                        });
                        stack.push((sub_path, sub));
                    }
                }
            } else if SINGLE.contains(&keyword) {
                stack.push((None, value));
            } else if LIST.contains(&keyword) {
                if let Value::Array(items) = value {
                    stack.extend(items.iter().map(|s| (None, s)));
                }
            } else if MAP.contains(&keyword)
                && let Value::Object(map) = value
            {
                stack.extend(map.values().map(|s| (None, s)));
            }
        }
    }
    Ok(found)
}

/// The value of an annotated parameter in `arguments` (`None` when absent or `null`).
fn value_at<'a>(annotation: &Annotation, arguments: &'a Map<String, Value>) -> Option<&'a Value> {
    let mut node = arguments.get(annotation.path.first()?)?;
    for key in &annotation.path[1..] {
        node = node.as_object()?.get(key)?;
    }
    (!node.is_null()).then_some(node)
}

/// A parameter value as its header carries it (before encoding); `None` for values that have
/// no header form.
fn render(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The `Mcp-Param-*` headers for a call with `arguments` (a parameter without a value, or
/// with one that has no header form, gets none).
#[cfg(feature = "http-client")]
pub(crate) fn headers(
    annotations: &[Annotation],
    arguments: Option<&Map<String, Value>>,
) -> Vec<(String, String)> {
    let Some(arguments) = arguments else {
        return Vec::new();
    };
    annotations
        .iter()
        .filter_map(|annotation| {
            let rendered = render(value_at(annotation, arguments)?)?;
            Some((
                format!("mcp-param-{}", annotation.token),
                super::encode_header_value(&rendered).into_owned(),
            ))
        })
        .collect()
}

/// Checks the `Mcp-Param-*` headers of a request against its arguments: each annotated
/// parameter's header and value must be there together, and agree once decoded (integers
/// compared as numbers). `header` gives the values of a header by its lower-case name.
#[cfg(feature = "http-server")]
pub(crate) fn check<'a>(
    annotations: &[Annotation],
    arguments: Option<&Map<String, Value>>,
    header: impl Fn(&str) -> Vec<&'a str>,
) -> Result<(), ParamHeaderMismatch> {
    let empty = Map::new();
    let arguments = arguments.unwrap_or(&empty);
    for annotation in annotations {
        let name = format!("mcp-param-{}", annotation.token.to_ascii_lowercase());
        let header_name = format!("Mcp-Param-{}", annotation.token);
        let argument = annotation.path.join(".");
        let values = header(&name);
        if values.len() > 1 {
            return Err(ParamHeaderMismatch::Repeated {
                header: header_name,
            });
        }
        let rendered = value_at(annotation, arguments).map(render);
        match (values.first(), rendered) {
            (None, None | Some(None)) => {}
            (Some(_), None) => {
                return Err(ParamHeaderMismatch::WithoutArgument {
                    header: header_name,
                    argument,
                });
            }
            (Some(_), Some(None)) => {
                return Err(ParamHeaderMismatch::NoHeaderForm {
                    header: header_name,
                    argument,
                });
            }
            (None, Some(Some(_))) => {
                return Err(ParamHeaderMismatch::Missing {
                    header: header_name,
                    argument,
                });
            }
            (Some(raw), Some(Some(expected))) => {
                let Some(decoded) = super::decode_header_value(raw) else {
                    return Err(ParamHeaderMismatch::Malformed {
                        header: header_name,
                    });
                };
                let equal = decoded == expected.as_str()
                    || (annotation.kind == "integer" && same_integer(&decoded, &expected));
                if !equal {
                    return Err(ParamHeaderMismatch::Differs {
                        header: header_name,
                        found: decoded.into_owned(),
                        argument,
                        expected,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Whether two decimal texts name the same integer (`42` and `42.0`).
#[cfg(feature = "http-server")]
fn same_integer(a: &str, b: &str) -> bool {
    fn whole(text: &str) -> Option<&str> {
        let (int, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = int.strip_prefix('-').unwrap_or(int);
        (!digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b == b'0'))
        .then_some(int)
    }
    whole(a).zip(whole(b)).is_some_and(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_valid_annotations_and_renders_their_headers() {
        let schema = json!({
            "type": "object",
            "properties": {
                "region": {"type": "string", "x-mcp-header": "Region"},
                "priority": {"type": "integer", "x-mcp-header": "Priority"},
                "opts": {"type": "object", "properties": {
                    "dry": {"type": "boolean", "x-mcp-header": "Dry-Run"}
                }},
                "query": {"type": "string"}
            }
        });
        let found = annotations(&schema).unwrap();
        assert_eq!(found.len(), 3);
        #[cfg(feature = "http-server")]
        {
            let arguments = json!({"region": "世界", "priority": 7, "opts": {"dry": true}});
            let headers = |pairs: &'static [(&'static str, &'static str)]| {
                move |name: &str| {
                    pairs
                        .iter()
                        .filter(|(n, _)| *n == name)
                        .map(|(_, v)| *v)
                        .collect::<Vec<&str>>()
                }
            };
            let good: &[(&str, &str)] = &[
                ("mcp-param-region", "=?base64?5LiW55WM?="),
                ("mcp-param-priority", "7.0"),
                ("mcp-param-dry-run", "true"),
            ];
            assert_eq!(check(&found, arguments.as_object(), headers(good)), Ok(()));
            let missing: &[(&str, &str)] = &[("mcp-param-region", "=?base64?5LiW55WM?=")];
            assert!(check(&found, arguments.as_object(), headers(missing)).is_err());
            let wrong: &[(&str, &str)] = &[
                ("mcp-param-region", "other"),
                ("mcp-param-priority", "7"),
                ("mcp-param-dry-run", "true"),
            ];
            assert!(check(&found, arguments.as_object(), headers(wrong)).is_err());
            let extra: &[(&str, &str)] = &[("mcp-param-region", "x")];
            assert!(check(&found, json!({}).as_object(), headers(extra)).is_err());
        }
        #[cfg(feature = "http-client")]
        {
            let arguments =
                json!({"region": "世界", "priority": 7, "opts": {"dry": true}, "query": "q"});
            let mut headers = headers(&found, arguments.as_object());
            headers.sort();
            assert_eq!(
                headers,
                [
                    ("mcp-param-Dry-Run".to_owned(), "true".to_owned()),
                    ("mcp-param-Priority".to_owned(), "7".to_owned()),
                    (
                        "mcp-param-Region".to_owned(),
                        "=?base64?5LiW55WM?=".to_owned()
                    ),
                ]
            );
            // Absent values send no header.
            assert!(super::headers(&found, json!({}).as_object()).is_empty());
        }
    }

    #[test]
    fn refuses_every_invalid_annotation() {
        for (why, property) in [
            ("empty", json!({"type": "string", "x-mcp-header": ""})),
            ("a colon", json!({"type": "string", "x-mcp-header": "A:B"})),
            ("a space", json!({"type": "string", "x-mcp-header": "A B"})),
            (
                "a control",
                json!({"type": "string", "x-mcp-header": "A\u{1}"}),
            ),
            (
                "not ASCII",
                json!({"type": "string", "x-mcp-header": "Région"}),
            ),
            ("a number", json!({"type": "number", "x-mcp-header": "N"})),
            ("an object", json!({"type": "object", "x-mcp-header": "O"})),
            ("not a string", json!({"type": "string", "x-mcp-header": 5})),
        ] {
            let schema = json!({"type": "object", "properties": {"p": property}});
            assert!(annotations(&schema).is_err(), "{why} must be refused");
        }
        let twins = json!({"type": "object", "properties": {
            "a": {"type": "string", "x-mcp-header": "Same"},
            "b": {"type": "string", "x-mcp-header": "same"}
        }});
        assert!(annotations(&twins).is_err());
        let off_chain = json!({"type": "object", "properties": {
            "a": {"type": "array", "items": {"type": "string", "x-mcp-header": "Item"}}
        }});
        assert!(annotations(&off_chain).is_err());
    }
}

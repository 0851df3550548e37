//! The official JSON schema of every protocol version, embedded in the binary, and validation of
//! the messages a server sent against the schema of the version in use.

use std::collections::HashMap;

use mcp::types::ProtocolVersion;
use serde_json::{Value, json};

/// The schema text of `version`.
pub fn schema_text(version: ProtocolVersion) -> &'static str {
    match version.as_str() {
        "2024-11-05" => include_str!("../../crates/mcp-types/tests/spec/2024-11-05/schema.json"),
        "2025-03-26" => include_str!("../../crates/mcp-types/tests/spec/2025-03-26/schema.json"),
        "2025-06-18" => include_str!("../../crates/mcp-types/tests/spec/2025-06-18/schema.json"),
        "2025-11-25" => include_str!("../../crates/mcp-types/tests/spec/2025-11-25/schema.json"),
        _ => include_str!("../../crates/mcp-types/tests/spec/2026-07-28/schema.json"),
    }
}

/// The definition of the result of `method`.
fn result_definition(method: &str) -> Option<&'static str> {
    Some(match method {
        "initialize" => "InitializeResult",
        "server/discover" => "DiscoverResult",
        "ping" | "logging/setLevel" | "resources/subscribe" | "resources/unsubscribe" => {
            "EmptyResult"
        }
        "tools/list" => "ListToolsResult",
        "tools/call" => "CallToolResult",
        "resources/list" => "ListResourcesResult",
        "resources/templates/list" => "ListResourceTemplatesResult",
        "resources/read" => "ReadResourceResult",
        "prompts/list" => "ListPromptsResult",
        "prompts/get" => "GetPromptResult",
        "completion/complete" => "CompleteResult",
        _ => return None,
    })
}

/// One schema violation.
#[derive(Debug, Clone)]
pub struct Violation {
    /// What the message was ("result of tools/list", "notification notifications/message").
    pub message: String,
    /// The definition it was checked against.
    pub definition: String,
    /// Where in the message, and what is wrong.
    pub errors: Vec<String>,
}

/// Validates messages against one version's schema, compiling each definition once against a
/// registry that indexes the schema document once.
pub struct Validator {
    version: ProtocolVersion,
    base: String,
    defs_key: &'static str,
    definitions: std::collections::HashSet<String>,
    registry: jsonschema::Registry<'static>,
    compiled: HashMap<String, Result<jsonschema::Validator, String>>,
}

impl Validator {
    /// A validator for `version`.
    pub fn new(version: ProtocolVersion) -> Self {
        let schema: Value =
            serde_json::from_str(schema_text(version)).expect("the embedded schemas are JSON");
        let defs_key = if schema.get("$defs").is_some() {
            "$defs"
        } else {
            "definitions"
        };
        let definitions = schema[defs_key]
            .as_object()
            .map(|defs| defs.keys().cloned().collect())
            .unwrap_or_default();
        let base = format!("https://modelcontextprotocol.io/schema/{version}/schema.json");
        let registry = jsonschema::Registry::new()
            .add(&base, schema)
            .and_then(|builder| builder.prepare())
            .expect("the embedded schemas index");
        Self {
            version,
            base,
            defs_key,
            definitions,
            registry,
            compiled: HashMap::new(),
        }
    }

    /// The version validated against.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    fn check(&mut self, definition: &str, instance: &Value) -> Option<Vec<String>> {
        if !self.definitions.contains(definition) {
            return None;
        }
        let registry = &self.registry;
        let reference = json!({ "$ref": format!("{}#/{}/{definition}", self.base, self.defs_key) });
        let validator = match self
            .compiled
            .entry(definition.to_owned())
            .or_insert_with(|| {
                jsonschema::options()
                    .with_registry(registry)
                    .build(&reference)
                    .map_err(|e| e.to_string())
            }) {
            Ok(validator) => validator,
            Err(e) => {
                return Some(vec![format!(
                    "the schema's {definition} does not compile: {e}"
                )]);
            }
        };
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .take(5)
            .map(|e| {
                let path = e.instance_path().to_string();
                format!("{}: {e}", if path.is_empty() { "/" } else { &path })
            })
            .collect();
        (!errors.is_empty()).then_some(errors)
    }

    /// Validates one message the server sent. `method_of` gives the method of our request with
    /// a given id (for results).
    pub fn validate_incoming(
        &mut self,
        message: &Value,
        method_of: impl Fn(&Value) -> Option<String>,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut push = |what: String, definition: &str, errors: Option<Vec<String>>| {
            if let Some(errors) = errors {
                out.push(Violation {
                    message: what,
                    definition: definition.to_owned(),
                    errors,
                });
            }
        };
        let method = message.get("method").and_then(Value::as_str);
        let describe = match (method, message.get("id")) {
            (Some(m), Some(_)) => format!("request {m}"),
            (Some(m), None) => format!("notification {m}"),
            (None, Some(id)) => match method_of(id) {
                Some(m) if message.get("error").is_some() => format!("error answering {m}"),
                Some(m) => format!("result of {m}"),
                None => format!("response {id}"),
            },
            (None, None) => "message".to_owned(),
        };
        let envelope = self.check("JSONRPCMessage", message);
        push(describe.clone(), "JSONRPCMessage", envelope);
        match (method, message.get("id"), message.get("result")) {
            (Some(_), Some(_), _) => {
                let errors = self.check("ServerRequest", message);
                push(describe, "ServerRequest", errors);
            }
            (Some(_), None, _) => {
                let errors = self.check("ServerNotification", message);
                push(describe, "ServerNotification", errors);
            }
            (None, Some(id), Some(result)) => {
                let input_required =
                    result.get("resultType").and_then(Value::as_str) == Some("input_required");
                let definition = if input_required {
                    Some("InputRequiredResult")
                } else {
                    method_of(id).as_deref().and_then(result_definition)
                };
                if let Some(definition) = definition {
                    let errors = self.check(definition, result);
                    push(describe, definition, errors);
                }
            }
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles() {
        for version in ProtocolVersion::ALL {
            let mut validator = Validator::new(version);
            // Results of the stateless era carry their `resultType`.
            let result = if version.is_stateless() {
                json!({"resultType": "complete"})
            } else {
                json!({})
            };
            let ping = json!({"jsonrpc": "2.0", "id": 1, "result": result});
            let violations = validator.validate_incoming(&ping, |_| Some("ping".into()));
            assert!(violations.is_empty(), "{version}: {violations:?}");
            let broken = json!({"jsonrpc": "1.0", "id": 1, "result": {}});
            assert!(
                !validator.validate_incoming(&broken, |_| None).is_empty(),
                "{version}"
            );
        }
    }

    #[test]
    fn a_valid_result_passes_and_a_broken_one_is_named() {
        let mut validator = Validator::new(ProtocolVersion::LATEST_HANDSHAKE);
        let method = |_: &Value| Some("tools/list".to_owned());
        let good = json!({"jsonrpc": "2.0", "id": 1, "result": {"tools": [
            {"name": "add", "inputSchema": {"type": "object"}}
        ]}});
        assert!(validator.validate_incoming(&good, method).is_empty());
        let bad = json!({"jsonrpc": "2.0", "id": 1, "result": {"tools": [{"name": 3}]}});
        let violations = validator.validate_incoming(&bad, method);
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].definition, "ListToolsResult");
        assert!(
            violations[0].errors[0].contains("/tools/0"),
            "{violations:?}"
        );
    }

    #[test]
    fn notifications_are_checked_against_the_union() {
        let mut validator = Validator::new(ProtocolVersion::LATEST_HANDSHAKE);
        let bad = json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "loud"}});
        assert!(!validator.validate_incoming(&bad, |_| None).is_empty());
        let good = json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "x"}});
        assert!(validator.validate_incoming(&good, |_| None).is_empty());
    }
}

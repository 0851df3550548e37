//! JSON Schemas derived from Rust types (schemars), in the shape MCP wants them.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::types::JsonObject;

fn generator() -> SchemaGenerator {
    // Inlined subschemas: clients differ in how well they resolve `$ref`, and tool arguments
    // are small.
    SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator()
}

/// The JSON Schema of `T` as an object, without the `$schema` and `title` keys schemars puts at
/// the root (the tool or prompt already has a name).
pub fn schema_for<T: JsonSchema>() -> JsonObject {
    let schema: Schema = generator().into_root_schema_for::<T>();
    let mut map = match schema.to_value() {
        Value::Object(map) => map,
        // `true` / `false` schemas: accept anything / nothing.
        Value::Bool(true) => Map::new(),
        other => {
            let mut map = Map::new();
            map.insert("allOf".into(), json!([other]));
            map
        }
    };
    map.remove("$schema");
    map.remove("title");
    map
}

/// Whether a schema describes JSON objects (and so can be a tool's schema as it is).
pub fn is_object_schema(schema: &JsonObject) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
}

/// The input schema of a tool whose arguments are the fields of `T`.
///
/// Always of `"type": "object"`, as the specification requires, with `properties` present.
pub fn input_schema_for<T: JsonSchema>() -> JsonObject {
    let mut schema = schema_for::<T>();
    if !is_object_schema(&schema) {
        schema.insert("type".into(), Value::String("object".into()));
    }
    schema
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    schema
}

/// The output schema of a tool returning `T`: `T`'s schema when it describes objects, else an
/// object whose `result` property is a `T` (the result is then wrapped the same way).
pub fn output_schema_for<T: JsonSchema>() -> (JsonObject, bool) {
    let schema = schema_for::<T>();
    if is_object_schema(&schema) {
        (schema, false)
    } else {
        let wrapped = json!({
            "type": "object",
            "properties": { "result": Value::Object(schema) },
            "required": ["result"],
        });
        match wrapped {
            Value::Object(map) => (map, true),
            _ => unreachable!("an object literal"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Args {
        /// The first number.
        a: i64,
        b: Option<f64>,
        tags: Vec<String>,
    }

    #[test]
    fn argument_structs_become_object_schemas_with_optional_fields_not_required() {
        let schema = input_schema_for::<Args>();
        assert_eq!(schema["type"], "object");
        assert!(schema.get("$schema").is_none());
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(required, ["a", "tags"]);
        assert_eq!(
            schema["properties"]["a"]["description"],
            "The first number."
        );
        assert_eq!(schema["properties"]["a"]["type"], "integer");
    }

    #[test]
    fn non_object_outputs_are_wrapped_in_result() {
        let (schema, wrapped) = output_schema_for::<Vec<i64>>();
        assert!(wrapped);
        assert_eq!(schema["properties"]["result"]["type"], "array");
        let (schema, wrapped) = output_schema_for::<Args>();
        assert!(!wrapped);
        assert_eq!(schema["type"], "object");
    }
}

//! The `Context` a FastMcp tool, resource or prompt function can ask for.

use std::ops::Deref;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::FastMcp;
use super::schema::schema_for;
use crate::error::{Error, Result};
use crate::server::RequestContext;
use crate::types::{
    CreateMessageRequestParams, CreateMessageResult, ElicitAction, ElicitRequestFormParams,
    ErrorData, PrimitiveSchemaDefinition, RequestedSchema, ResourceContents, SamplingMessage,
};

/// What a tool, resource or prompt function can know and do about the request it serves: the
/// Rust form of the Python SDK's `Context`.
///
/// Everything of the low-level [`RequestContext`] is reachable through it (it derefs to one):
/// logging at every level ([`info`](RequestContext::info), [`log`](RequestContext::log), ...,
/// honouring the client's level), [progress](RequestContext::report_progress), the
/// [lifespan state](RequestContext::lifespan), the request id and `_meta`, sampling
/// ([`create_message`](RequestContext::create_message)) and roots
/// ([`list_roots`](RequestContext::list_roots)). It adds reading the server's own resources and
/// typed elicitation.
#[derive(Clone, Debug)]
pub struct Context {
    request: RequestContext,
    server: FastMcp,
}

impl Deref for Context {
    type Target = RequestContext;
    fn deref(&self) -> &RequestContext {
        &self.request
    }
}

/// The user's answer to an [elicitation](Context::elicit).
#[derive(Debug, Clone, PartialEq)]
pub enum Elicitation<T> {
    /// The user filled in the form.
    Accept(T),
    /// The user said no.
    Decline,
    /// The user dismissed the request without choosing.
    Cancel,
}

impl Context {
    pub(crate) fn new(request: RequestContext, server: FastMcp) -> Self {
        Self { request, server }
    }

    /// The low-level request context.
    pub fn request(&self) -> &RequestContext {
        &self.request
    }

    /// The server this request is served by.
    pub fn server(&self) -> &FastMcp {
        &self.server
    }

    /// Reads a resource of this server (a static one or a template match), as a client would.
    pub async fn read_resource(&self, uri: &str) -> Result<Vec<ResourceContents>> {
        self.server.read(self.clone(), uri).await
    }

    /// Asks the client's model to answer `prompt` (sampling), with at most `max_tokens`.
    pub async fn sample(
        &self,
        prompt: impl Into<String>,
        max_tokens: u64,
    ) -> Result<CreateMessageResult> {
        self.request
            .create_message(CreateMessageRequestParams::new(
                vec![SamplingMessage::user_text(prompt)],
                max_tokens,
            ))
            .await
    }

    /// Asks the user to fill in a form whose fields are those of `T` (strings, numbers,
    /// booleans, enums; `Option` fields are optional), and parses the answer into a `T`.
    pub async fn elicit<T: DeserializeOwned + JsonSchema>(
        &self,
        message: impl Into<String>,
    ) -> Result<Elicitation<T>> {
        let schema = requested_schema::<T>()?;
        let params = ElicitRequestFormParams::new(message, schema);
        let answer = self.request.elicit(params.into()).await?;
        match answer.action {
            ElicitAction::Accept => {
                let content = serde_json::to_value(answer.content.unwrap_or_default())?;
                let value: T = serde_json::from_value(content).map_err(|e| {
                    Error::Protocol(ErrorData::invalid_params(format!(
                        "the client's answer does not fit the form: {e}"
                    )))
                })?;
                Ok(Elicitation::Accept(value))
            }
            ElicitAction::Decline => Ok(Elicitation::Decline),
            _ => Ok(Elicitation::Cancel),
        }
    }
}

/// The elicitation form for `T`: a flat object of primitive fields, as the specification
/// allows.
pub fn requested_schema<T: JsonSchema>() -> Result<RequestedSchema> {
    let schema = schema_for::<T>();
    let invalid = |why: String| {
        Error::Protocol(ErrorData::internal_error(format!(
            "{} cannot be an elicitation form: {why}",
            std::any::type_name::<T>()
        )))
    };
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("it is not a struct with named fields".into()))?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut form = RequestedSchema::new();
    for (name, property) in properties {
        let mut property = property.clone();
        // `Option<T>` comes out as `"type": ["T", "null"]`: the form field is just optional.
        if let Some(types) = property.get("type").and_then(Value::as_array).cloned() {
            let concrete: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
            if let [only] = concrete.as_slice() {
                property["type"] = only.clone();
            }
        }
        // Only the string formats the specification lists may stay (schemars adds `int32` & co.).
        if let Some(map) = property.as_object_mut() {
            let known = map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| matches!(f, "email" | "uri" | "date" | "date-time"));
            if !known {
                map.remove("format");
            }
        }
        let definition: PrimitiveSchemaDefinition =
            serde_json::from_value(property).map_err(|e| {
                invalid(format!(
                    "field `{name}` is not a string, number, boolean or enum ({e})"
                ))
            })?;
        form = form.with_property(name.clone(), definition, required.contains(&name.as_str()));
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    #[derive(JsonSchema, serde::Deserialize)]
    struct Booking {
        /// When to book.
        date: String,
        seats: u32,
        window: Option<bool>,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Nested {
        inner: Booking,
    }

    #[test]
    fn forms_come_from_flat_structs() {
        let form = requested_schema::<Booking>().unwrap();
        let json = serde_json::to_value(&form).unwrap();
        assert_eq!(json["properties"]["date"]["type"], "string");
        assert_eq!(json["properties"]["date"]["description"], "When to book.");
        assert_eq!(json["properties"]["seats"]["type"], "integer");
        assert_eq!(json["properties"]["window"]["type"], "boolean");
        assert_eq!(json["required"], serde_json::json!(["date", "seats"]));
        let e = requested_schema::<Nested>().unwrap_err();
        assert!(e.to_string().contains("inner"), "{e}");
    }
}

//! Completion: suggestions for prompt arguments and resource template variables
//! (`completion/complete`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::meta::{Meta, RequestMeta};
use crate::result::ResultType;

/// What is being completed: a prompt or a resource template.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type")]
pub enum Reference {
    /// A prompt's argument.
    #[serde(rename = "ref/prompt")]
    Prompt(PromptReference),
    /// A resource template's variable.
    #[serde(rename = "ref/resource")]
    Resource(ResourceTemplateReference),
}

serialize_as_variant!(Reference { Prompt, Resource });

impl From<PromptReference> for Reference {
    fn from(r: PromptReference) -> Self {
        Self::Prompt(r)
    }
}

impl From<ResourceTemplateReference> for Reference {
    fn from(r: ResourceTemplateReference) -> Self {
        Self::Resource(r)
    }
}

/// Identifies a prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "ref/prompt", rename_all = "camelCase")]
pub struct PromptReference {
    /// The prompt's name.
    pub name: String,
    /// A display name (2025-06-18 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl PromptReference {
    /// The prompt with this name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            title: None,
        }
    }
}

/// Identifies a resource or resource template (the 2024-11-05 `ResourceReference`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "ref/resource", rename_all = "camelCase")]
pub struct ResourceTemplateReference {
    /// The URI or URI template.
    pub uri: String,
}

impl ResourceTemplateReference {
    /// The resource or template with this URI.
    pub fn new(uri: impl Into<String>) -> Self {
        Self { uri: uri.into() }
    }
}

/// The argument being completed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionArgument {
    /// The argument's name.
    pub name: String,
    /// What the user typed so far.
    pub value: String,
}

/// What is already known while completing (2025-06-18 on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionContext {
    /// Arguments or variables already resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<BTreeMap<String, String>>,
}

/// The params of `completion/complete`.
///
/// ```
/// use mcp_types::{CompleteRequestParams, PromptReference};
/// let p = CompleteRequestParams::new(PromptReference::new("review"), "language", "py");
/// let json = serde_json::to_value(&p).unwrap();
/// assert_eq!(json["ref"]["type"], "ref/prompt");
/// assert_eq!(json["argument"]["value"], "py");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteRequestParams {
    /// The prompt or template.
    pub r#ref: Reference,
    /// The argument.
    pub argument: CompletionArgument,
    /// Already resolved arguments (2025-06-18 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<CompletionContext>,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl CompleteRequestParams {
    /// Completes argument `name`, typed so far as `value`, of `reference`.
    pub fn new(
        reference: impl Into<Reference>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self {
            r#ref: reference.into(),
            argument: CompletionArgument {
                name: name.into(),
                value: value.into(),
            },
            context: None,
            meta: None,
        }
    }
}

request_kind! {
    /// `completion/complete`: suggestions for an argument.
    CompleteRequest = "completion/complete",
    params: CompleteRequestParams,
    result: CompleteResult,
    required,
}

/// The suggestions of a [`CompleteResult`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Completion {
    /// The suggestions, at most 100.
    pub values: Vec<String>,
    /// How many suggestions there are in all, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Whether there are more suggestions than sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

/// The result of `completion/complete`.
///
/// ```
/// use mcp_types::CompleteResult;
/// let r = CompleteResult::new(vec!["python".into(), "pytorch".into()]);
/// assert_eq!(r.completion.values.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteResult {
    /// The suggestions.
    pub completion: Completion,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

impl CompleteResult {
    /// A result holding exactly these suggestions.
    pub fn new(values: Vec<String>) -> Self {
        Self {
            completion: Completion {
                values,
                total: None,
                has_more: None,
            },
            ..Self::default()
        }
    }
}

request_params!(CompleteRequestParams);
result_fields!(CompleteResult);

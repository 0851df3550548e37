//! Sampling: the server asks the client's LLM for a message (`sampling/createMessage`).

use serde::{Deserialize, Serialize};

use crate::content::{Role, SamplingMessageContentBlock};
use crate::meta::{JsonObject, Meta, RequestMeta};
use crate::result::ResultType;
use crate::tasks::TaskMetadata;
use crate::tools::Tool;

/// A message to or from the model in a sampling exchange.
///
/// ```
/// use mcp_types::SamplingMessage;
/// let m = SamplingMessage::user_text("What is 2+2?");
/// assert_eq!(
///     serde_json::to_string(&m).unwrap(),
///     r#"{"role":"user","content":{"type":"text","text":"What is 2+2?"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplingMessage {
    /// Who says it.
    pub role: Role,
    /// What is said: one block, or several (2025-11-25 on).
    pub content: SamplingMessageContent,
    /// Message metadata (2025-11-25 on).
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl SamplingMessage {
    /// A message from `role`.
    pub fn new(role: Role, content: impl Into<SamplingMessageContent>) -> Self {
        Self {
            role,
            content: content.into(),
            meta: None,
        }
    }

    /// A text message from the user.
    pub fn user_text(text: impl Into<String>) -> Self {
        Self::new(Role::User, SamplingMessageContentBlock::text(text))
    }

    /// A text message from the assistant.
    pub fn assistant_text(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, SamplingMessageContentBlock::text(text))
    }
}

/// The content of a sampling message: a single block or (2025-11-25 on) an array of blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SamplingMessageContent {
    /// One block, written as an object.
    Single(SamplingMessageContentBlock),
    /// Several blocks, written as an array.
    Multiple(Vec<SamplingMessageContentBlock>),
}

impl SamplingMessageContent {
    /// The blocks, whichever way they are written.
    pub fn blocks(&self) -> &[SamplingMessageContentBlock] {
        match self {
            Self::Single(block) => std::slice::from_ref(block),
            Self::Multiple(blocks) => blocks,
        }
    }

    /// The text of the content, if it is a single text block.
    pub fn as_text(&self) -> Option<&str> {
        match self.blocks() {
            [block] => block.as_text(),
            _ => None,
        }
    }
}

impl<T: Into<SamplingMessageContentBlock>> From<T> for SamplingMessageContent {
    fn from(block: T) -> Self {
        Self::Single(block.into())
    }
}

impl From<Vec<SamplingMessageContentBlock>> for SamplingMessageContent {
    fn from(blocks: Vec<SamplingMessageContentBlock>) -> Self {
        Self::Multiple(blocks)
    }
}

/// The server's preferences for choosing a model; the client may ignore them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelPreferences {
    /// Model names to try, in order; each is matched as a substring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints: Option<Vec<ModelHint>>,
    /// How much cost matters, from 0 to 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub cost_priority: Option<f64>,
    /// How much speed matters, from 0 to 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub speed_priority: Option<f64>,
    /// How much intelligence matters, from 0 to 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub intelligence_priority: Option<f64>,
}

/// A hint for choosing a model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelHint {
    /// A (part of a) model name, such as `"sonnet"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ModelHint {
    /// A hint naming a model.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
        }
    }
}

/// Which servers' context the client should add to the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IncludeContext {
    /// No context (the default).
    None,
    /// Context from the requesting server (deprecated since 2025-11-25).
    ThisServer,
    /// Context from every server (deprecated since 2025-11-25).
    AllServers,
}

/// How the model may use tools during sampling (2025-11-25 on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolChoice {
    /// The mode (default `auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ToolChoiceMode>,
}

/// The tool use mode of [`ToolChoice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolChoiceMode {
    /// The model decides.
    Auto,
    /// The model must use at least one tool.
    Required,
    /// The model must not use tools.
    None,
}

/// The params of `sampling/createMessage`.
///
/// ```
/// use mcp_types::{CreateMessageRequestParams, SamplingMessage};
/// let p = CreateMessageRequestParams::new(vec![SamplingMessage::user_text("Hi")], 100)
///     .with_system_prompt("Be brief.");
/// assert_eq!(p.max_tokens, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateMessageRequestParams {
    /// The conversation so far.
    pub messages: Vec<SamplingMessage>,
    /// Preferences for choosing a model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_preferences: Option<ModelPreferences>,
    /// A system prompt the client may change or leave out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// Which servers' context to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_context: Option<IncludeContext>,
    /// The sampling temperature.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub temperature: Option<f64>,
    /// The most tokens to sample.
    pub max_tokens: u64,
    /// Sequences that stop sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    /// Provider-specific metadata to pass through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// Tools the model may call (2025-11-25 on; needs the client's `sampling.tools`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// How the model may use the tools (2025-11-25 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Run the request as a task (2025-11-25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskMetadata>,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl CreateMessageRequestParams {
    /// Asks for the next message after `messages`, at most `max_tokens` long.
    pub fn new(messages: Vec<SamplingMessage>, max_tokens: u64) -> Self {
        Self {
            messages,
            model_preferences: None,
            system_prompt: None,
            include_context: None,
            temperature: None,
            max_tokens,
            stop_sequences: None,
            metadata: None,
            tools: None,
            tool_choice: None,
            task: None,
            meta: None,
        }
    }

    /// The same request with a system prompt.
    pub fn with_system_prompt(mut self, system_prompt: impl Into<String>) -> Self {
        self.system_prompt = Some(system_prompt.into());
        self
    }

    /// The same request with model preferences.
    pub fn with_model_preferences(mut self, preferences: ModelPreferences) -> Self {
        self.model_preferences = Some(preferences);
        self
    }

    /// The same request with a temperature.
    pub fn with_temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }
}

request_kind! {
    /// `sampling/createMessage`: the server asks the client to sample its LLM.
    CreateMessageRequest = "sampling/createMessage",
    params: CreateMessageRequestParams,
    result: CreateMessageResult,
    required,
}

open_string_enum! {
    /// Why sampling stopped.
    pub enum StopReason {
        /// The model ended its turn.
        EndTurn = "endTurn",
        /// A stop sequence was met.
        StopSequence = "stopSequence",
        /// The token limit was reached.
        MaxTokens = "maxTokens",
        /// The model wants to use tools (2025-11-25 on).
        ToolUse = "toolUse",
    }
}

/// The result of `sampling/createMessage`: the sampled message and the model that wrote it.
///
/// ```
/// use mcp_types::{CreateMessageResult, StopReason};
/// let r = CreateMessageResult::text("claude-sonnet", "4").with_stop_reason(StopReason::EndTurn);
/// assert_eq!(r.content.as_text(), Some("4"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateMessageResult {
    /// Who wrote it (the assistant).
    pub role: Role,
    /// The message.
    pub content: SamplingMessageContent,
    /// The model that wrote it.
    pub model: String,
    /// Why sampling stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<StopReason>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (2026-07-28; this result does not use it there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

impl CreateMessageResult {
    /// An assistant message written by `model`.
    pub fn new(model: impl Into<String>, content: impl Into<SamplingMessageContent>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
            model: model.into(),
            stop_reason: None,
            meta: None,
            result_type: None,
        }
    }

    /// An assistant text message written by `model`.
    pub fn text(model: impl Into<String>, text: impl Into<String>) -> Self {
        Self::new(model, SamplingMessageContentBlock::text(text))
    }

    /// The same result with a stop reason.
    pub fn with_stop_reason(mut self, reason: StopReason) -> Self {
        self.stop_reason = Some(reason);
        self
    }
}

request_params!(CreateMessageRequestParams);
result_fields!(CreateMessageResult);

//! Prompts: templates with arguments that become messages.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::Context;
use crate::error::{Error, Result};
use crate::transport::BoxFuture;
use crate::types::{
    ContentBlock, ErrorData, GetPromptResult, Prompt, PromptArgument, PromptMessage, Role,
};

/// Fills in a prompt: its context and its arguments in, its messages out.
pub type PromptFn = Arc<
    dyn Fn(Context, BTreeMap<String, String>) -> BoxFuture<'static, Result<GetPromptResult>>
        + Send
        + Sync,
>;

/// A prompt: what `prompts/list` shows of it, and the function `prompts/get` runs.
///
/// ```
/// use mcp::fastmcp::PromptDef;
/// use mcp::types::PromptArgument;
///
/// let review = PromptDef::new("review_code", vec![PromptArgument::new("code").required()], |args| async move {
///     format!("Please review this code:\n\n{}", args["code"])
/// });
/// assert_eq!(review.prompt().arguments.as_ref().unwrap()[0].name, "code");
/// ```
#[derive(Clone)]
pub struct PromptDef {
    prompt: Prompt,
    get: PromptFn,
}

impl fmt::Debug for PromptDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromptDef")
            .field("prompt", &self.prompt)
            .finish()
    }
}

impl PromptDef {
    /// A prompt with these arguments, filled in by `f` (required arguments are checked before
    /// `f` runs).
    pub fn new<F, Fut, O>(name: impl Into<String>, arguments: Vec<PromptArgument>, f: F) -> Self
    where
        F: Fn(BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: IntoPromptResult,
    {
        Self::with_context(name, arguments, move |_cx: Context, args| f(args))
    }

    /// Like [`new`](Self::new), with the request's [`Context`].
    pub fn with_context<F, Fut, O>(
        name: impl Into<String>,
        arguments: Vec<PromptArgument>,
        f: F,
    ) -> Self
    where
        F: Fn(Context, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: IntoPromptResult,
    {
        let f = Arc::new(f);
        let mut prompt = Prompt::new(name);
        if !arguments.is_empty() {
            prompt.arguments = Some(arguments);
        }
        Self {
            prompt,
            get: Arc::new(move |cx, args| {
                let f = f.clone();
                Box::pin(async move { f(cx, args).await.into_prompt_result() })
            }),
        }
    }

    /// What `prompts/list` shows.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }

    /// The same prompt with a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.prompt.description = Some(description.into());
        self
    }

    /// The same prompt with a title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.prompt.title = Some(title.into());
        self
    }

    /// Fills in the prompt: missing required arguments are an invalid-params error.
    pub async fn get(
        &self,
        cx: Context,
        arguments: BTreeMap<String, String>,
    ) -> Result<GetPromptResult> {
        let missing: Vec<&str> = self
            .prompt
            .arguments
            .iter()
            .flatten()
            .filter(|a| a.required == Some(true) && !arguments.contains_key(&a.name))
            .map(|a| a.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(Error::Protocol(ErrorData::invalid_params(format!(
                "prompt {} needs the argument(s) {}",
                self.prompt.name,
                missing.join(", ")
            ))));
        }
        let mut result = (self.get)(cx, arguments).await?;
        if result.description.is_none() {
            result.description = self.prompt.description.clone();
        }
        Ok(result)
    }
}

/// A message of a prompt, the Rust form of the Python SDK's `UserMessage`/`AssistantMessage`.
///
/// ```
/// use mcp::fastmcp::Message;
/// let messages = vec![
///     Message::user("I'm seeing this error:"),
///     Message::assistant("I'll help debug that. What have you tried so far?"),
/// ];
/// assert_eq!(messages[1].role, mcp::types::Role::Assistant);
/// ```
pub struct Message;

impl Message {
    /// A message from the user; a string becomes text content.
    pub fn user(content: impl Into<ContentBlock>) -> PromptMessage {
        PromptMessage::new(Role::User, content)
    }

    /// A message from the assistant.
    pub fn assistant(content: impl Into<ContentBlock>) -> PromptMessage {
        PromptMessage::new(Role::Assistant, content)
    }
}

/// What a prompt function may return: a string (one user message), messages, or the whole
/// result; an `Err` becomes a JSON-RPC error.
pub trait IntoPromptResult: Send + 'static {
    /// The result.
    fn into_prompt_result(self) -> Result<GetPromptResult>;
}

impl IntoPromptResult for String {
    fn into_prompt_result(self) -> Result<GetPromptResult> {
        Ok(GetPromptResult::new(vec![PromptMessage::user_text(self)]))
    }
}

impl IntoPromptResult for &'static str {
    fn into_prompt_result(self) -> Result<GetPromptResult> {
        self.to_owned().into_prompt_result()
    }
}

impl IntoPromptResult for PromptMessage {
    fn into_prompt_result(self) -> Result<GetPromptResult> {
        Ok(GetPromptResult::new(vec![self]))
    }
}

impl IntoPromptResult for Vec<PromptMessage> {
    fn into_prompt_result(self) -> Result<GetPromptResult> {
        Ok(GetPromptResult::new(self))
    }
}

impl IntoPromptResult for GetPromptResult {
    fn into_prompt_result(self) -> Result<GetPromptResult> {
        Ok(self)
    }
}

impl<T: IntoPromptResult, E: fmt::Display + Send + 'static> IntoPromptResult
    for std::result::Result<T, E>
{
    fn into_prompt_result(self) -> Result<GetPromptResult> {
        match self {
            Ok(value) => value.into_prompt_result(),
            Err(error) => {
                let any: &dyn std::any::Any = &error;
                match any.downcast_ref::<Error>() {
                    Some(Error::Protocol(data)) => Err(Error::Protocol(data.clone())),
                    Some(Error::InputRequired) => Err(Error::InputRequired),
                    _ => Err(Error::Protocol(ErrorData::internal_error(
                        error.to_string(),
                    ))),
                }
            }
        }
    }
}

//! Every type of every Model Context Protocol version, as plain serde data with no I/O.
//!
//! ```
//! use mcp_types::*;
//!
//! // A stateless-era (2026-07-28) tool call: version, capabilities and identity ride in `_meta`.
//! let mut params = CallToolRequestParams::new("get_weather").with_argument("city", "Paris");
//! params.meta = Some(RequestMeta::stateless(
//!     ProtocolVersion::V2026_07_28,
//!     ClientCapabilities::default(),
//!     Some(Implementation::new("my-client", "1.0.0")),
//! ));
//! let message = CallToolRequest::from_params(params).into_jsonrpc(RequestId::Number(1));
//! let wire = serde_json::to_string(&message).unwrap();
//!
//! // The server reads any client request, keyed on its method.
//! let ClientRequest::CallTool(call) = serde_json::from_str::<ClientRequest>(&wire).unwrap() else {
//!     unreachable!()
//! };
//! assert_eq!(call.params.meta.unwrap().version(), Some(ProtocolVersion::V2026_07_28));
//!
//! // ... and answers with a typed result.
//! let result = CallToolResult::text("18°C, partly cloudy");
//! assert_eq!(
//!     serde_json::to_value(&result).unwrap(),
//!     serde_json::json!({"content": [{"type": "text", "text": "18°C, partly cloudy"}]})
//! );
//! ```
//!
//! # Design
//!
//! - **One set of types for all versions** (2024-11-05 through 2026-07-28): a field that only
//!   some versions know is an `Option` left out of the wire form when absent. Field names follow
//!   the specification in `camelCase`; unknown incoming members are ignored.
//! - **`_meta`** is carried everywhere the schema allows it: a plain [`Meta`] map on results,
//!   notifications and data, a typed [`RequestMeta`] on request params (progress token, and the
//!   stateless era's protocol version, client capabilities, client info and log level).
//! - **Methods are types.** Each request kind (`CallToolRequest`, ...) holds its params and
//!   implements [`Request`], naming its method and result type; notification kinds implement
//!   [`Notification`]. The unions [`ClientRequest`], [`ServerRequest`], [`ClientNotification`] and
//!   [`ServerNotification`] read any message by its `method`.
//! - **Results** share [`ResultFields`] (`_meta`, and `resultType` from 2026-07-28); cacheable
//!   ones also implement [`Cacheable`]. [`MrtrResult`] is a final result or an
//!   [`InputRequiredResult`] (multi round-trip requests).
//! - **Numbers** the schema types as `number` are `f64`, written back without a fraction when
//!   whole, so `50` stays `50` on a round trip; integer fields are `u64`.

#[macro_use]
mod macros;
mod number;

pub mod cancellation;
pub mod capabilities;
pub mod completion;
pub mod content;
pub mod discovery;
pub mod elicitation;
pub mod errors;
pub mod extensions;
pub mod implementation;
pub mod jsonrpc;
pub mod lifecycle;
pub mod logging;
pub mod messages;
pub mod meta;
pub mod mrtr;
pub mod pagination;
pub mod progress;
pub mod prompts;
pub mod request;
pub mod resources;
pub mod result;
pub mod roots;
pub mod sampling;
pub mod subscriptions;
pub mod tasks;
pub mod tools;
pub mod version;

pub use cancellation::{CancelledNotification, CancelledNotificationParams};
pub use capabilities::{
    ClientCapabilities, ClientTaskRequests, ClientTasksCapability, ElicitationCapability,
    PromptsCapability, ResourcesCapability, RootsCapability, SamplingCapability,
    ServerCapabilities, ServerTaskRequests, ServerTasksCapability, TaskElicitationCapability,
    TaskSamplingCapability, TaskToolsCapability, ToolsCapability,
};
pub use completion::{
    CompleteRequest, CompleteRequestParams, CompleteResult, Completion, CompletionArgument,
    CompletionContext, PromptReference, Reference, ResourceTemplateReference,
};
pub use content::{
    Annotations, AudioContent, ContentBlock, EmbeddedResource, ImageContent, ResourceLink, Role,
    SamplingMessageContentBlock, TextContent, ToolResultContent, ToolUseContent,
};
pub use discovery::{DiscoverRequest, DiscoverResult};
pub use elicitation::{
    BooleanSchema, ElicitAction, ElicitRequest, ElicitRequestFormParams, ElicitRequestParams,
    ElicitRequestUrlParams, ElicitResult, ElicitValue, ElicitationCompleteNotification,
    ElicitationCompleteNotificationParams, EnumOption, EnumSchema, FormMode,
    LegacyTitledEnumSchema, NumberSchema, NumberType, PrimitiveSchemaDefinition, RequestedSchema,
    StringFormat, StringSchema, TitledEnumItems, TitledMultiSelectEnumSchema,
    TitledSingleSelectEnumSchema, UntitledEnumItems, UntitledMultiSelectEnumSchema,
    UntitledSingleSelectEnumSchema,
};
pub use errors::{
    MissingRequiredClientCapabilityData, UnsupportedProtocolVersionData, UrlElicitationRequiredData,
};
pub use implementation::{Icon, IconTheme, Implementation};
pub use jsonrpc::{
    ErrorCode, ErrorData, JSONRPC_VERSION, JsonRpcErrorResponse, JsonRpcMessage,
    JsonRpcNotification, JsonRpcRequest, JsonRpcResultResponse, JsonRpcVersion, RequestId,
};
pub use lifecycle::{
    InitializeRequest, InitializeRequestParams, InitializeResult, InitializedNotification,
    PingRequest,
};
pub use logging::{
    LoggingLevel, LoggingMessageNotification, LoggingMessageNotificationParams, SetLevelRequest,
    SetLevelRequestParams, UnknownLoggingLevel,
};
pub use messages::{
    ClientNotification, ClientRequest, ClientResult, ServerNotification, ServerRequest,
    ServerResult,
};
pub use meta::{JsonObject, Meta, MetaExt, RequestMeta};
pub use mrtr::{
    InputRequest, InputRequests, InputRequiredResult, InputResponse, InputResponses, MrtrResult,
};
pub use pagination::{Cursor, PaginatedRequestParams};
pub use progress::{ProgressNotification, ProgressNotificationParams, ProgressToken};
pub use prompts::{
    GetPromptRequest, GetPromptRequestParams, GetPromptResult, ListPromptsRequest,
    ListPromptsResult, Prompt, PromptArgument, PromptListChangedNotification, PromptMessage,
};
pub use request::{
    EmptyRequestParams, InputFields, Notification, NotificationParams, ParseMessageError, Request,
    RequestParams,
};
pub use resources::{
    BlobResourceContents, ListResourceTemplatesRequest, ListResourceTemplatesResult,
    ListResourcesRequest, ListResourcesResult, ReadResourceRequest, ReadResourceRequestParams,
    ReadResourceResult, Resource, ResourceContents, ResourceListChangedNotification,
    ResourceTemplate, ResourceUpdatedNotification, ResourceUpdatedNotificationParams,
    SubscribeRequest, SubscribeRequestParams, TextResourceContents, UnsubscribeRequest,
    UnsubscribeRequestParams,
};
pub use result::{CacheScope, Cacheable, EmptyResult, ResultFields, ResultType};
pub use roots::{ListRootsRequest, ListRootsResult, Root, RootsListChangedNotification};
pub use sampling::{
    CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult, IncludeContext,
    ModelHint, ModelPreferences, SamplingMessage, SamplingMessageContent, StopReason, ToolChoice,
    ToolChoiceMode,
};
pub use subscriptions::{
    SubscriptionFilter, SubscriptionsAcknowledgedNotification,
    SubscriptionsAcknowledgedNotificationParams, SubscriptionsListenRequest,
    SubscriptionsListenRequestParams, SubscriptionsListenResult,
};
pub use tasks::{
    CancelTaskRequest, CancelTaskResult, CreateTaskResult, GetTaskPayloadRequest,
    GetTaskPayloadResult, GetTaskRequest, GetTaskResult, ListTasksRequest, ListTasksResult,
    RelatedTaskMetadata, Task, TaskMetadata, TaskRequestParams, TaskStatus, TaskStatusNotification,
    TaskStatusNotificationParams,
};
pub use tools::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ListToolsRequest, ListToolsResult,
    TaskSupport, Tool, ToolAnnotations, ToolExecution, ToolListChangedNotification,
};
pub use version::{Era, ProtocolVersion, UnknownProtocolVersion, negotiate_handshake};

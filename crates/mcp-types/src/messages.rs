//! The message unions: every request, notification and result each side may send, over all
//! protocol versions.
//!
//! Requests and notifications are told apart by `method`; members other than `method` and
//! `params` (`jsonrpc`, `id`) are ignored, so a whole JSON-RPC message can be read directly.
//! Which methods a given version allows is for the session to check.
//!
//! ```
//! use mcp_types::{ClientRequest, ServerResult, CallToolResult};
//!
//! let request: ClientRequest = serde_json::from_str(
//!     r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1}}}"#,
//! ).unwrap();
//! let ClientRequest::CallTool(call) = request else { panic!("not a tool call") };
//! assert_eq!(call.params.name, "add");
//!
//! let result = ServerResult::from(CallToolResult::text("2"));
//! assert_eq!(serde_json::to_value(&result).unwrap()["content"][0]["text"], "2");
//! ```

use serde::Serialize;

use crate::cancellation::CancelledNotification;
use crate::completion::{CompleteRequest, CompleteResult};
use crate::discovery::{DiscoverRequest, DiscoverResult};
use crate::elicitation::{ElicitRequest, ElicitResult, ElicitationCompleteNotification};
use crate::lifecycle::{InitializeRequest, InitializeResult, InitializedNotification, PingRequest};
use crate::logging::{LoggingMessageNotification, SetLevelRequest};
use crate::meta::Meta;
use crate::mrtr::InputRequiredResult;
use crate::progress::ProgressNotification;
use crate::prompts::{
    GetPromptRequest, GetPromptResult, ListPromptsRequest, ListPromptsResult,
    PromptListChangedNotification,
};
use crate::resources::{
    ListResourceTemplatesRequest, ListResourceTemplatesResult, ListResourcesRequest,
    ListResourcesResult, ReadResourceRequest, ReadResourceResult, ResourceListChangedNotification,
    ResourceUpdatedNotification, SubscribeRequest, UnsubscribeRequest,
};
use crate::result::{EmptyResult, ResultFields, ResultType};
use crate::roots::{ListRootsRequest, ListRootsResult, RootsListChangedNotification};
use crate::sampling::{CreateMessageRequest, CreateMessageResult};
use crate::subscriptions::{
    SubscriptionsAcknowledgedNotification, SubscriptionsListenRequest, SubscriptionsListenResult,
};
use crate::tasks::{
    CancelTaskRequest, CancelTaskResult, CreateTaskResult, GetTaskPayloadRequest,
    GetTaskPayloadResult, GetTaskRequest, GetTaskResult, ListTasksRequest, ListTasksResult,
    TaskStatusNotification,
};
use crate::tools::{
    CallToolRequest, CallToolResult, ListToolsRequest, ListToolsResult, ToolListChangedNotification,
};

message_union! {
    /// A request a client may send, in any protocol version.
    pub enum ClientRequest: Request {
        Ping(PingRequest),
        Initialize(InitializeRequest),
        Discover(DiscoverRequest),
        Complete(CompleteRequest),
        SetLevel(SetLevelRequest),
        GetPrompt(GetPromptRequest),
        ListPrompts(ListPromptsRequest),
        ListResources(ListResourcesRequest),
        ListResourceTemplates(ListResourceTemplatesRequest),
        ReadResource(ReadResourceRequest),
        Subscribe(SubscribeRequest),
        Unsubscribe(UnsubscribeRequest),
        SubscriptionsListen(SubscriptionsListenRequest),
        CallTool(CallToolRequest),
        ListTools(ListToolsRequest),
        GetTask(GetTaskRequest),
        GetTaskPayload(GetTaskPayloadRequest),
        ListTasks(ListTasksRequest),
        CancelTask(CancelTaskRequest),
    }
}

request_union_meta!(ClientRequest {
    Ping,
    Initialize,
    Discover,
    Complete,
    SetLevel,
    GetPrompt,
    ListPrompts,
    ListResources,
    ListResourceTemplates,
    ReadResource,
    Subscribe,
    Unsubscribe,
    SubscriptionsListen,
    CallTool,
    ListTools,
    GetTask,
    GetTaskPayload,
    ListTasks,
    CancelTask,
});

message_union! {
    /// A request a server may send (handshake era; the stateless era asks through
    /// [`crate::InputRequiredResult`] instead).
    pub enum ServerRequest: Request {
        Ping(PingRequest),
        CreateMessage(CreateMessageRequest),
        ListRoots(ListRootsRequest),
        Elicit(ElicitRequest),
        GetTask(GetTaskRequest),
        GetTaskPayload(GetTaskPayloadRequest),
        ListTasks(ListTasksRequest),
        CancelTask(CancelTaskRequest),
    }
}

request_union_meta!(ServerRequest {
    Ping,
    CreateMessage,
    ListRoots,
    Elicit,
    GetTask,
    GetTaskPayload,
    ListTasks,
    CancelTask,
});

message_union! {
    /// A notification a client may send, in any protocol version.
    pub enum ClientNotification: Notification {
        Cancelled(CancelledNotification),
        Progress(ProgressNotification),
        Initialized(InitializedNotification),
        RootsListChanged(RootsListChangedNotification),
        TaskStatus(TaskStatusNotification),
    }
}

message_union! {
    /// A notification a server may send, in any protocol version.
    pub enum ServerNotification: Notification {
        Cancelled(CancelledNotification),
        Progress(ProgressNotification),
        LoggingMessage(LoggingMessageNotification),
        ResourceUpdated(ResourceUpdatedNotification),
        ResourceListChanged(ResourceListChangedNotification),
        ToolListChanged(ToolListChangedNotification),
        PromptListChanged(PromptListChangedNotification),
        ElicitationComplete(ElicitationCompleteNotification),
        TaskStatus(TaskStatusNotification),
        SubscriptionsAcknowledged(SubscriptionsAcknowledgedNotification),
        TaskChanged(crate::extensions::tasks::TaskStatusNotification),
    }
}

/// Defines a result union: untagged on the wire, since a result's type follows from the request
/// it answers.
macro_rules! result_union {
    (
        $(#[$attr:meta])*
        pub enum $name:ident { $( $variant:ident($ty:ty), )* }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum $name {
            $(
                #[doc = concat!("A [`", stringify!($ty), "`].")]
                $variant($ty),
            )*
        }

        $(
            impl From<$ty> for $name {
                fn from(result: $ty) -> Self {
                    Self::$variant(result)
                }
            }
        )*

        impl ResultFields for $name {
            fn meta(&self) -> Option<&Meta> {
                match self {
                    $( Self::$variant(r) => r.meta(), )*
                }
            }
            fn meta_mut(&mut self) -> &mut Option<Meta> {
                match self {
                    $( Self::$variant(r) => r.meta_mut(), )*
                }
            }
            fn result_type(&self) -> Option<&ResultType> {
                match self {
                    $( Self::$variant(r) => r.result_type(), )*
                }
            }
            fn result_type_mut(&mut self) -> &mut Option<ResultType> {
                match self {
                    $( Self::$variant(r) => r.result_type_mut(), )*
                }
            }
        }
    };
}

result_union! {
    /// A result a client may send, in any protocol version.
    pub enum ClientResult {
        Empty(EmptyResult),
        CreateMessage(CreateMessageResult),
        ListRoots(ListRootsResult),
        Elicit(ElicitResult),
        GetTask(GetTaskResult),
        GetTaskPayload(GetTaskPayloadResult),
        ListTasks(ListTasksResult),
        CancelTask(CancelTaskResult),
        CreateTask(CreateTaskResult),
    }
}

result_union! {
    /// A result a server may send, in any protocol version.
    pub enum ServerResult {
        Empty(EmptyResult),
        Initialize(InitializeResult),
        Discover(DiscoverResult),
        Complete(CompleteResult),
        GetPrompt(GetPromptResult),
        ListPrompts(ListPromptsResult),
        ListResourceTemplates(ListResourceTemplatesResult),
        ListResources(ListResourcesResult),
        ReadResource(ReadResourceResult),
        SubscriptionsListen(SubscriptionsListenResult),
        CallTool(CallToolResult),
        ListTools(ListToolsResult),
        GetTask(GetTaskResult),
        GetTaskPayload(GetTaskPayloadResult),
        ListTasks(ListTasksResult),
        CancelTask(CancelTaskResult),
        CreateTask(CreateTaskResult),
        InputRequired(InputRequiredResult),
        ListSkills(crate::extensions::skills::ListSkillsResult),
        GetSkill(crate::extensions::skills::GetSkillResult),
        ReadResourceDirectory(crate::extensions::skills::ReadResourceDirectoryResult),
    }
}

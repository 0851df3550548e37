//! Validates what our types serialize against the official `schema.json` of every protocol
//! version, for every message kind that version defines.
//!
//! For each version the list of kinds (every definition named `*Request`, `*Notification`,
//! `*Result`, `*ResultResponse` or `*Error`, minus the abstract bases and the unions) is read from
//! the schema file itself, and the test fails if any of them has no instance here, or if an
//! instance is built for a kind the version does not define. Every instance is also read back
//! into its Rust type and must serialize to the same JSON, and is validated against the
//! `ClientRequest`/`ServerResult`/... unions that list its kind.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use mcp_types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use ProtocolVersion as V;

/// Bases and unions that are not message kinds of their own.
const ABSTRACT: &[&str] = &[
    "Request",
    "Notification",
    "Result",
    "PaginatedRequest",
    "PaginatedResult",
    "CacheableResult",
    "ClientRequest",
    "ServerRequest",
    "ClientNotification",
    "ServerNotification",
    "ClientResult",
    "ServerResult",
];

const UNIONS: &[&str] = &[
    "ClientRequest",
    "ServerRequest",
    "ClientNotification",
    "ServerNotification",
    "ClientResult",
    "ServerResult",
];

const KIND_SUFFIXES: &[&str] = &[
    "Request",
    "Notification",
    "Result",
    "ResultResponse",
    "Error",
];

fn schema_path(v: V) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/spec")
        .join(v.as_str())
        .join("schema.json")
}

fn load_schema(v: V) -> Value {
    let path = schema_path(v);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// `definitions` (draft-07) or `$defs` (2020-12).
fn defs_key(schema: &Value) -> &'static str {
    if schema.get("$defs").is_some() {
        "$defs"
    } else {
        "definitions"
    }
}

fn message_kinds(schema: &Value) -> BTreeSet<String> {
    schema[defs_key(schema)]
        .as_object()
        .expect("definitions object")
        .keys()
        .filter(|name| KIND_SUFFIXES.iter().any(|s| name.ends_with(s)))
        .filter(|name| !ABSTRACT.contains(&name.as_str()) && !name.starts_with("JSONRPC"))
        .cloned()
        .collect()
}

/// Every definition name a union refers to.
fn union_members(schema: &Value, union: &str) -> BTreeSet<String> {
    fn collect(node: &Value, out: &mut BTreeSet<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.insert(r.rsplit('/').next().unwrap().to_owned());
                }
                map.values().for_each(|v| collect(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    if let Some(def) = schema[defs_key(schema)].get(union) {
        collect(def, &mut out);
    }
    out
}

fn validator_for(schema: &Value, definition: &str) -> jsonschema::Validator {
    let mut root = schema.clone();
    let pointer = format!("#/{}/{}", defs_key(schema), definition);
    root.as_object_mut()
        .unwrap()
        .insert("allOf".to_owned(), json!([{ "$ref": pointer }]));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("cannot compile the schema for {definition}: {e}"))
}

/// One serialized instance of a kind.
struct Instance {
    kind: &'static str,
    json: Value,
}

/// Serializes `value`, checks it reads back into `T` and serializes the same, and records it.
fn inst<T: Serialize + DeserializeOwned>(out: &mut Vec<Instance>, kind: &'static str, value: T) {
    let json =
        serde_json::to_value(&value).unwrap_or_else(|e| panic!("{kind}: cannot serialize: {e}"));
    let back: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| {
        panic!(
            "{kind}: cannot read back what we wrote: {e}\n{}",
            serde_json::to_string_pretty(&json).unwrap()
        )
    });
    let again = serde_json::to_value(&back).unwrap();
    assert_eq!(again, json, "{kind}: changed on a round trip");
    out.push(Instance { kind, json });
}

/// Builds realistic values for one protocol version, with the fields that version knows.
struct Build {
    v: V,
}

impl Build {
    fn since(&self, min: V) -> bool {
        self.v >= min
    }

    fn stateless(&self) -> bool {
        self.v.is_stateless()
    }

    fn when<T>(&self, min: V, value: impl FnOnce() -> T) -> Option<T> {
        self.since(min).then(value)
    }

    fn meta(&self, pairs: Value) -> Meta {
        serde_json::from_value(pairs).unwrap()
    }

    fn icons(&self) -> Option<Vec<Icon>> {
        self.when(V::V2025_11_25, || {
            vec![Icon {
                src: "https://example.com/icon.png".into(),
                mime_type: Some("image/png".into()),
                sizes: Some(vec!["48x48".into()]),
                theme: Some(IconTheme::Light),
            }]
        })
    }

    fn implementation(&self, name: &str) -> Implementation {
        Implementation {
            name: name.into(),
            title: self.when(V::V2025_06_18, || format!("{name} (display)")),
            version: "1.4.2".into(),
            description: self.when(V::V2025_11_25, || format!("The {name} implementation")),
            website_url: self.when(V::V2025_11_25, || "https://example.com".into()),
            icons: self.icons(),
        }
    }

    fn client_capabilities(&self) -> ClientCapabilities {
        let empty = JsonObject::new;
        ClientCapabilities {
            experimental: Some(BTreeMap::from([(
                "com.example/feature".to_owned(),
                self.meta(json!({"enabled": true})),
            )])),
            roots: Some(RootsCapability {
                list_changed: (!self.stateless()).then_some(true),
            }),
            sampling: Some(SamplingCapability {
                context: self.when(V::V2025_11_25, empty),
                tools: self.when(V::V2025_11_25, empty),
            }),
            elicitation: self.when(V::V2025_06_18, || ElicitationCapability {
                form: self.when(V::V2025_11_25, empty),
                url: self.when(V::V2025_11_25, empty),
            }),
            tasks: (self.v == V::V2025_11_25).then(|| ClientTasksCapability {
                list: Some(empty()),
                cancel: Some(empty()),
                requests: Some(ClientTaskRequests {
                    sampling: Some(TaskSamplingCapability {
                        create_message: Some(empty()),
                    }),
                    elicitation: Some(TaskElicitationCapability {
                        create: Some(empty()),
                    }),
                }),
            }),
            extensions: self.when(V::V2026_07_28, || {
                BTreeMap::from([(
                    "io.modelcontextprotocol/ui".to_owned(),
                    self.meta(json!({"mimeTypes": ["text/html;profile=mcp-app"]})),
                )])
            }),
        }
    }

    fn server_capabilities(&self) -> ServerCapabilities {
        let empty = JsonObject::new;
        ServerCapabilities {
            experimental: Some(BTreeMap::from([(
                "com.example/beta".to_owned(),
                JsonObject::new(),
            )])),
            logging: Some(empty()),
            completions: self.when(V::V2025_03_26, empty),
            prompts: Some(PromptsCapability {
                list_changed: Some(true),
            }),
            resources: Some(ResourcesCapability {
                subscribe: Some(true),
                list_changed: Some(true),
            }),
            tools: Some(ToolsCapability {
                list_changed: Some(false),
            }),
            tasks: (self.v == V::V2025_11_25).then(|| ServerTasksCapability {
                list: Some(empty()),
                cancel: Some(empty()),
                requests: Some(ServerTaskRequests {
                    tools: Some(TaskToolsCapability {
                        call: Some(empty()),
                    }),
                }),
            }),
            extensions: self.when(V::V2026_07_28, || {
                BTreeMap::from([("io.modelcontextprotocol/tasks".to_owned(), empty())])
            }),
        }
    }

    /// Request `_meta`: required version and capabilities in the stateless era, a progress token
    /// before.
    fn request_meta(&self) -> Option<RequestMeta> {
        let meta = if self.stateless() {
            RequestMeta::stateless(
                self.v,
                self.client_capabilities(),
                Some(self.implementation("example-client")),
            )
            .with_log_level(LoggingLevel::Info)
            .with_extra(
                "traceparent",
                json!("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            )
        } else {
            RequestMeta::default()
        };
        Some(meta.with_progress_token("progress-1"))
    }

    /// `_meta` for params that are optional: absent before the stateless era.
    fn optional_request_meta(&self) -> Option<RequestMeta> {
        self.stateless().then(|| self.request_meta()).flatten()
    }

    fn result_meta(&self) -> Option<Meta> {
        Some(if self.stateless() {
            self.meta(json!({
                "io.modelcontextprotocol/serverInfo": {"name": "example-server", "version": "2.0.0"}
            }))
        } else {
            self.meta(json!({"com.example/elapsedMs": 12}))
        })
    }

    fn result_type(&self) -> Option<ResultType> {
        self.stateless().then_some(ResultType::Complete)
    }

    fn cache(&self) -> (Option<u64>, Option<CacheScope>) {
        if self.stateless() {
            (Some(60_000), Some(CacheScope::Private))
        } else {
            (None, None)
        }
    }

    fn notification_meta(&self) -> Option<Meta> {
        self.stateless()
            .then(|| self.meta(json!({"io.modelcontextprotocol/subscriptionId": "listen-1"})))
    }

    fn annotations(&self) -> Annotations {
        Annotations {
            audience: Some(vec![Role::User, Role::Assistant]),
            priority: Some(0.8),
            last_modified: self.when(V::V2025_06_18, || "2025-01-12T15:00:58Z".into()),
        }
    }

    fn content_meta(&self) -> Option<Meta> {
        self.when(V::V2025_06_18, || {
            self.meta(json!({"com.example/source": "cache"}))
        })
    }

    fn resource(&self) -> Resource {
        Resource {
            uri: "file:///project/src/main.rs".into(),
            name: "main.rs".into(),
            title: self.when(V::V2025_06_18, || "Main entry point".into()),
            description: Some("The application's entry point".into()),
            mime_type: Some("text/x-rust".into()),
            annotations: Some(self.annotations()),
            size: Some(1024),
            icons: self.icons(),
            meta: self.content_meta(),
        }
    }

    fn text_contents(&self) -> TextResourceContents {
        TextResourceContents {
            uri: "file:///project/src/main.rs".into(),
            mime_type: Some("text/x-rust".into()),
            text: "fn main() {}".into(),
            meta: self.content_meta(),
        }
    }

    fn blob_contents(&self) -> BlobResourceContents {
        BlobResourceContents {
            uri: "file:///project/logo.png".into(),
            mime_type: Some("image/png".into()),
            blob: "iVBORw0KGgo=".into(),
            meta: self.content_meta(),
        }
    }

    fn text(&self, text: &str) -> TextContent {
        TextContent {
            text: text.into(),
            annotations: Some(self.annotations()),
            meta: self.content_meta(),
        }
    }

    fn image(&self) -> ImageContent {
        ImageContent {
            data: "iVBORw0KGgo=".into(),
            mime_type: "image/png".into(),
            annotations: Some(self.annotations()),
            meta: self.content_meta(),
        }
    }

    fn audio(&self) -> AudioContent {
        AudioContent {
            data: "UklGRiQAAABXQVZF".into(),
            mime_type: "audio/wav".into(),
            annotations: Some(self.annotations()),
            meta: self.content_meta(),
        }
    }

    /// One block of every kind this version allows in tool results and prompts.
    fn content_blocks(&self) -> Vec<ContentBlock> {
        let mut blocks = vec![
            ContentBlock::Text(self.text("Current weather: 18°C")),
            ContentBlock::Image(self.image()),
        ];
        if self.since(V::V2025_03_26) {
            blocks.push(ContentBlock::Audio(self.audio()));
        }
        if self.since(V::V2025_06_18) {
            blocks.push(ContentBlock::ResourceLink(self.resource().into()));
        }
        blocks.push(ContentBlock::Resource(EmbeddedResource {
            resource: self.text_contents().into(),
            annotations: Some(self.annotations()),
            meta: self.content_meta(),
        }));
        blocks.push(ContentBlock::Resource(EmbeddedResource {
            resource: self.blob_contents().into(),
            annotations: None,
            meta: None,
        }));
        blocks
    }

    fn tool(&self) -> Tool {
        let input_schema = self.meta(json!({
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"]
        }));
        Tool {
            name: "get_weather".into(),
            title: self.when(V::V2025_06_18, || "Weather".into()),
            description: Some("Current weather for a city".into()),
            input_schema,
            output_schema: self.when(V::V2025_06_18, || {
                self.meta(json!({
                    "type": "object",
                    "properties": {"celsius": {"type": "number"}},
                    "required": ["celsius"]
                }))
            }),
            annotations: self.when(V::V2025_03_26, || ToolAnnotations {
                title: Some("Weather lookup".into()),
                read_only_hint: Some(true),
                destructive_hint: Some(false),
                idempotent_hint: Some(true),
                open_world_hint: Some(true),
            }),
            execution: (self.v == V::V2025_11_25).then_some(ToolExecution {
                task_support: Some(TaskSupport::Optional),
            }),
            icons: self.icons(),
            meta: self.content_meta(),
        }
    }

    fn prompt(&self) -> Prompt {
        Prompt {
            name: "code_review".into(),
            title: self.when(V::V2025_06_18, || "Code review".into()),
            description: Some("Reviews code".into()),
            arguments: Some(vec![PromptArgument {
                name: "code".into(),
                title: self.when(V::V2025_06_18, || "Code".into()),
                description: Some("The code to review".into()),
                required: Some(true),
            }]),
            icons: self.icons(),
            meta: self.content_meta(),
        }
    }

    fn template(&self) -> ResourceTemplate {
        ResourceTemplate {
            uri_template: "file:///project/{path}".into(),
            name: "project_files".into(),
            title: self.when(V::V2025_06_18, || "Project files".into()),
            description: Some("Files of the project".into()),
            mime_type: Some("text/plain".into()),
            annotations: Some(self.annotations()),
            icons: self.icons(),
            meta: self.content_meta(),
        }
    }

    fn task(&self, status: TaskStatus) -> Task {
        Task {
            task_id: "786512e2-9e0d-44bd-8f29-789f320fe840".into(),
            status,
            status_message: Some("Fetching forecasts".into()),
            created_at: "2025-11-25T10:30:00Z".into(),
            last_updated_at: "2025-11-25T10:40:00Z".into(),
            ttl: Some(60_000),
            poll_interval: Some(5_000),
        }
    }

    fn task_metadata(&self) -> Option<TaskMetadata> {
        (self.v == V::V2025_11_25).then_some(TaskMetadata { ttl: Some(60_000) })
    }

    fn sampling_messages(&self) -> Vec<SamplingMessage> {
        let mut messages = vec![SamplingMessage {
            role: Role::User,
            content: SamplingMessageContentBlock::Text(self.text("What's the weather in Paris?"))
                .into(),
            meta: None,
        }];
        messages.push(SamplingMessage::new(
            Role::User,
            SamplingMessageContentBlock::Image(self.image()),
        ));
        if self.since(V::V2025_03_26) {
            messages.push(SamplingMessage::new(
                Role::User,
                SamplingMessageContentBlock::Audio(self.audio()),
            ));
        }
        if self.since(V::V2025_11_25) {
            messages.push(SamplingMessage {
                role: Role::Assistant,
                content: vec![SamplingMessageContentBlock::ToolUse(self.tool_use())].into(),
                meta: self.content_meta(),
            });
            messages.push(SamplingMessage {
                role: Role::User,
                content: vec![SamplingMessageContentBlock::ToolResult(ToolResultContent {
                    tool_use_id: "call_abc123".into(),
                    content: vec![ContentBlock::text("18°C, partly cloudy")],
                    structured_content: Some(json!({"celsius": 18})),
                    is_error: Some(false),
                    meta: self.content_meta(),
                })]
                .into(),
                meta: None,
            });
        }
        messages
    }

    fn tool_use(&self) -> ToolUseContent {
        ToolUseContent {
            id: "call_abc123".into(),
            name: "get_weather".into(),
            input: self.meta(json!({"city": "Paris"})),
            meta: self.content_meta(),
        }
    }

    fn create_message_params(&self) -> CreateMessageRequestParams {
        CreateMessageRequestParams {
            messages: self.sampling_messages(),
            model_preferences: Some(ModelPreferences {
                hints: Some(vec![
                    ModelHint::new("claude-3-sonnet"),
                    ModelHint::default(),
                ]),
                cost_priority: Some(0.3),
                speed_priority: Some(0.5),
                intelligence_priority: Some(1.0),
            }),
            system_prompt: Some("You are a helpful assistant.".into()),
            include_context: Some(IncludeContext::ThisServer),
            temperature: Some(0.7),
            max_tokens: 100,
            stop_sequences: Some(vec!["\n\n".into()]),
            metadata: Some(self.meta(json!({"provider": {"topK": 5}}))),
            tools: self.when(V::V2025_11_25, || vec![self.tool()]),
            tool_choice: self.when(V::V2025_11_25, || ToolChoice {
                mode: Some(ToolChoiceMode::Auto),
            }),
            task: self.task_metadata(),
            // In the stateless era this request travels inside a result and has no `_meta`.
            meta: (!self.stateless()).then(|| self.request_meta()).flatten(),
        }
    }

    fn create_message_request(&self) -> CreateMessageRequest {
        CreateMessageRequest::from_params(self.create_message_params())
    }

    fn create_message_results(&self) -> Vec<CreateMessageResult> {
        let mut results = vec![CreateMessageResult {
            role: Role::Assistant,
            content: SamplingMessageContentBlock::Text(self.text("Paris: 18°C")).into(),
            model: "claude-3-sonnet-20240307".into(),
            stop_reason: Some(StopReason::EndTurn),
            meta: (!self.stateless()).then(|| self.result_meta()).flatten(),
            result_type: None,
        }];
        if self.since(V::V2025_11_25) {
            results.push(
                CreateMessageResult::new(
                    "claude-3-sonnet-20240307",
                    vec![SamplingMessageContentBlock::ToolUse(self.tool_use())],
                )
                .with_stop_reason(StopReason::ToolUse),
            );
        }
        results
    }

    fn list_roots_request(&self) -> ListRootsRequest {
        ListRootsRequest::from_params(EmptyRequestParams {
            meta: (!self.stateless()).then(|| self.request_meta()).flatten(),
        })
    }

    fn list_roots_result(&self) -> ListRootsResult {
        ListRootsResult {
            roots: vec![
                Root {
                    uri: "file:///home/user/projects/frontend".into(),
                    name: Some("Frontend".into()),
                    meta: self.content_meta(),
                },
                Root::new("file:///home/user/projects/backend"),
            ],
            meta: (!self.stateless()).then(|| self.result_meta()).flatten(),
            result_type: None,
        }
    }

    fn requested_schema(&self) -> RequestedSchema {
        let mut schema = RequestedSchema {
            schema: self.when(V::V2025_11_25, || {
                "https://json-schema.org/draft/2020-12/schema".into()
            }),
            ..RequestedSchema::new()
        };
        let since_1125 = self.since(V::V2025_11_25);
        schema = schema
            .with_property(
                "email",
                StringSchema {
                    title: Some("Email".into()),
                    description: Some("Your email address".into()),
                    min_length: Some(3),
                    max_length: Some(254),
                    format: Some(StringFormat::Email),
                    default: since_1125.then(|| "octocat@github.com".into()),
                },
                true,
            )
            .with_property(
                "age",
                NumberSchema {
                    r#type: NumberType::Integer,
                    title: Some("Age".into()),
                    description: None,
                    minimum: Some(0.0),
                    maximum: Some(150.0),
                    default: since_1125.then_some(30.0),
                },
                false,
            )
            .with_property(
                "subscribe",
                BooleanSchema {
                    title: Some("Subscribe".into()),
                    description: Some("Receive the newsletter".into()),
                    default: Some(false),
                },
                false,
            )
            .with_property(
                "legacy_color",
                LegacyTitledEnumSchema {
                    title: Some("Color".into()),
                    description: None,
                    r#enum: vec!["#FF0000".into(), "#00FF00".into()],
                    enum_names: Some(vec!["Red".into(), "Green".into()]),
                    default: since_1125.then(|| "#FF0000".into()),
                },
                false,
            );
        if since_1125 {
            let options = vec![
                EnumOption::new("#FF0000", "Red"),
                EnumOption::new("#00FF00", "Green"),
            ];
            schema = schema
                .with_property(
                    "color",
                    UntitledSingleSelectEnumSchema {
                        title: Some("Color".into()),
                        description: None,
                        r#enum: vec!["red".into(), "green".into()],
                        default: Some("red".into()),
                    },
                    false,
                )
                .with_property(
                    "titled_color",
                    TitledSingleSelectEnumSchema {
                        title: Some("Color".into()),
                        description: Some("Pick one".into()),
                        one_of: options.clone(),
                        default: Some("#FF0000".into()),
                    },
                    false,
                )
                .with_property(
                    "colors",
                    UntitledMultiSelectEnumSchema {
                        title: Some("Colors".into()),
                        description: None,
                        min_items: Some(1),
                        max_items: Some(2),
                        items: UntitledEnumItems {
                            r#enum: vec!["red".into(), "green".into()],
                        },
                        default: Some(vec!["red".into()]),
                    },
                    false,
                )
                .with_property(
                    "titled_colors",
                    TitledMultiSelectEnumSchema {
                        title: Some("Colors".into()),
                        description: None,
                        min_items: Some(1),
                        max_items: Some(2),
                        items: TitledEnumItems { any_of: options },
                        default: Some(vec!["#FF0000".into(), "#00FF00".into()]),
                    },
                    false,
                );
        }
        schema
    }

    fn elicit_requests(&self) -> Vec<ElicitRequest> {
        let meta = (!self.stateless()).then(|| self.request_meta()).flatten();
        let mut requests = vec![ElicitRequest::from_params(
            ElicitRequestFormParams {
                mode: self.when(V::V2025_11_25, || FormMode::Form),
                message: "Please provide your contact details".into(),
                requested_schema: self.requested_schema(),
                task: self.task_metadata(),
                meta: meta.clone(),
            }
            .into(),
        )];
        if self.since(V::V2025_11_25) {
            requests.push(ElicitRequest::from_params(
                ElicitRequestUrlParams {
                    message: "Please provide your API key".into(),
                    url: "https://mcp.example.com/ui/set_api_key".into(),
                    elicitation_id: (self.v == V::V2025_11_25).then(|| "elicit-42".into()),
                    task: self.task_metadata(),
                    meta,
                }
                .into(),
            ));
        }
        requests
    }

    fn elicit_results(&self) -> Vec<ElicitResult> {
        let mut content = vec![
            ("email", ElicitValue::from("octocat@github.com")),
            ("age", ElicitValue::from(30)),
            ("subscribe", ElicitValue::from(true)),
        ];
        if self.since(V::V2025_11_25) {
            content.push(("colors", ElicitValue::from(vec!["red".to_owned()])));
        }
        let mut accept = ElicitResult::accept(content);
        accept.meta = (!self.stateless()).then(|| self.result_meta()).flatten();
        vec![accept, ElicitResult::decline(), ElicitResult::cancel()]
    }

    fn input_responses(&self) -> InputResponses {
        InputResponses::from([
            (
                "contact".to_owned(),
                InputResponse::Elicit(self.elicit_results().remove(0)),
            ),
            (
                "forecast".to_owned(),
                InputResponse::CreateMessage(self.create_message_results().remove(0)),
            ),
            (
                "roots".to_owned(),
                InputResponse::ListRoots(self.list_roots_result()),
            ),
        ])
    }

    fn input_required_result(&self) -> InputRequiredResult {
        let mut result = InputRequiredResult::new()
            .with_request_state("eyJsb2NhdGlvbiI6Ik5ldyBZb3JrIn0")
            .with_input_request("forecast", self.create_message_request())
            .with_input_request("roots", self.list_roots_request());
        for (i, request) in self.elicit_requests().into_iter().enumerate() {
            result = result.with_input_request(format!("contact-{i}"), request);
        }
        result.meta = self.result_meta();
        result
    }

    fn call_tool_requests(&self) -> Vec<CallToolRequest> {
        let first = CallToolRequestParams {
            name: "get_weather".into(),
            arguments: Some(self.meta(json!({"city": "Paris", "days": 3}))),
            task: self.task_metadata(),
            input_responses: None,
            request_state: None,
            meta: self.request_meta(),
        };
        let mut requests = vec![CallToolRequest::from_params(first.clone())];
        if self.stateless() {
            requests.push(CallToolRequest::from_params(CallToolRequestParams {
                input_responses: Some(self.input_responses()),
                request_state: Some("eyJsb2NhdGlvbiI6Ik5ldyBZb3JrIn0".into()),
                ..first
            }));
        }
        requests
    }

    fn call_tool_result(&self) -> CallToolResult {
        CallToolResult {
            content: self.content_blocks(),
            structured_content: self.when(V::V2025_06_18, || json!({"celsius": 18})),
            is_error: Some(false),
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn get_prompt_result(&self) -> GetPromptResult {
        let messages = self
            .content_blocks()
            .into_iter()
            .map(|content| PromptMessage::new(Role::User, content))
            .chain([PromptMessage::assistant_text("Looks good.")])
            .collect();
        GetPromptResult {
            description: Some("Code review prompt".into()),
            messages,
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn read_resource_result(&self) -> ReadResourceResult {
        let (ttl_ms, cache_scope) = self.cache();
        ReadResourceResult {
            contents: vec![self.text_contents().into(), self.blob_contents().into()],
            ttl_ms,
            cache_scope,
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn list_tools_result(&self) -> ListToolsResult {
        let (ttl_ms, cache_scope) = self.cache();
        ListToolsResult {
            tools: vec![self.tool(), Tool::without_input("now")],
            next_cursor: Some("page-2".into()),
            ttl_ms,
            cache_scope,
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn list_prompts_result(&self) -> ListPromptsResult {
        let (ttl_ms, cache_scope) = self.cache();
        ListPromptsResult {
            prompts: vec![self.prompt(), Prompt::new("greeting")],
            next_cursor: Some("page-2".into()),
            ttl_ms,
            cache_scope,
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn list_resources_result(&self) -> ListResourcesResult {
        let (ttl_ms, cache_scope) = self.cache();
        ListResourcesResult {
            resources: vec![
                self.resource(),
                Resource::new("file:///README.md", "README"),
            ],
            next_cursor: Some("page-2".into()),
            ttl_ms,
            cache_scope,
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn list_templates_result(&self) -> ListResourceTemplatesResult {
        let (ttl_ms, cache_scope) = self.cache();
        ListResourceTemplatesResult {
            resource_templates: vec![self.template()],
            next_cursor: None,
            ttl_ms,
            cache_scope,
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn complete_result(&self) -> CompleteResult {
        CompleteResult {
            completion: Completion {
                values: vec!["python".into(), "pytorch".into()],
                total: Some(10),
                has_more: Some(true),
            },
            meta: self.result_meta(),
            result_type: self.result_type(),
        }
    }

    fn discover_result(&self) -> DiscoverResult {
        let (ttl_ms, cache_scope) = self.cache();
        DiscoverResult {
            instructions: Some("Prefer get_weather for forecasts.".into()),
            ttl_ms,
            cache_scope: cache_scope.map(|_| CacheScope::Public),
            meta: self.result_meta(),
            result_type: self.result_type(),
            ..DiscoverResult::new(
                &[V::V2026_07_28, V::V2025_11_25],
                self.server_capabilities(),
            )
        }
    }

    fn paginated(&self, cursor: Option<&str>) -> PaginatedRequestParams {
        PaginatedRequestParams {
            cursor: cursor.map(Into::into),
            meta: self.optional_request_meta(),
        }
    }

    fn response<R: Serialize>(&self, result: R) -> JsonRpcResultResponse<R> {
        JsonRpcResultResponse::new(RequestId::from("req-7"), result)
    }

    fn error_response(&self, error: ErrorData) -> JsonRpcErrorResponse {
        JsonRpcErrorResponse::new(Some(RequestId::Number(7)), error)
    }
}

/// An instance of every kind `v` may define (and only those).
fn instances(v: V) -> Vec<Instance> {
    let b = Build { v };
    let mut out = Vec::new();
    let o = &mut out;

    // Lifecycle (handshake era).
    if !b.stateless() {
        inst(
            o,
            "InitializeRequest",
            InitializeRequest::from_params(InitializeRequestParams {
                meta: b.request_meta(),
                ..InitializeRequestParams::new(
                    v,
                    b.client_capabilities(),
                    b.implementation("example-client"),
                )
            }),
        );
        inst(
            o,
            "InitializeResult",
            InitializeResult {
                meta: b.result_meta(),
                ..InitializeResult::new(
                    v,
                    b.server_capabilities(),
                    b.implementation("example-server"),
                )
                .with_instructions("Use get_weather for forecasts.")
            },
        );
        inst(
            o,
            "InitializedNotification",
            InitializedNotification::from_params(NotificationParams::default()),
        );
        inst(
            o,
            "InitializedNotification",
            InitializedNotification::from_params(NotificationParams {
                meta: Some(b.meta(json!({"com.example/startup": "warm"}))),
            }),
        );
        inst(
            o,
            "PingRequest",
            PingRequest::from_params(EmptyRequestParams::default()),
        );
        inst(
            o,
            "PingRequest",
            PingRequest::from_params(EmptyRequestParams {
                meta: b.request_meta(),
            }),
        );
        inst(
            o,
            "SetLevelRequest",
            SetLevelRequest::from_params(SetLevelRequestParams {
                meta: b.request_meta(),
                ..SetLevelRequestParams::new(LoggingLevel::Warning)
            }),
        );
        inst(
            o,
            "SubscribeRequest",
            SubscribeRequest::from_params(SubscribeRequestParams {
                uri: "file:///project/src/main.rs".into(),
                meta: b.request_meta(),
            }),
        );
        inst(
            o,
            "UnsubscribeRequest",
            UnsubscribeRequest::from_params(UnsubscribeRequestParams {
                uri: "file:///project/src/main.rs".into(),
                meta: b.request_meta(),
            }),
        );
        inst(
            o,
            "RootsListChangedNotification",
            RootsListChangedNotification::from_params(NotificationParams::default()),
        );
    }
    inst(
        o,
        "EmptyResult",
        EmptyResult {
            meta: None,
            result_type: b.result_type(),
        },
    );
    inst(
        o,
        "EmptyResult",
        EmptyResult {
            meta: b.result_meta(),
            result_type: b.result_type(),
        },
    );

    // Stateless era.
    if b.stateless() {
        inst(
            o,
            "DiscoverRequest",
            DiscoverRequest::from_params(EmptyRequestParams {
                meta: b.request_meta(),
            }),
        );
        inst(o, "DiscoverResult", b.discover_result());
        inst(o, "DiscoverResultResponse", b.response(b.discover_result()));
        let filter = SubscriptionFilter {
            tools_list_changed: Some(true),
            prompts_list_changed: Some(true),
            resources_list_changed: Some(false),
            resource_subscriptions: None,
            task_ids: None,
        }
        .with_resource("file:///project/config.json");
        inst(
            o,
            "SubscriptionsListenRequest",
            SubscriptionsListenRequest::from_params(SubscriptionsListenRequestParams {
                notifications: filter.clone(),
                meta: b.request_meta(),
            }),
        );
        let listen_result = SubscriptionsListenResult {
            meta: b.notification_meta(),
            result_type: b.result_type(),
        };
        inst(o, "SubscriptionsListenResult", listen_result.clone());
        inst(
            o,
            "SubscriptionsListenResultResponse",
            b.response(listen_result),
        );
        inst(
            o,
            "SubscriptionsAcknowledgedNotification",
            SubscriptionsAcknowledgedNotification::from_params(
                SubscriptionsAcknowledgedNotificationParams {
                    notifications: filter,
                    meta: b.notification_meta(),
                },
            ),
        );
        inst(o, "InputRequiredResult", b.input_required_result());
        inst(
            o,
            "InputRequiredResult",
            InputRequiredResult::new().with_request_state("c2hlZA"),
        );
        inst(
            o,
            "InputRequest",
            InputRequest::from(b.create_message_request()),
        );
        inst(
            o,
            "InputRequest",
            InputRequest::from(b.list_roots_request()),
        );
        for request in b.elicit_requests() {
            inst(o, "InputRequest", InputRequest::from(request));
        }
        for result in b.call_tool_result_variants() {
            inst(o, "CallToolResultResponse", b.response(result));
        }
        inst(
            o,
            "GetPromptResultResponse",
            b.response(MrtrResult::Complete(b.get_prompt_result())),
        );
        inst(
            o,
            "GetPromptResultResponse",
            b.response(MrtrResult::<GetPromptResult>::InputRequired(
                b.input_required_result(),
            )),
        );
        inst(
            o,
            "ReadResourceResultResponse",
            b.response(MrtrResult::Complete(b.read_resource_result())),
        );
        inst(
            o,
            "ReadResourceResultResponse",
            b.response(MrtrResult::<ReadResourceResult>::InputRequired(
                b.input_required_result(),
            )),
        );
        inst(o, "CompleteResultResponse", b.response(b.complete_result()));
        inst(
            o,
            "ListToolsResultResponse",
            b.response(b.list_tools_result()),
        );
        inst(
            o,
            "ListPromptsResultResponse",
            b.response(b.list_prompts_result()),
        );
        inst(
            o,
            "ListResourcesResultResponse",
            b.response(b.list_resources_result()),
        );
        inst(
            o,
            "ListResourceTemplatesResultResponse",
            b.response(b.list_templates_result()),
        );

        // Errors.
        inst(o, "Error", ErrorData::internal_error("Unexpected error"));
        inst(o, "ParseError", ErrorData::parse_error("Parse error"));
        inst(
            o,
            "InvalidRequestError",
            ErrorData::invalid_request("Invalid request"),
        );
        inst(
            o,
            "MethodNotFoundError",
            ErrorData::method_not_found("prompts/list"),
        );
        inst(
            o,
            "InvalidParamsError",
            ErrorData::invalid_params("Unknown tool: invalid_tool_name"),
        );
        inst(
            o,
            "InternalError",
            ErrorData::internal_error("Unexpected error").with_data(json!({"details": "db down"})),
        );
        inst(
            o,
            "HeaderMismatchError",
            b.error_response(ErrorData::header_mismatch(
                "Header mismatch: Mcp-Name header value 'foo' does not match body value 'bar'",
            )),
        );
        inst(
            o,
            "UnsupportedProtocolVersionError",
            b.error_response(ErrorData::unsupported_protocol_version(
                "1900-01-01",
                &["2026-07-28", "2025-11-25"],
            )),
        );
        inst(
            o,
            "MissingRequiredClientCapabilityError",
            b.error_response(ErrorData::missing_required_client_capability(
                ClientCapabilities {
                    elicitation: Some(ElicitationCapability::default()),
                    ..Default::default()
                },
            )),
        );
    }

    // Tasks (2025-11-25).
    if v == V::V2025_11_25 {
        let task_params = || TaskRequestParams {
            task_id: "786512e2-9e0d-44bd-8f29-789f320fe840".into(),
            meta: None,
        };
        inst(
            o,
            "GetTaskRequest",
            GetTaskRequest::from_params(task_params()),
        );
        inst(
            o,
            "GetTaskPayloadRequest",
            GetTaskPayloadRequest::from_params(task_params()),
        );
        inst(
            o,
            "CancelTaskRequest",
            CancelTaskRequest::from_params(task_params()),
        );
        inst(
            o,
            "ListTasksRequest",
            ListTasksRequest::from_params(PaginatedRequestParams::after("page-2")),
        );
        inst(
            o,
            "CreateTaskResult",
            CreateTaskResult {
                task: b.task(TaskStatus::Working),
                meta: b.result_meta(),
                result_type: None,
            },
        );
        for status in [
            TaskStatus::Working,
            TaskStatus::InputRequired,
            TaskStatus::Completed,
            TaskStatus::Failed,
        ] {
            inst(
                o,
                "GetTaskResult",
                GetTaskResult {
                    task: b.task(status),
                    meta: b.result_meta(),
                    result_type: None,
                },
            );
        }
        inst(
            o,
            "GetTaskResult",
            GetTaskResult {
                task: Task {
                    ttl: None,
                    status_message: None,
                    poll_interval: None,
                    ..b.task(TaskStatus::Working)
                },
                meta: None,
                result_type: None,
            },
        );
        inst(
            o,
            "GetTaskPayloadResult",
            GetTaskPayloadResult::from_result(&b.call_tool_result()).unwrap(),
        );
        inst(
            o,
            "CancelTaskResult",
            CancelTaskResult {
                task: b.task(TaskStatus::Cancelled),
                meta: None,
                result_type: None,
            },
        );
        inst(
            o,
            "ListTasksResult",
            ListTasksResult {
                tasks: vec![b.task(TaskStatus::Working), b.task(TaskStatus::Completed)],
                next_cursor: Some("page-3".into()),
                meta: b.result_meta(),
                result_type: None,
            },
        );
        inst(
            o,
            "TaskStatusNotification",
            TaskStatusNotification::from_params(TaskStatusNotificationParams {
                task: b.task(TaskStatus::Completed),
                meta: Some(b.meta(json!({
                    "io.modelcontextprotocol/related-task": {"taskId": "786512e2-9e0d-44bd-8f29-789f320fe840"}
                }))),
            }),
        );
        inst(
            o,
            "ElicitationCompleteNotification",
            ElicitationCompleteNotification::from_params(ElicitationCompleteNotificationParams {
                elicitation_id: "elicit-42".into(),
                meta: None,
            }),
        );
        inst(o, "Error", ErrorData::invalid_params("Invalid cursor"));
        inst(
            o,
            "URLElicitationRequiredError",
            b.error_response(ErrorData::url_elicitation_required(vec![
                ElicitRequestUrlParams::new(
                    "Authorization is required to access your files.",
                    "https://mcp.example.com/connect?elicitationId=elicit-42",
                )
                .with_elicitation_id("elicit-42"),
            ])),
        );
    }

    // Tools.
    inst(
        o,
        "ListToolsRequest",
        ListToolsRequest::from_params(b.paginated(None)),
    );
    inst(
        o,
        "ListToolsRequest",
        ListToolsRequest::from_params(b.paginated(Some("page-2"))),
    );
    inst(o, "ListToolsResult", b.list_tools_result());
    for request in b.call_tool_requests() {
        inst(o, "CallToolRequest", request);
    }
    for result in b.call_tool_result_variants() {
        match result {
            MrtrResult::Complete(r) => inst(o, "CallToolResult", r),
            MrtrResult::InputRequired(_) => {}
        }
    }
    inst(
        o,
        "ToolListChangedNotification",
        ToolListChangedNotification::from_params(NotificationParams {
            meta: b.notification_meta(),
        }),
    );

    // Prompts.
    inst(
        o,
        "ListPromptsRequest",
        ListPromptsRequest::from_params(b.paginated(None)),
    );
    inst(o, "ListPromptsResult", b.list_prompts_result());
    inst(
        o,
        "GetPromptRequest",
        GetPromptRequest::from_params(GetPromptRequestParams {
            meta: b.request_meta(),
            ..GetPromptRequestParams::new("code_review").with_argument("code", "fn main() {}")
        }),
    );
    if b.stateless() {
        inst(
            o,
            "GetPromptRequest",
            GetPromptRequest::from_params(GetPromptRequestParams {
                input_responses: Some(b.input_responses()),
                request_state: Some("c3RhdGU".into()),
                meta: b.request_meta(),
                ..GetPromptRequestParams::new("code_review")
            }),
        );
    }
    inst(o, "GetPromptResult", b.get_prompt_result());
    inst(
        o,
        "PromptListChangedNotification",
        PromptListChangedNotification::from_params(NotificationParams {
            meta: b.notification_meta(),
        }),
    );

    // Resources.
    inst(
        o,
        "ListResourcesRequest",
        ListResourcesRequest::from_params(b.paginated(Some("page-2"))),
    );
    inst(o, "ListResourcesResult", b.list_resources_result());
    inst(
        o,
        "ListResourceTemplatesRequest",
        ListResourceTemplatesRequest::from_params(b.paginated(None)),
    );
    inst(o, "ListResourceTemplatesResult", b.list_templates_result());
    inst(
        o,
        "ReadResourceRequest",
        ReadResourceRequest::from_params(ReadResourceRequestParams {
            meta: b.request_meta(),
            ..ReadResourceRequestParams::new("file:///project/src/main.rs")
        }),
    );
    if b.stateless() {
        inst(
            o,
            "ReadResourceRequest",
            ReadResourceRequest::from_params(ReadResourceRequestParams {
                input_responses: Some(b.input_responses()),
                request_state: Some("c3RhdGU".into()),
                meta: b.request_meta(),
                ..ReadResourceRequestParams::new("file:///project/src/main.rs")
            }),
        );
    }
    inst(o, "ReadResourceResult", b.read_resource_result());
    inst(
        o,
        "ResourceListChangedNotification",
        ResourceListChangedNotification::from_params(NotificationParams {
            meta: b.notification_meta(),
        }),
    );
    inst(
        o,
        "ResourceUpdatedNotification",
        ResourceUpdatedNotification::from_params(ResourceUpdatedNotificationParams {
            uri: "file:///project/src/main.rs".into(),
            meta: b.notification_meta(),
        }),
    );

    // Completion.
    let reference: Reference = if v.is_stateless() || v >= V::V2025_06_18 {
        PromptReference {
            name: "code_review".into(),
            title: Some("Code review".into()),
        }
        .into()
    } else {
        PromptReference::new("code_review").into()
    };
    inst(
        o,
        "CompleteRequest",
        CompleteRequest::from_params(CompleteRequestParams {
            context: b.when(V::V2025_06_18, || CompletionContext {
                arguments: Some(BTreeMap::from([("language".into(), "python".into())])),
            }),
            meta: b.request_meta(),
            ..CompleteRequestParams::new(reference, "framework", "fla")
        }),
    );
    inst(
        o,
        "CompleteRequest",
        CompleteRequest::from_params(CompleteRequestParams {
            meta: b.request_meta(),
            ..CompleteRequestParams::new(
                ResourceTemplateReference::new("file:///project/{path}"),
                "path",
                "src/",
            )
        }),
    );
    inst(o, "CompleteResult", b.complete_result());

    // Logging, progress, cancellation.
    inst(
        o,
        "LoggingMessageNotification",
        LoggingMessageNotification::from_params(LoggingMessageNotificationParams {
            meta: b.when(V::V2025_06_18, || b.meta(json!({"com.example/host": "db-1"}))),
            ..LoggingMessageNotificationParams::new(
                LoggingLevel::Error,
                json!({"error": "Connection failed", "details": {"host": "localhost", "port": 5432}}),
            )
            .with_logger("database")
        }),
    );
    inst(
        o,
        "ProgressNotification",
        ProgressNotification::from_params(ProgressNotificationParams {
            message: b.when(V::V2025_03_26, || "Reticulating splines...".into()),
            meta: None,
            ..ProgressNotificationParams::new("progress-1", 50.0).with_total(100.0)
        }),
    );
    inst(
        o,
        "ProgressNotification",
        ProgressNotification::from_params(ProgressNotificationParams::new(7, 0.25)),
    );
    inst(
        o,
        "CancelledNotification",
        CancelledNotification::from_params(
            CancelledNotificationParams::new(RequestId::from("req-7"))
                .with_reason("User cancelled"),
        ),
    );

    // Sampling, roots, elicitation (server-sent in the handshake era, input requests after).
    inst(o, "CreateMessageRequest", b.create_message_request());
    for result in b.create_message_results() {
        inst(o, "CreateMessageResult", result);
    }
    inst(o, "ListRootsRequest", b.list_roots_request());
    inst(
        o,
        "ListRootsRequest",
        ListRootsRequest::from_params(EmptyRequestParams::default()),
    );
    inst(o, "ListRootsResult", b.list_roots_result());
    if v >= V::V2025_06_18 {
        for request in b.elicit_requests() {
            inst(o, "ElicitRequest", request);
        }
        for result in b.elicit_results() {
            inst(o, "ElicitResult", result);
        }
    }

    out
}

impl Build {
    fn call_tool_result_variants(&self) -> Vec<MrtrResult<CallToolResult>> {
        let mut results = vec![
            MrtrResult::Complete(self.call_tool_result()),
            MrtrResult::Complete(CallToolResult {
                result_type: self.result_type(),
                ..CallToolResult::error("City not found: Atlantis")
            }),
        ];
        if self.since(V::V2025_06_18) {
            let structured = if self.stateless() {
                json!([{"city": "Paris", "celsius": 18}, {"city": "Rome", "celsius": 24}])
            } else {
                json!({"forecasts": [{"city": "Paris", "celsius": 18}]})
            };
            results.push(MrtrResult::Complete(CallToolResult {
                result_type: self.result_type(),
                ..CallToolResult::structured(structured)
            }));
        }
        if self.stateless() {
            results.push(MrtrResult::InputRequired(self.input_required_result()));
        }
        results
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn every_message_kind_of_every_version_validates_against_its_schema() {
    let mut report = Vec::new();
    let mut summary = Vec::new();
    for v in V::ALL {
        let schema = load_schema(v);
        let key = defs_key(&schema);
        let kinds = message_kinds(&schema);
        let mut instances = instances(v);

        // Wrap messages whose definition is a full JSON-RPC message.
        for instance in &mut instances {
            let Some(props) = schema[key][instance.kind]
                .get("properties")
                .and_then(Value::as_object)
            else {
                continue;
            };
            let object = instance.json.as_object_mut().unwrap();
            if props.contains_key("jsonrpc") && !object.contains_key("jsonrpc") {
                object.insert("jsonrpc".into(), json!("2.0"));
            }
            if props.contains_key("id") && !object.contains_key("id") {
                object.insert("id".into(), json!(42));
            }
        }

        let covered: BTreeSet<String> = instances.iter().map(|i| i.kind.to_owned()).collect();
        for missing in kinds.difference(&covered) {
            report.push(format!(
                "{v}: no instance of `{missing}`; add one to `instances()` in tests/schema.rs"
            ));
        }
        for extra in covered.difference(&kinds) {
            report.push(format!(
                "{v}: an instance of `{extra}` was built, but {v} does not define that kind"
            ));
        }

        let unions: Vec<(&str, BTreeSet<String>, jsonschema::Validator)> = UNIONS
            .iter()
            .filter(|u| schema[key].get(**u).is_some())
            .map(|u| (*u, union_members(&schema, u), validator_for(&schema, u)))
            .collect();

        let mut validators: BTreeMap<&str, jsonschema::Validator> = BTreeMap::new();
        let mut union_checks = 0;
        for instance in &instances {
            if !kinds.contains(instance.kind) {
                continue;
            }
            let validator = validators
                .entry(instance.kind)
                .or_insert_with(|| validator_for(&schema, instance.kind));
            let errors: Vec<String> = validator
                .iter_errors(&instance.json)
                .map(|e| format!("  - at `{}`: {e}", e.instance_path()))
                .collect();
            if !errors.is_empty() {
                report.push(format!(
                    "{v}: `{}` does not validate:\n{}\n{}",
                    instance.kind,
                    errors.join("\n"),
                    pretty(&instance.json)
                ));
            }
            for (union, members, validator) in &unions {
                if !members.contains(instance.kind) {
                    continue;
                }
                union_checks += 1;
                if !validator.is_valid(&instance.json) {
                    report.push(format!(
                        "{v}: `{}` does not validate against the union `{union}`:\n{}",
                        instance.kind,
                        pretty(&instance.json)
                    ));
                }
            }
        }
        summary.push(format!(
            "{v}: {} kinds, {} instances, {} union checks",
            kinds.len(),
            instances.len(),
            union_checks
        ));
    }
    println!("{}", summary.join("\n"));
    assert!(
        report.is_empty(),
        "{} problem(s):\n\n{}",
        report.len(),
        report.join("\n\n")
    );
}

#[test]
fn kinds_are_read_from_the_schema_files() {
    // Guards the kind filter itself: the newest schema must yield its known message kinds.
    let kinds = message_kinds(&load_schema(V::V2026_07_28));
    for kind in [
        "DiscoverRequest",
        "CallToolResultResponse",
        "UnsupportedProtocolVersionError",
        "SubscriptionsAcknowledgedNotification",
        "InputRequiredResult",
    ] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
    for abstract_kind in [
        "Result",
        "PaginatedRequest",
        "CacheableResult",
        "JSONRPCRequest",
    ] {
        assert!(!kinds.contains(abstract_kind));
    }
    assert!(message_kinds(&load_schema(V::V2024_11_05)).contains("PingRequest"));
}

#[test]
fn the_validator_rejects_broken_messages() {
    // Guards the harness: a tool call without its tool name must fail in every version.
    for v in V::ALL {
        let schema = load_schema(v);
        let validator = validator_for(&schema, "CallToolRequest");
        let mut broken = instances(v)
            .into_iter()
            .find(|i| i.kind == "CallToolRequest")
            .unwrap()
            .json;
        broken["jsonrpc"] = json!("2.0");
        broken["id"] = json!(1);
        assert!(validator.is_valid(&broken), "{v}: {}", pretty(&broken));
        broken["params"].as_object_mut().unwrap().remove("name");
        assert!(
            !validator.is_valid(&broken),
            "{v}: accepted {}",
            pretty(&broken)
        );
    }
}

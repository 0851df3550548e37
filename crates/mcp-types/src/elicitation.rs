//! Elicitation: the server asks the user for input through the client (`elicitation/create`),
//! with a form (a restricted JSON Schema) or, from 2025-11-25, by sending the user to a URL.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::meta::{Meta, RequestMeta};
use crate::result::ResultType;
use crate::tasks::TaskMetadata;

/// The `mode` of a form elicitation: always `"form"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormMode {
    /// Form mode.
    #[default]
    #[serde(rename = "form")]
    Form,
}

/// The params of a form elicitation: a message and the fields to ask for.
///
/// ```
/// use mcp_types::{ElicitRequestFormParams, RequestedSchema, StringSchema};
/// let params = ElicitRequestFormParams::new(
///     "Your GitHub login?",
///     RequestedSchema::new().with_property("login", StringSchema::new(), true),
/// );
/// let json = serde_json::to_value(&params).unwrap();
/// assert_eq!(json["requestedSchema"]["required"][0], "login");
/// assert_eq!(json["mode"], "form");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElicitRequestFormParams {
    /// `"form"` (2025-11-25 on; absent means form too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<FormMode>,
    /// What is asked and why.
    pub message: String,
    /// The fields to fill in.
    pub requested_schema: RequestedSchema,
    /// Run the request as a task (2025-11-25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskMetadata>,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl ElicitRequestFormParams {
    /// A form asking `message`, with these fields.
    pub fn new(message: impl Into<String>, requested_schema: RequestedSchema) -> Self {
        Self {
            mode: Some(FormMode::Form),
            message: message.into(),
            requested_schema,
            task: None,
            meta: None,
        }
    }
}

/// The fields of a form elicitation: a flat object schema whose properties are primitives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "object", rename_all = "camelCase")]
pub struct RequestedSchema {
    /// The JSON Schema dialect (`$schema`), if stated (2025-11-25 on).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The fields, by name.
    pub properties: BTreeMap<String, PrimitiveSchemaDefinition>,
    /// The names of the fields that must be filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
}

impl RequestedSchema {
    /// A schema with no fields yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same schema with one more field.
    pub fn with_property(
        mut self,
        name: impl Into<String>,
        schema: impl Into<PrimitiveSchemaDefinition>,
        required: bool,
    ) -> Self {
        let name = name.into();
        if required {
            self.required
                .get_or_insert_with(Vec::new)
                .push(name.clone());
        }
        self.properties.insert(name, schema.into());
        self
    }
}

/// The params of a URL elicitation (2025-11-25 on): the user is sent to a URL for an
/// interaction that must not pass through the client (credentials, payments, OAuth).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename = "url", rename_all = "camelCase")]
pub struct ElicitRequestUrlParams {
    /// Why the user should go there.
    pub message: String,
    /// Where to send the user.
    pub url: String,
    /// The id that `notifications/elicitation/complete` will carry (2025-11-25 only, where it
    /// is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elicitation_id: Option<String>,
    /// Run the request as a task (2025-11-25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskMetadata>,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl ElicitRequestUrlParams {
    /// Sends the user to `url`, saying why.
    pub fn new(message: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            url: url.into(),
            ..Self::default()
        }
    }

    /// The same params with an elicitation id (needed in 2025-11-25).
    pub fn with_elicitation_id(mut self, id: impl Into<String>) -> Self {
        self.elicitation_id = Some(id.into());
        self
    }
}

/// The params of `elicitation/create`: a form or a URL, told apart by `mode`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ElicitRequestParams {
    /// A form (`mode` absent or `"form"`).
    Form(ElicitRequestFormParams),
    /// A URL (`mode: "url"`).
    Url(ElicitRequestUrlParams),
}

impl<'de> Deserialize<'de> for ElicitRequestParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match value.get("mode").and_then(Value::as_str) {
            Some("url") => ElicitRequestUrlParams::deserialize(value)
                .map(Self::Url)
                .map_err(D::Error::custom),
            None | Some("form") => ElicitRequestFormParams::deserialize(value)
                .map(Self::Form)
                .map_err(D::Error::custom),
            Some(other) => Err(D::Error::unknown_variant(other, &["form", "url"])),
        }
    }
}

impl From<ElicitRequestFormParams> for ElicitRequestParams {
    fn from(p: ElicitRequestFormParams) -> Self {
        Self::Form(p)
    }
}

impl From<ElicitRequestUrlParams> for ElicitRequestParams {
    fn from(p: ElicitRequestUrlParams) -> Self {
        Self::Url(p)
    }
}

impl crate::request::RequestParams for ElicitRequestParams {
    fn meta(&self) -> Option<&RequestMeta> {
        match self {
            Self::Form(p) => p.meta.as_ref(),
            Self::Url(p) => p.meta.as_ref(),
        }
    }
    fn meta_mut(&mut self) -> &mut Option<RequestMeta> {
        match self {
            Self::Form(p) => &mut p.meta,
            Self::Url(p) => &mut p.meta,
        }
    }
}

request_kind! {
    /// `elicitation/create`: the server asks the user for input (2025-06-18 on).
    ElicitRequest = "elicitation/create",
    params: ElicitRequestParams,
    result: ElicitResult,
    required,
}

/// A field of a form elicitation: a string, number, boolean or enumeration.
///
/// Told apart by `type` and, for enumerations, by `enum`, `oneOf`, `enumNames` or `items`.
///
/// ```
/// use mcp_types::{EnumSchema, PrimitiveSchemaDefinition};
/// let field: PrimitiveSchemaDefinition =
///     serde_json::from_str(r#"{"type":"string","enum":["red","green"]}"#).unwrap();
/// assert!(matches!(field, PrimitiveSchemaDefinition::Enum(EnumSchema::UntitledSingleSelect(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PrimitiveSchemaDefinition {
    /// A string.
    String(StringSchema),
    /// A number or integer.
    Number(NumberSchema),
    /// A boolean.
    Boolean(BooleanSchema),
    /// A choice among values.
    Enum(EnumSchema),
}

/// A choice among values: single or multiple selection, with or without display titles.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EnumSchema {
    /// One value among plain values (2025-11-25 on; the 2025-06-18 enum without `enumNames`).
    UntitledSingleSelect(UntitledSingleSelectEnumSchema),
    /// One value among titled options (2025-11-25 on).
    TitledSingleSelect(TitledSingleSelectEnumSchema),
    /// Several values among plain values (2025-11-25 on).
    UntitledMultiSelect(UntitledMultiSelectEnumSchema),
    /// Several values among titled options (2025-11-25 on).
    TitledMultiSelect(TitledMultiSelectEnumSchema),
    /// One value among plain values with display names in `enumNames` (2025-06-18; legacy).
    LegacyTitled(LegacyTitledEnumSchema),
}

enum FieldKind {
    String,
    Number,
    Boolean,
    UntitledSingle,
    TitledSingle,
    UntitledMulti,
    TitledMulti,
    Legacy,
}

fn field_kind(value: &Value) -> Option<FieldKind> {
    let has = |key: &str| value.get(key).is_some();
    Some(match value.get("type")?.as_str()? {
        "string" if has("oneOf") => FieldKind::TitledSingle,
        "string" if has("enumNames") => FieldKind::Legacy,
        "string" if has("enum") => FieldKind::UntitledSingle,
        "string" => FieldKind::String,
        "number" | "integer" => FieldKind::Number,
        "boolean" => FieldKind::Boolean,
        "array" if value.pointer("/items/anyOf").is_some() => FieldKind::TitledMulti,
        "array" => FieldKind::UntitledMulti,
        _ => return None,
    })
}

fn enum_from_value<E: serde::de::Error>(kind: FieldKind, value: Value) -> Result<EnumSchema, E> {
    let schema = match kind {
        FieldKind::UntitledSingle => {
            serde_json::from_value(value).map(EnumSchema::UntitledSingleSelect)
        }
        FieldKind::TitledSingle => {
            serde_json::from_value(value).map(EnumSchema::TitledSingleSelect)
        }
        FieldKind::UntitledMulti => {
            serde_json::from_value(value).map(EnumSchema::UntitledMultiSelect)
        }
        FieldKind::TitledMulti => serde_json::from_value(value).map(EnumSchema::TitledMultiSelect),
        FieldKind::Legacy => serde_json::from_value(value).map(EnumSchema::LegacyTitled),
        FieldKind::String | FieldKind::Number | FieldKind::Boolean => {
            return Err(E::custom("expected an enum schema"));
        }
    };
    schema.map_err(E::custom)
}

const FIELD_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array"];

impl<'de> Deserialize<'de> for PrimitiveSchemaDefinition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let kind = field_kind(&value).ok_or_else(|| bad_field_type::<D::Error>(&value))?;
        match kind {
            FieldKind::String => serde_json::from_value(value).map(Self::String),
            FieldKind::Number => serde_json::from_value(value).map(Self::Number),
            FieldKind::Boolean => serde_json::from_value(value).map(Self::Boolean),
            kind => return enum_from_value(kind, value).map(Self::Enum),
        }
        .map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for EnumSchema {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let kind = field_kind(&value).ok_or_else(|| bad_field_type::<D::Error>(&value))?;
        enum_from_value(kind, value)
    }
}

fn bad_field_type<E: serde::de::Error>(value: &Value) -> E {
    match value.get("type") {
        Some(Value::String(t)) => E::unknown_variant(t, FIELD_TYPES),
        _ => E::missing_field("type"),
    }
}

macro_rules! into_primitive {
    ($($ty:ident => $variant:ident),* $(,)?) => {
        $(
            impl From<$ty> for PrimitiveSchemaDefinition {
                fn from(s: $ty) -> Self {
                    Self::$variant(s)
                }
            }
        )*
    };
}

into_primitive!(StringSchema => String, NumberSchema => Number, BooleanSchema => Boolean, EnumSchema => Enum);

macro_rules! into_enum {
    ($($ty:ident => $variant:ident),* $(,)?) => {
        $(
            impl From<$ty> for EnumSchema {
                fn from(s: $ty) -> Self {
                    Self::$variant(s)
                }
            }
            impl From<$ty> for PrimitiveSchemaDefinition {
                fn from(s: $ty) -> Self {
                    Self::Enum(EnumSchema::$variant(s))
                }
            }
        )*
    };
}

into_enum!(
    UntitledSingleSelectEnumSchema => UntitledSingleSelect,
    TitledSingleSelectEnumSchema => TitledSingleSelect,
    UntitledMultiSelectEnumSchema => UntitledMultiSelect,
    TitledMultiSelectEnumSchema => TitledMultiSelect,
    LegacyTitledEnumSchema => LegacyTitled,
);

open_string_enum! {
    /// The format of a string field.
    pub enum StringFormat {
        /// An email address.
        Email = "email",
        /// A URI.
        Uri = "uri",
        /// A date.
        Date = "date",
        /// A date and time.
        DateTime = "date-time",
    }
}

/// A string field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "string", rename_all = "camelCase")]
pub struct StringSchema {
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The least number of characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// The greatest number of characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// The expected format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<StringFormat>,
    /// The initial value (2025-11-25 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl StringSchema {
    /// A plain string field.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same field with a label.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The same field with a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The same field with a format.
    pub fn with_format(mut self, format: StringFormat) -> Self {
        self.format = Some(format);
        self
    }
}

/// Whether a number field takes any number or integers only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberType {
    /// Any number.
    #[default]
    Number,
    /// Integers only.
    Integer,
}

/// A number field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NumberSchema {
    /// `"number"` or `"integer"`.
    pub r#type: NumberType,
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The smallest value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub minimum: Option<f64>,
    /// The largest value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub maximum: Option<f64>,
    /// The initial value (2025-11-25 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub default: Option<f64>,
}

impl NumberSchema {
    /// A field taking any number.
    pub fn number() -> Self {
        Self::default()
    }

    /// A field taking integers only.
    pub fn integer() -> Self {
        Self {
            r#type: NumberType::Integer,
            ..Self::default()
        }
    }

    /// The same field with bounds.
    pub fn with_range(mut self, minimum: f64, maximum: f64) -> Self {
        self.minimum = Some(minimum);
        self.maximum = Some(maximum);
        self
    }
}

/// A boolean field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "boolean", rename_all = "camelCase")]
pub struct BooleanSchema {
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The initial value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

impl BooleanSchema {
    /// A boolean field.
    pub fn new() -> Self {
        Self::default()
    }
}

/// An option of a titled enumeration: a value and its label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumOption {
    /// The value.
    pub r#const: String,
    /// The label.
    pub title: String,
}

impl EnumOption {
    /// An option with a value and a label.
    pub fn new(value: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            r#const: value.into(),
            title: title.into(),
        }
    }
}

/// Single selection among plain values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "string", rename_all = "camelCase")]
pub struct UntitledSingleSelectEnumSchema {
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The values to choose from.
    pub r#enum: Vec<String>,
    /// The initial value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// Single selection among titled options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "string", rename_all = "camelCase")]
pub struct TitledSingleSelectEnumSchema {
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The options to choose from.
    pub one_of: Vec<EnumOption>,
    /// The initial value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// The `items` of an untitled multiple selection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "string")]
pub struct UntitledEnumItems {
    /// The values to choose from.
    pub r#enum: Vec<String>,
}

/// Multiple selection among plain values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "array", rename_all = "camelCase")]
pub struct UntitledMultiSelectEnumSchema {
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The least number of values to pick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// The greatest number of values to pick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// The values to choose from.
    pub items: UntitledEnumItems,
    /// The initial values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Vec<String>>,
}

/// The `items` of a titled multiple selection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TitledEnumItems {
    /// The options to choose from.
    pub any_of: Vec<EnumOption>,
}

/// Multiple selection among titled options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "array", rename_all = "camelCase")]
pub struct TitledMultiSelectEnumSchema {
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The least number of values to pick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// The greatest number of values to pick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// The options to choose from.
    pub items: TitledEnumItems,
    /// The initial values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Vec<String>>,
}

/// Single selection with display names in the non-standard `enumNames` (the 2025-06-18
/// `EnumSchema`; use [`TitledSingleSelectEnumSchema`] instead).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "string", rename_all = "camelCase")]
pub struct LegacyTitledEnumSchema {
    /// The field's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the field is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The values to choose from.
    pub r#enum: Vec<String>,
    /// Display names of the values, in the same order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_names: Option<Vec<String>>,
    /// The initial value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// What the user did with an elicitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElicitAction {
    /// Submitted the form or agreed to go to the URL.
    Accept,
    /// Explicitly said no.
    Decline,
    /// Dismissed it without choosing.
    Cancel,
}

/// A value the user entered in a form field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ElicitValue {
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// Several strings, from a multiple selection (2025-11-25 on).
    StringArray(Vec<String>),
}

impl Serialize for ElicitValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Number(n) => crate::number::serialize(n, serializer),
            Self::String(s) => serializer.serialize_str(s),
            Self::StringArray(a) => a.serialize(serializer),
        }
    }
}

impl ElicitValue {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for ElicitValue {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for ElicitValue {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<bool> for ElicitValue {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<f64> for ElicitValue {
    fn from(n: f64) -> Self {
        Self::Number(n)
    }
}

impl From<i64> for ElicitValue {
    fn from(n: i64) -> Self {
        Self::Number(n as f64)
    }
}

impl From<Vec<String>> for ElicitValue {
    fn from(a: Vec<String>) -> Self {
        Self::StringArray(a)
    }
}

/// The result of `elicitation/create`.
///
/// ```
/// use mcp_types::{ElicitAction, ElicitResult};
/// let r = ElicitResult::accept([("login", "octocat".into())]);
/// assert_eq!(r.action, ElicitAction::Accept);
/// assert_eq!(
///     serde_json::to_string(&r).unwrap(),
///     r#"{"action":"accept","content":{"login":"octocat"}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElicitResult {
    /// What the user did.
    pub action: ElicitAction,
    /// The submitted form, when the action is `accept` in form mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<BTreeMap<String, ElicitValue>>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (2026-07-28; this result does not use it there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

impl ElicitResult {
    /// A result with the given action and no content.
    pub fn new(action: ElicitAction) -> Self {
        Self {
            action,
            content: None,
            meta: None,
            result_type: None,
        }
    }

    /// The user submitted these values.
    pub fn accept<K: Into<String>>(content: impl IntoIterator<Item = (K, ElicitValue)>) -> Self {
        Self {
            content: Some(content.into_iter().map(|(k, v)| (k.into(), v)).collect()),
            ..Self::new(ElicitAction::Accept)
        }
    }

    /// The user declined.
    pub fn decline() -> Self {
        Self::new(ElicitAction::Decline)
    }

    /// The user dismissed the request.
    pub fn cancel() -> Self {
        Self::new(ElicitAction::Cancel)
    }
}

/// The params of `notifications/elicitation/complete`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElicitationCompleteNotificationParams {
    /// The id of the URL elicitation that completed.
    pub elicitation_id: String,
    /// Notification metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

notification_kind! {
    /// `notifications/elicitation/complete`: an out-of-band URL elicitation finished
    /// (2025-11-25 only).
    ElicitationCompleteNotification = "notifications/elicitation/complete",
    params: ElicitationCompleteNotificationParams,
    required,
}

request_params!(ElicitRequestFormParams, ElicitRequestUrlParams);
result_fields!(ElicitResult);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(json: Value) -> PrimitiveSchemaDefinition {
        let parsed: PrimitiveSchemaDefinition = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json);
        parsed
    }

    #[test]
    fn every_field_kind_is_recognized() {
        use EnumSchema as E;
        use PrimitiveSchemaDefinition as P;
        assert!(matches!(
            round_trip(json!({"type": "string", "format": "email"})),
            P::String(_)
        ));
        assert!(matches!(
            round_trip(json!({"type": "integer", "minimum": 1})),
            P::Number(_)
        ));
        assert!(matches!(
            round_trip(json!({"type": "boolean", "default": true})),
            P::Boolean(_)
        ));
        assert!(matches!(
            round_trip(json!({"type": "string", "enum": ["a"]})),
            P::Enum(E::UntitledSingleSelect(_))
        ));
        assert!(matches!(
            round_trip(json!({"type": "string", "enum": ["a"], "enumNames": ["A"]})),
            P::Enum(E::LegacyTitled(_))
        ));
        assert!(matches!(
            round_trip(json!({"type": "string", "oneOf": [{"const": "a", "title": "A"}]})),
            P::Enum(E::TitledSingleSelect(_))
        ));
        assert!(matches!(
            round_trip(json!({"type": "array", "items": {"type": "string", "enum": ["a"]}})),
            P::Enum(E::UntitledMultiSelect(_))
        ));
        assert!(matches!(
            round_trip(
                json!({"type": "array", "items": {"anyOf": [{"const": "a", "title": "A"}]}})
            ),
            P::Enum(E::TitledMultiSelect(_))
        ));
        let err = serde_json::from_value::<P>(json!({"type": "object"})).unwrap_err();
        assert!(err.to_string().contains("object"), "{err}");
    }

    #[test]
    fn elicit_params_are_told_apart_by_mode() {
        let url: ElicitRequestParams = serde_json::from_value(
            json!({"mode": "url", "message": "Sign in", "url": "https://example.com/x", "elicitationId": "e1"}),
        )
        .unwrap();
        assert!(
            matches!(url, ElicitRequestParams::Url(ref p) if p.elicitation_id.as_deref() == Some("e1"))
        );
        let form: ElicitRequestParams = serde_json::from_value(
            json!({"message": "Name?", "requestedSchema": {"type": "object", "properties": {}}}),
        )
        .unwrap();
        match &form {
            ElicitRequestParams::Form(p) => assert_eq!(p.mode, None),
            other => panic!("expected a form, got {other:?}"),
        }
        assert_eq!(serde_json::to_value(&url).unwrap()["mode"], "url");
        assert!(
            serde_json::from_value::<ElicitRequestParams>(
                json!({"mode": "telepathy", "message": "?"})
            )
            .is_err()
        );
    }

    #[test]
    fn elicit_values_keep_their_json_type() {
        let content: BTreeMap<String, ElicitValue> = serde_json::from_value(
            json!({"n": 30, "x": 1.5, "b": false, "s": "hi", "a": ["x", "y"]}),
        )
        .unwrap();
        assert_eq!(content["n"], ElicitValue::Number(30.0));
        assert_eq!(
            serde_json::to_value(&content).unwrap(),
            json!({"n": 30, "x": 1.5, "b": false, "s": "hi", "a": ["x", "y"]})
        );
    }
}

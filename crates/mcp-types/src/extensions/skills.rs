//! The skills extension (`io.modelcontextprotocol/skills`, SEP-2640): a server serves
//! [Agent Skills](https://agentskills.io/) — directories of files around a `SKILL.md` — as
//! resources (`skill://<skill-path>/<file-path>`), lists them with `skills/list`, describes one
//! with `skills/get` (its frontmatter and a manifest of its files with digests), and may list a
//! directory's children with `resources/directory/read`.
//!
//! ```
//! use mcp_types::extensions::skills::{Skill, SkillResources};
//!
//! let skill: Skill = serde_json::from_value(serde_json::json!({
//!     "uri": "skill://git-workflow/SKILL.md",
//!     "frontmatter": {"name": "git-workflow", "description": "Follow the team's Git conventions"},
//!     "resources": [{
//!         "uri": "skill://git-workflow/SKILL.md",
//!         "digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000",
//!         "size": 2314
//!     }]
//! }))
//! .unwrap();
//! assert_eq!(skill.name(), Some("git-workflow"));
//! assert!(matches!(skill.resources, SkillResources::Files(ref files) if files.len() == 1));
//!
//! let dynamic: Skill = serde_json::from_value(serde_json::json!({
//!     "uri": "skill://reports/daily/SKILL.md",
//!     "frontmatter": {"name": "daily", "description": "Today's report"},
//!     "resources": "dynamic"
//! }))
//! .unwrap();
//! assert_eq!(dynamic.resources, SkillResources::Dynamic);
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::capabilities::ServerCapabilities;
use crate::meta::{JsonObject, Meta, RequestMeta};
use crate::pagination::{Cursor, PaginatedRequestParams};
use crate::resources::Resource;
use crate::result::{CacheScope, ResultType};

/// The extension's identifier, the key under the server's `capabilities.extensions`.
pub const SKILLS_EXTENSION: &str = "io.modelcontextprotocol/skills";

/// The file every skill has at its root.
pub const SKILL_MD: &str = "SKILL.md";

/// The URI scheme servers should serve skills under.
pub const SKILL_SCHEME: &str = "skill";

/// The MIME type of a `SKILL.md`.
pub const SKILL_MD_MIME_TYPE: &str = "text/markdown";

/// The MIME type of a directory resource (`resources/directory/read`).
pub const DIRECTORY_MIME_TYPE: &str = "inode/directory";

/// The most files one skill should have, `SKILL.md` included.
pub const MAX_SKILL_FILES: usize = 512;

/// The most bytes one skill's files should add up to (16 MiB).
pub const MAX_SKILL_BYTES: u64 = 16 * 1024 * 1024;

/// The extension's settings in the server's capabilities.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillsCapability {
    /// The server answers `resources/directory/read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_read: Option<bool>,
}

impl SkillsCapability {
    /// The settings as declared under `capabilities.extensions`: `{}` or
    /// `{"directoryRead": true}`.
    pub fn settings(&self) -> JsonObject {
        let mut settings = JsonObject::new();
        if let Some(directory_read) = self.directory_read {
            settings.insert("directoryRead".into(), directory_read.into());
        }
        settings
    }

    /// The extension's settings in a server's capabilities, when it declares the extension
    /// (settings of the wrong shape read as none).
    pub fn of(capabilities: &ServerCapabilities) -> Option<Self> {
        let settings = capabilities.extension(SKILLS_EXTENSION)?;
        Some(Self {
            directory_read: settings
                .get("directoryRead")
                .and_then(serde_json::Value::as_bool),
        })
    }
}

/// One file of a skill: its resource URI, and the digest and size of its raw bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillResource {
    /// The file's resource URI.
    pub uri: String,
    /// `sha256:` and 64 lowercase hex digits: the SHA-256 of the file's raw bytes.
    pub digest: String,
    /// The length of the file's raw bytes.
    pub size: u64,
}

/// A skill's files: every one of them with its digest, or `"dynamic"` for a skill whose
/// content is generated (it offers no integrity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkillResources {
    /// Every file, `SKILL.md` included, each once.
    Files(Vec<SkillResource>),
    /// Generated content: no stable digests.
    Dynamic,
}

impl Serialize for SkillResources {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Files(files) => files.serialize(serializer),
            Self::Dynamic => serializer.serialize_str("dynamic"),
        }
    }
}

impl<'de> Deserialize<'de> for SkillResources {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Files(Vec<SkillResource>),
            Word(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Files(files) => Ok(Self::Files(files)),
            Wire::Word(word) if word == "dynamic" => Ok(Self::Dynamic),
            Wire::Word(other) => Err(serde::de::Error::custom(format!(
                "resources is an array or \"dynamic\", not {other:?}"
            ))),
        }
    }
}

/// The entry of one skill, as `skills/list` and `skills/get` give it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skill {
    /// The resource URI of the skill's `SKILL.md`.
    pub uri: String,
    /// The `SKILL.md`'s YAML frontmatter, as a JSON object (`name` and `description` at least).
    pub frontmatter: JsonObject,
    /// The skill's files.
    pub resources: SkillResources,
}

impl Skill {
    /// The skill's name (`frontmatter.name`).
    pub fn name(&self) -> Option<&str> {
        self.frontmatter.get("name").and_then(|v| v.as_str())
    }

    /// The skill's description (`frontmatter.description`).
    pub fn description(&self) -> Option<&str> {
        self.frontmatter.get("description").and_then(|v| v.as_str())
    }

    /// The URI of the skill's root directory: its `uri` without `/SKILL.md`.
    pub fn root(&self) -> Option<&str> {
        self.uri.strip_suffix(SKILL_MD)?.strip_suffix('/')
    }

    /// The manifest entry of the file at `uri`, when the skill lists it.
    pub fn file(&self, uri: &str) -> Option<&SkillResource> {
        match &self.resources {
            SkillResources::Files(files) => files.iter().find(|f| f.uri == uri),
            SkillResources::Dynamic => None,
        }
    }
}

request_kind! {
    /// `skills/list`: the skills the server serves, a page at a time.
    ListSkillsRequest = "skills/list",
    params: PaginatedRequestParams,
    result: ListSkillsResult,
    optional,
}

/// The result of `skills/list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListSkillsResult {
    /// The skills of this page (a skill is never split across pages).
    pub skills: Vec<Skill>,
    /// The cursor of the next page, if there may be one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<Cursor>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// How long the listing may be cached, in milliseconds (2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<u64>,
    /// Who may cache it (2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_scope: Option<CacheScope>,
}

/// The params of `skills/get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetSkillRequestParams {
    /// The URI of the skill's `SKILL.md`.
    pub uri: String,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl GetSkillRequestParams {
    /// Names the skill whose `SKILL.md` is at `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            meta: None,
        }
    }
}

request_kind! {
    /// `skills/get`: the entry of one skill, by the URI of its `SKILL.md`.
    GetSkillRequest = "skills/get",
    params: GetSkillRequestParams,
    result: GetSkillResult,
    required,
}

/// The result of `skills/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetSkillResult {
    /// The skill's entry.
    pub skill: Skill,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// How long the entry may be taken as current, in milliseconds (2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<u64>,
    /// Who may cache it (2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_scope: Option<CacheScope>,
}

impl GetSkillResult {
    /// The result holding `skill`.
    pub fn new(skill: Skill) -> Self {
        Self {
            skill,
            meta: None,
            result_type: None,
            ttl_ms: None,
            cache_scope: None,
        }
    }
}

/// The params of `resources/directory/read`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadResourceDirectoryRequestParams {
    /// The URI of the directory (no trailing slash).
    pub uri: String,
    /// Where to continue, from a previous page's `nextCursor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl ReadResourceDirectoryRequestParams {
    /// The first page of the directory at `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            cursor: None,
            meta: None,
        }
    }
}

request_kind! {
    /// `resources/directory/read`: the direct children of a directory resource.
    ReadResourceDirectoryRequest = "resources/directory/read",
    params: ReadResourceDirectoryRequestParams,
    result: ReadResourceDirectoryResult,
    required,
}

/// The result of `resources/directory/read`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadResourceDirectoryResult {
    /// The directory's direct children: files with their resource metadata, subdirectories
    /// with the MIME type `inode/directory`.
    pub resources: Vec<Resource>,
    /// The cursor of the next page, if there may be one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<Cursor>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

request_params!(GetSkillRequestParams, ReadResourceDirectoryRequestParams);
result_fields!(ReadResourceDirectoryResult);
result_fields!(cacheable: ListSkillsResult, GetSkillResult);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resources_are_an_array_or_dynamic_and_nothing_else() {
        let files: SkillResources = serde_json::from_value(json!([])).unwrap();
        assert_eq!(files, SkillResources::Files(vec![]));
        assert_eq!(
            serde_json::to_value(SkillResources::Dynamic).unwrap(),
            json!("dynamic")
        );
        assert!(serde_json::from_value::<SkillResources>(json!("static")).is_err());
        assert!(serde_json::from_value::<SkillResources>(json!({"uri": "x"})).is_err());
    }

    #[test]
    fn an_entry_knows_its_root_and_files() {
        let skill = Skill {
            uri: "skill://acme/billing/refunds/SKILL.md".into(),
            frontmatter: serde_json::from_value(json!({"name": "refunds", "description": "d"}))
                .unwrap(),
            resources: SkillResources::Files(vec![SkillResource {
                uri: "skill://acme/billing/refunds/SKILL.md".into(),
                digest: format!("sha256:{}", "0".repeat(64)),
                size: 3,
            }]),
        };
        assert_eq!(skill.root(), Some("skill://acme/billing/refunds"));
        assert_eq!(skill.description(), Some("d"));
        assert!(
            skill
                .file("skill://acme/billing/refunds/SKILL.md")
                .is_some()
        );
        assert!(
            skill
                .file("skill://acme/billing/refunds/other.md")
                .is_none()
        );
    }

    #[test]
    fn listings_are_cacheable() {
        use crate::Cacheable;
        let mut listing = ListSkillsResult::default();
        listing.set_cache(300_000, CacheScope::Public);
        assert_eq!(
            serde_json::to_value(&listing).unwrap(),
            json!({"skills": [], "ttlMs": 300000, "cacheScope": "public"})
        );
    }
}

//! Skills a [`FastMcp`](super::FastMcp) serves (the skills extension, SEP-2640): each a
//! directory of files around a `SKILL.md`, served as `skill://<skill-path>/<file-path>`
//! resources and described by `skills/list` and `skills/get` with a digest of every file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use indexmap::IndexMap;
use parking_lot::RwLock;
use serde::Serialize;
use serde_json::Value;

use super::FastMcp;
use crate::server::ServerNotifier;
use crate::skills::{FrontmatterError, check_name, digest, frontmatter};
use crate::types::extensions::skills::{
    DIRECTORY_MIME_TYPE, MAX_SKILL_BYTES, MAX_SKILL_FILES, SKILL_MD, SKILL_MD_MIME_TYPE, Skill,
    SkillResource, SkillResources,
};
use crate::types::{
    BlobResourceContents, JsonObject, Resource, ResourceContents, TextResourceContents,
};

/// A skill could not be defined or added.
#[derive(Debug, thiserror::Error)]
pub enum SkillDefError {
    /// A file of the skill could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The skill has no `SKILL.md`.
    #[error("{0} has no SKILL.md at its root")]
    NoSkillMd(String),
    /// The `SKILL.md`'s frontmatter is wrong.
    #[error("the SKILL.md of {skill}: {error}")]
    Frontmatter {
        /// The skill's path.
        skill: String,
        /// What is wrong.
        #[source]
        error: FrontmatterError,
    },
    /// The name breaks the Agent Skills naming rules.
    #[error(transparent)]
    BadName(#[from] crate::skills::SkillNameError),
    /// The skill's path does not end in its name, as the extension requires.
    #[error("the skill at `{path}` is named `{name}`: its path must end in its name")]
    NameNotLast {
        /// The skill's path.
        path: String,
        /// The frontmatter's name.
        name: String,
    },
    /// A file path is not a relative path inside the skill.
    #[error("`{0}` is not a path inside the skill (relative, `/`-separated, without `..`)")]
    BadFilePath(String),
    /// The prefix is not a `/`-separated list of URI path segments.
    #[error(
        "`{0}` is not a skill prefix: its segments must be non-empty and hold only letters, \
         digits and `-._~!$&'()*+,;=:@`, with no `.` or `..` segment"
    )]
    BadPrefix(String),
    /// A `SKILL.md` below the skill's root: skills do not nest.
    #[error("the skill `{skill}` holds another SKILL.md at `{file}`: skills do not nest")]
    NestedSkill {
        /// The skill's path.
        skill: String,
        /// The nested `SKILL.md`'s path in the skill.
        file: String,
    },
    /// The skill is larger than every host must accept.
    #[error(
        "the skill `{skill}` has {files} files of {bytes} bytes in all; hosts only have to take \
         {MAX_SKILL_FILES} files and {MAX_SKILL_BYTES} bytes"
    )]
    TooLarge {
        /// The skill's path.
        skill: String,
        /// How many files.
        files: usize,
        /// How many bytes.
        bytes: u64,
    },
    /// The server was built without the extension.
    #[error("this server does not serve skills: build it with FastMcp::builder(..).skills()")]
    NotEnabled,
}

impl FastMcp {
    /// Serves a skill (see [`SkillDef`]): its files as `skill://` resources, its entry in
    /// `skills/list` and `skills/get`, replacing one at the same path. Needs
    /// [`FastMcpBuilder::skills`].
    ///
    /// ```
    /// use mcp::fastmcp::{FastMcp, SkillDef};
    ///
    /// let mcp = FastMcp::builder("team").skills().build();
    /// mcp.add_skill(
    ///     SkillDef::new("git-workflow", "Follow the team's Git conventions")
    ///         .instructions("Branch from `main`; see references/COMMITS.md.")
    ///         .file("references/COMMITS.md", "Write commits in the imperative."),
    /// )?;
    /// assert_eq!(mcp.skills()[0].uri, "skill://git-workflow/SKILL.md");
    /// # Ok::<(), mcp::fastmcp::SkillDefError>(())
    /// ```
    pub fn add_skill(&self, skill: SkillDef) -> Result<(), SkillDefError> {
        self.skill_catalog()?.add(skill)?;
        self.changed(ServerNotifier::resources_list_changed);
        Ok(())
    }

    /// Serves every skill below `dir`: each directory holding a `SKILL.md`, at its path under
    /// `dir` (`dir/acme/billing/refunds` is `skill://acme/billing/refunds/SKILL.md`), its
    /// files read once, now. Gives how many; adds none when one of them is wrong. Needs
    /// [`FastMcpBuilder::skills`].
    pub fn add_skills_dir(&self, dir: impl AsRef<Path>) -> Result<usize, SkillDefError> {
        let count = self.skill_catalog()?.add_dir(dir.as_ref())?;
        self.changed(ServerNotifier::resources_list_changed);
        Ok(count)
    }

    /// Stops serving the skill at `path` (`acme/billing/refunds`); whether there was one.
    pub fn remove_skill(&self, path: &str) -> bool {
        let removed = self.inner.skills.as_ref().is_some_and(|s| s.remove(path));
        if removed {
            self.changed(ServerNotifier::resources_list_changed);
        }
        removed
    }

    /// The entries of the skills served, in the order they were added.
    pub fn skills(&self) -> Vec<Skill> {
        self.inner
            .skills
            .as_ref()
            .map(|s| s.entries())
            .unwrap_or_default()
    }

    fn skill_catalog(&self) -> Result<&SkillCatalog, SkillDefError> {
        self.inner.skills.as_ref().ok_or(SkillDefError::NotEnabled)
    }
}

/// A skill to serve: a `SKILL.md` (its YAML frontmatter and instructions) and the files beside
/// it, at a skill path (the skill's name, under an optional prefix such as `acme/billing`).
///
/// From a directory on disk, or written in code:
///
/// ```
/// use mcp::fastmcp::SkillDef;
///
/// let skill = SkillDef::new("git-workflow", "Follow the team's Git conventions")
///     .field("license", "MIT")
///     .instructions("# Git workflow\n\nBranch from `main`; see references/COMMITS.md.")
///     .file("references/COMMITS.md", "Write commits in the imperative.")
///     .under("acme");
/// assert_eq!(skill.path(), "acme/git-workflow");
/// assert!(skill.skill_md().starts_with("---\nname: git-workflow\n"));
/// ```
#[derive(Debug, Clone)]
pub struct SkillDef {
    prefix: String,
    frontmatter: JsonObject,
    /// The `SKILL.md` of a skill from disk, as it is; `None` for one written in code, whose
    /// `SKILL.md` is made of its frontmatter and instructions.
    skill_md: Option<Arc<[u8]>>,
    instructions: String,
    /// The other files, by their path in the skill.
    files: BTreeMap<String, Arc<[u8]>>,
}

impl SkillDef {
    /// A skill written in code, named `name` (the Agent Skills naming rules apply).
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        let mut frontmatter = JsonObject::new();
        frontmatter.insert("name".into(), Value::String(name.into()));
        frontmatter.insert("description".into(), Value::String(description.into()));
        Self {
            prefix: String::new(),
            frontmatter,
            skill_md: None,
            instructions: String::new(),
            files: BTreeMap::new(),
        }
    }

    /// The skill in `dir`: its `SKILL.md` and every file below it (hidden files and
    /// directories left out), at the path of the directory's name.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, SkillDefError> {
        let dir = dir.as_ref();
        let mut files = BTreeMap::new();
        collect_files(dir, "", &mut files)?;
        let label = dir.display().to_string();
        let skill_md = files
            .remove(SKILL_MD)
            .ok_or_else(|| SkillDefError::NoSkillMd(label.clone()))?;
        let text = std::str::from_utf8(&skill_md).map_err(|_| SkillDefError::Frontmatter {
            skill: label.clone(),
            error: FrontmatterError::Missing,
        })?;
        let frontmatter = frontmatter(text).map_err(|error| SkillDefError::Frontmatter {
            skill: label.clone(),
            error,
        })?;
        let def = Self {
            prefix: String::new(),
            frontmatter,
            skill_md: Some(skill_md),
            instructions: String::new(),
            files,
        };
        let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if def.name() != folder {
            return Err(SkillDefError::NameNotLast {
                path: label,
                name: def.name().to_owned(),
            });
        }
        Ok(def)
    }

    /// The same skill under an organizational prefix (`acme/billing` serves `refunds` at
    /// `skill://acme/billing/refunds/SKILL.md`).
    pub fn under(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().trim_matches('/').to_owned();
        self
    }

    /// The same skill with one more frontmatter field (`license`, `metadata`, ...). For a
    /// skill written in code.
    pub fn field(mut self, key: impl Into<String>, value: impl Serialize) -> Self {
        self.frontmatter.insert(
            key.into(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }

    /// The same skill with these instructions, the body of its `SKILL.md` (Markdown). For a
    /// skill written in code.
    pub fn instructions(mut self, markdown: impl Into<String>) -> Self {
        self.instructions = markdown.into();
        self
    }

    /// The same skill with one more file, at `path` in the skill (`references/FORMS.md`).
    pub fn file(mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.into(), contents.into().into());
        self
    }

    /// The skill's name.
    pub fn name(&self) -> &str {
        self.frontmatter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The skill's path: its prefix, then its name.
    pub fn path(&self) -> String {
        if self.prefix.is_empty() {
            self.name().to_owned()
        } else {
            format!("{}/{}", self.prefix, self.name())
        }
    }

    /// The skill's `SKILL.md`.
    pub fn skill_md(&self) -> String {
        match &self.skill_md {
            Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            None => {
                // `name` and `description` first, as people write them.
                let mut ordered = serde_yaml_ng::Mapping::new();
                let first = ["name", "description"];
                let rest = self
                    .frontmatter
                    .keys()
                    .filter(|k| !first.contains(&k.as_str()));
                for key in first.into_iter().chain(rest.map(String::as_str)) {
                    if let Some(value) = self.frontmatter.get(key) {
                        let value = serde_yaml_ng::to_value(value).unwrap_or_default();
                        ordered.insert(key.into(), value);
                    }
                }
                let yaml = serde_yaml_ng::to_string(&ordered).unwrap_or_default();
                format!("---\n{yaml}---\n\n{}\n", self.instructions.trim_end())
            }
        }
    }
}

/// Every file below `dir` into `files`, by its `/`-separated path under `prefix`.
fn collect_files(
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Arc<[u8]>>,
) -> Result<(), SkillDefError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| SkillDefError::Io { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        // Follows links, as reading the file would.
        if std::fs::metadata(&path).map_err(io(&path))?.is_dir() {
            collect_files(&path, &relative, files)?;
        } else {
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            files.insert(relative, bytes.into());
        }
    }
    Ok(())
}

/// One file served: its bytes and MIME type.
#[derive(Debug)]
struct ServedFile {
    bytes: Arc<[u8]>,
    mime_type: String,
}

/// A skill as served: its entry (with digests) and its files by URI.
#[derive(Debug)]
struct ServedSkill {
    entry: Skill,
    files: BTreeMap<String, ServedFile>,
}

/// The skills a server serves, by skill path.
#[derive(Debug, Default)]
pub(super) struct SkillCatalog {
    skills: RwLock<IndexMap<String, Arc<ServedSkill>>>,
}

impl SkillCatalog {
    /// Adds (or replaces) a skill, checked against the extension's rules.
    pub fn add(&self, def: SkillDef) -> Result<(), SkillDefError> {
        let (path, skill) = prepare(def)?;
        self.skills.write().insert(path, Arc::new(skill));
        Ok(())
    }

    /// Adds every skill below `root` (every directory holding a `SKILL.md`; `root` itself when
    /// it holds one), each at its path under `root`; gives how many. Adds none when one of them
    /// is wrong.
    pub fn add_dir(&self, root: &Path) -> Result<usize, SkillDefError> {
        let mut found = Vec::new();
        if root.join(SKILL_MD).is_file() {
            found.push((root.to_owned(), String::new()));
        } else {
            find_skill_dirs(root, "", &mut found)?;
        }
        let prepared = found
            .into_iter()
            .map(|(dir, prefix)| prepare(SkillDef::from_dir(&dir)?.under(prefix)))
            .collect::<Result<Vec<_>, _>>()?;
        let count = prepared.len();
        let mut skills = self.skills.write();
        for (path, skill) in prepared {
            skills.insert(path, Arc::new(skill));
        }
        Ok(count)
    }

    /// Removes the skill at `path`; whether there was one.
    pub fn remove(&self, path: &str) -> bool {
        self.skills.write().shift_remove(path).is_some()
    }

    /// Every skill's entry, in the order they were added.
    pub fn entries(&self) -> Vec<Skill> {
        self.skills
            .read()
            .values()
            .map(|s| s.entry.clone())
            .collect()
    }

    /// The entry of the skill whose `SKILL.md` is at `uri`.
    pub fn entry(&self, uri: &str) -> Option<Skill> {
        self.skills
            .read()
            .values()
            .find(|s| s.entry.uri == uri)
            .map(|s| s.entry.clone())
    }

    /// The `SKILL.md` of every skill as a resource, named and described by its frontmatter.
    pub fn manifests(&self) -> Vec<Resource> {
        self.entries()
            .into_iter()
            .map(|skill| {
                let mut resource = Resource::new(&skill.uri, skill.name().unwrap_or_default())
                    .with_mime_type(SKILL_MD_MIME_TYPE);
                if let Some(description) = skill.description() {
                    resource = resource.with_description(description);
                }
                resource.size = skill.file(&skill.uri).map(|f| f.size);
                resource
            })
            .collect()
    }

    /// The contents of the skill file at `uri`, if one is served there: text when it is UTF-8.
    pub fn read(&self, uri: &str) -> Option<ResourceContents> {
        let skills = self.skills.read();
        let file = skills.values().find_map(|s| s.files.get(uri))?;
        Some(match std::str::from_utf8(&file.bytes) {
            Ok(text) => ResourceContents::Text(
                TextResourceContents::new(uri, text).with_mime_type(&file.mime_type),
            ),
            Err(_) => ResourceContents::Blob(
                BlobResourceContents::new(
                    uri,
                    base64::engine::general_purpose::STANDARD.encode(&file.bytes),
                )
                .with_mime_type(&file.mime_type),
            ),
        })
    }

    /// The direct children of the directory at `uri` (a skill's root or a directory in it, or
    /// a prefix above skills): files with their metadata, subdirectories as directory
    /// resources, in URI order; `None` when no served file lies below `uri`.
    pub fn directory(&self, uri: &str) -> Option<Vec<Resource>> {
        let dir = uri.strip_suffix('/').unwrap_or(uri);
        let below = format!("{dir}/");
        let skills = self.skills.read();
        let mut files = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        for (file_uri, file) in skills.values().flat_map(|s| s.files.iter()) {
            let Some(rest) = file_uri.strip_prefix(&below) else {
                continue;
            };
            match rest.split_once('/') {
                Some((subdir, _)) => {
                    dirs.insert(subdir.to_owned());
                }
                None => {
                    let mut resource =
                        Resource::new(file_uri, rest).with_mime_type(&file.mime_type);
                    resource.size = Some(file.bytes.len() as u64);
                    files.insert(file_uri.clone(), resource);
                }
            }
        }
        if files.is_empty() && dirs.is_empty() {
            return None;
        }
        let mut children: Vec<Resource> = dirs
            .into_iter()
            .map(|name| {
                Resource::new(format!("{below}{name}"), name).with_mime_type(DIRECTORY_MIME_TYPE)
            })
            .collect();
        children.extend(files.into_values());
        children.sort_by(|a, b| a.uri.cmp(&b.uri));
        Some(children)
    }
}

/// A skill checked against the extension's rules, ready to serve at its path.
fn prepare(def: SkillDef) -> Result<(String, ServedSkill), SkillDefError> {
    check_name(def.name())?;
    check_prefix(&def.prefix)?;
    let path = def.path();
    frontmatter(&def.skill_md()).map_err(|error| SkillDefError::Frontmatter {
        skill: path.clone(),
        error,
    })?;
    let root = format!("skill://{path}");
    let mut files = BTreeMap::new();
    let skill_md = def
        .skill_md
        .clone()
        .unwrap_or_else(|| def.skill_md().into_bytes().into());
    files.insert(
        format!("{root}/{SKILL_MD}"),
        ServedFile {
            bytes: skill_md,
            mime_type: SKILL_MD_MIME_TYPE.into(),
        },
    );
    for (file, bytes) in &def.files {
        let clean = !file.is_empty()
            && !file.starts_with('/')
            && file
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..");
        if !clean || file == SKILL_MD {
            return Err(SkillDefError::BadFilePath(file.clone()));
        }
        if file.ends_with(&format!("/{SKILL_MD}")) {
            return Err(SkillDefError::NestedSkill {
                skill: path,
                file: file.clone(),
            });
        }
        files.insert(
            format!("{root}/{file}"),
            ServedFile {
                bytes: bytes.clone(),
                mime_type: mime_type(file, bytes),
            },
        );
    }
    let bytes: u64 = files.values().map(|f| f.bytes.len() as u64).sum();
    if files.len() > MAX_SKILL_FILES || bytes > MAX_SKILL_BYTES {
        return Err(SkillDefError::TooLarge {
            skill: path,
            files: files.len(),
            bytes,
        });
    }
    let manifest = files
        .iter()
        .map(|(uri, file)| SkillResource {
            uri: uri.clone(),
            digest: digest(&file.bytes),
            size: file.bytes.len() as u64,
        })
        .collect();
    let entry = Skill {
        uri: format!("{root}/{SKILL_MD}"),
        frontmatter: frontmatter(&def.skill_md()).expect("checked above"),
        resources: SkillResources::Files(manifest),
    };
    Ok((path, ServedSkill { entry, files }))
}

/// Checks a skill prefix: `/`-separated URI path segments (RFC 3986 `pchar`s, no
/// percent-encoding), the first of which becomes the URI's authority.
fn check_prefix(prefix: &str) -> Result<(), SkillDefError> {
    if prefix.is_empty() {
        return Ok(());
    }
    let pchar = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b);
    let clean = prefix
        .split('/')
        .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && seg.bytes().all(pchar));
    if clean {
        Ok(())
    } else {
        Err(SkillDefError::BadPrefix(prefix.to_owned()))
    }
}

/// The directories below `dir` that hold a `SKILL.md`, with the prefix each is served under.
fn find_skill_dirs(
    dir: &Path,
    prefix: &str,
    found: &mut Vec<(PathBuf, String)>,
) -> Result<(), SkillDefError> {
    let io = |source| SkillDefError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().is_dir() {
            continue;
        }
        let path = entry.path();
        if path.join(SKILL_MD).is_file() {
            // A skill's own subdirectories are its files, not more skills.
            found.push((path, prefix.to_owned()));
            continue;
        }
        let inner = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        find_skill_dirs(&path, &inner, found)?;
    }
    Ok(())
}

/// The MIME type of a skill file: Markdown for `.md`, else guessed from its extension, text or
/// bytes by its content when the extension says nothing.
fn mime_type(path: &str, bytes: &[u8]) -> String {
    if path.ends_with(".md") {
        return SKILL_MD_MIME_TYPE.into();
    }
    match mime_guess::from_path(path).first() {
        Some(mime) => mime.essence_str().to_owned(),
        None if std::str::from_utf8(bytes).is_ok() => "text/plain".into(),
        None => "application/octet-stream".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> SkillCatalog {
        let catalog = SkillCatalog::default();
        catalog
            .add(
                SkillDef::new("refunds", "Process refunds")
                    .instructions("Pick a template from templates/.")
                    .file("templates/email.md", "Dear customer,")
                    .file("templates/regional/eu.md", "Sehr geehrte")
                    .file("logo.png", vec![0x89, b'P', b'N', b'G', 0xff])
                    .under("acme/billing"),
            )
            .unwrap();
        catalog
    }

    #[test]
    fn an_entry_lists_every_file_with_its_digest_and_size() {
        let catalog = catalog();
        let skill = catalog
            .entry("skill://acme/billing/refunds/SKILL.md")
            .unwrap();
        assert_eq!(skill.name(), Some("refunds"));
        let SkillResources::Files(files) = &skill.resources else {
            panic!("files")
        };
        assert_eq!(files.len(), 4);
        for file in files {
            assert!(catalog.read(&file.uri).is_some(), "{} is served", file.uri);
            assert!(file.digest.starts_with("sha256:") && file.digest.len() == 71);
        }
        let png = skill.file("skill://acme/billing/refunds/logo.png").unwrap();
        assert_eq!(png.size, 5);
        assert!(matches!(
            catalog.read("skill://acme/billing/refunds/logo.png"),
            Some(ResourceContents::Blob(_))
        ));
        // The frontmatter is the SKILL.md's, read back.
        let skill_md = catalog.read(&skill.uri).unwrap();
        let ResourceContents::Text(text) = skill_md else {
            panic!("text")
        };
        assert_eq!(frontmatter(&text.text).unwrap(), skill.frontmatter);
    }

    #[test]
    fn directories_list_their_direct_children() {
        let catalog = catalog();
        let uris = |dir: &str| -> Vec<(String, Option<String>)> {
            catalog
                .directory(dir)
                .unwrap()
                .into_iter()
                .map(|r| (r.uri, r.mime_type))
                .collect()
        };
        let dir = Some(DIRECTORY_MIME_TYPE.to_owned());
        assert_eq!(
            uris("skill://acme/billing/refunds/templates"),
            [
                (
                    "skill://acme/billing/refunds/templates/email.md".into(),
                    Some("text/markdown".into())
                ),
                (
                    "skill://acme/billing/refunds/templates/regional".into(),
                    dir.clone()
                ),
            ]
        );
        assert_eq!(uris("skill://acme"), [("skill://acme/billing".into(), dir)]);
        assert!(
            catalog
                .directory("skill://acme/billing/refunds/SKILL.md")
                .is_none()
        );
        assert!(catalog.directory("skill://elsewhere").is_none());
    }

    #[test]
    fn bad_skills_are_refused_with_the_reason() {
        let catalog = SkillCatalog::default();
        let bad_name = catalog.add(SkillDef::new("Refunds", "x")).unwrap_err();
        assert!(matches!(bad_name, SkillDefError::BadName(_)), "{bad_name}");
        let escape = catalog
            .add(SkillDef::new("a", "x").file("../secret", "x"))
            .unwrap_err();
        assert!(matches!(escape, SkillDefError::BadFilePath(_)), "{escape}");
        let huge =
            SkillDef::new("big", "x").file("big.bin", vec![0u8; MAX_SKILL_BYTES as usize + 1]);
        assert!(matches!(
            catalog.add(huge).unwrap_err(),
            SkillDefError::TooLarge { .. }
        ));
    }
}

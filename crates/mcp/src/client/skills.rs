//! The skills extension (`io.modelcontextprotocol/skills`), client side: the skills a server
//! serves, and their files read with the integrity checks the extension requires (each file's
//! size and digest against the skill's manifest, a `SKILL.md`'s frontmatter against the entry).

use std::collections::{BTreeSet, VecDeque};

use base64::Engine as _;

use super::{Client, paginated};
use crate::error::{Error, Result};
use crate::skills::{FrontmatterError, digest, frontmatter};
use crate::types::extensions::skills::{
    DIRECTORY_MIME_TYPE, GetSkillRequest, GetSkillRequestParams, ListSkillsRequest,
    ListSkillsResult, MAX_SKILL_BYTES, MAX_SKILL_FILES, ReadResourceDirectoryRequest,
    ReadResourceDirectoryRequestParams, Skill, SkillResources, SkillsCapability,
};
use crate::types::{Resource, ResourceContents};

/// A skill file that could not be had, or failed verification: its content is not to be used.
#[derive(Debug, thiserror::Error)]
pub enum SkillError {
    /// The request failed.
    #[error(transparent)]
    Request(#[from] Error),
    /// The file's length is not the one the manifest gives.
    #[error(
        "{uri} is {actual} bytes long where the skill's manifest says {expected}: not using it"
    )]
    SizeMismatch {
        /// The file.
        uri: String,
        /// The manifest's size.
        expected: u64,
        /// The size read.
        actual: u64,
    },
    /// The file's digest is not the one the manifest gives.
    #[error(
        "{uri} does not match the skill's manifest (digest {actual}, expected {expected}): not \
         using it"
    )]
    DigestMismatch {
        /// The file.
        uri: String,
        /// The manifest's digest.
        expected: String,
        /// The digest of what was read.
        actual: String,
    },
    /// The `SKILL.md`'s frontmatter cannot be read.
    #[error("the SKILL.md at {uri} has no usable frontmatter: {error}")]
    Frontmatter {
        /// The `SKILL.md`.
        uri: String,
        /// What is wrong.
        #[source]
        error: FrontmatterError,
    },
    /// The `SKILL.md`'s frontmatter differs from the skill's entry.
    #[error(
        "the frontmatter of {uri} differs from the skill's entry in `{field}`: not loading the \
         skill"
    )]
    FrontmatterMismatch {
        /// The `SKILL.md`.
        uri: String,
        /// The first field that differs.
        field: String,
    },
    /// The URI is not a file of the skill (not in its manifest, or outside its directory).
    #[error("{uri} is not a file of the skill {skill}")]
    NotInSkill {
        /// The URI asked for.
        uri: String,
        /// The skill's `SKILL.md` URI.
        skill: String,
    },
    /// `resources/read` gave something other than one file's contents.
    #[error("the server answered resources/read for {uri} with {what}, not the file's contents")]
    NotOneFile {
        /// The file.
        uri: String,
        /// What came instead.
        what: String,
    },
    /// A generated skill's files, walked through directory reads, go past the extension's
    /// limits.
    #[error(
        "the skill {skill} has more than {MAX_SKILL_FILES} files or {MAX_SKILL_BYTES} bytes: \
         stopped reading it"
    )]
    TooLarge {
        /// The skill's `SKILL.md` URI.
        skill: String,
    },
}

/// One file of a skill as read: where it is in the skill, its bytes, and whether they were
/// checked against a digest (the files of a `"dynamic"` skill cannot be).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillFile {
    /// The file's resource URI.
    pub uri: String,
    /// Its `/`-separated path in the skill (`SKILL.md`, `references/FORMS.md`).
    pub path: String,
    /// Its raw bytes.
    pub bytes: Vec<u8>,
    /// Whether its size and digest matched the skill's manifest.
    pub verified: bool,
}

/// The skills extension on a [`Client`]: get it with [`Client::skills`].
///
/// Listing a skill reads none of its files: [`read_file`](Self::read_file) and
/// [`fetch`](Self::fetch) read them when they are needed, each checked against the skill's
/// manifest before it is handed out.
///
/// ```no_run
/// # async fn run(client: mcp::client::Client) -> Result<(), mcp::client::SkillError> {
/// for skill in client.skills().list_all().await? {
///     println!("{}: {}", skill.name().unwrap_or("?"), skill.description().unwrap_or(""));
/// }
/// let skill = client.skills().get("skill://pdf-processing/SKILL.md").await?;
/// for file in client.skills().fetch(&skill).await? {
///     println!("{} ({} bytes)", file.path, file.bytes.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Skills<'a> {
    client: &'a Client,
}

impl Client {
    /// The skills extension: the skills the server serves, and their files, verified.
    pub fn skills(&self) -> Skills<'_> {
        Skills { client: self }
    }
}

impl Skills<'_> {
    /// Whether the server declared the extension.
    pub fn supported(self) -> bool {
        SkillsCapability::of(self.client.server_capabilities()).is_some()
    }

    /// Whether the server answers `resources/directory/read`.
    pub fn directory_read(self) -> bool {
        SkillsCapability::of(self.client.server_capabilities())
            .is_some_and(|skills| skills.directory_read == Some(true))
    }

    /// `skills/list`: one page of skills.
    pub async fn list(self, cursor: Option<String>) -> Result<ListSkillsResult> {
        self.client
            .request::<ListSkillsRequest>(paginated(cursor))
            .await
    }

    /// Every skill, following the pagination cursors.
    pub async fn list_all(self) -> Result<Vec<Skill>> {
        self.client
            .all_pages(|c| self.list(c), |r| (r.skills, r.next_cursor))
            .await
    }

    /// `skills/get`: the entry of the skill whose `SKILL.md` is at `uri`.
    pub async fn get(self, uri: &str) -> Result<Skill> {
        let result = self
            .client
            .request::<GetSkillRequest>(GetSkillRequestParams::new(uri))
            .await?;
        Ok(result.skill)
    }

    /// `resources/directory/read`: the direct children of the directory at `uri`, every page.
    pub async fn read_directory(self, uri: &str) -> Result<Vec<Resource>> {
        self.client
            .all_pages(
                |cursor| {
                    let mut params = ReadResourceDirectoryRequestParams::new(uri);
                    params.cursor = cursor;
                    self.client.request::<ReadResourceDirectoryRequest>(params)
                },
                |r| (r.resources, r.next_cursor),
            )
            .await
    }

    /// Reads the file at `uri` of `skill`, checked: its size and digest against the skill's
    /// manifest (a `"dynamic"` skill has none: its files are only checked to lie in its
    /// directory), and for the `SKILL.md` its frontmatter against the entry's.
    pub async fn read_file(self, skill: &Skill, uri: &str) -> Result<SkillFile, SkillError> {
        let path = path_in(skill, uri).ok_or_else(|| not_in_skill(skill, uri))?;
        let expected = match &skill.resources {
            SkillResources::Files(_) => {
                Some(skill.file(uri).ok_or_else(|| not_in_skill(skill, uri))?)
            }
            SkillResources::Dynamic => None,
        };
        let bytes = self.read_bytes(uri).await?;
        if let Some(expected) = expected {
            let actual = bytes.len() as u64;
            if actual != expected.size {
                return Err(SkillError::SizeMismatch {
                    uri: uri.to_owned(),
                    expected: expected.size,
                    actual,
                });
            }
            let actual = digest(&bytes);
            if actual != expected.digest {
                return Err(SkillError::DigestMismatch {
                    uri: uri.to_owned(),
                    expected: expected.digest.clone(),
                    actual,
                });
            }
        }
        if uri == skill.uri {
            check_frontmatter(skill, &bytes)?;
        }
        Ok(SkillFile {
            uri: uri.to_owned(),
            path,
            bytes,
            verified: expected.is_some(),
        })
    }

    /// Reads the whole skill: its `SKILL.md` first (nothing else is read when it fails its
    /// checks), then every other file of its manifest, each checked as
    /// [`read_file`](Self::read_file) does. A `"dynamic"` skill's files are found by walking
    /// its directory when the server offers directory reads; otherwise only its `SKILL.md`.
    pub async fn fetch(self, skill: &Skill) -> Result<Vec<SkillFile>, SkillError> {
        let mut files = vec![self.read_file(skill, &skill.uri).await?];
        let others = match &skill.resources {
            SkillResources::Files(manifest) => manifest
                .iter()
                .map(|file| file.uri.clone())
                .filter(|uri| *uri != skill.uri)
                .collect(),
            SkillResources::Dynamic if self.directory_read() => self.walk(skill).await?,
            SkillResources::Dynamic => Vec::new(),
        };
        let mut total = files[0].bytes.len() as u64;
        for uri in others {
            let file = self.read_file(skill, &uri).await?;
            total += file.bytes.len() as u64;
            if total > MAX_SKILL_BYTES {
                return Err(SkillError::TooLarge {
                    skill: skill.uri.clone(),
                });
            }
            files.push(file);
        }
        Ok(files)
    }

    /// The files below a skill's root other than its `SKILL.md`, through directory reads, in
    /// URI order; stops at the extension's limits.
    async fn walk(self, skill: &Skill) -> Result<Vec<String>, SkillError> {
        let Some(root) = skill.root() else {
            return Ok(Vec::new());
        };
        let mut files = BTreeSet::new();
        let mut seen = BTreeSet::from([root.to_owned()]);
        let mut pending = VecDeque::from([root.to_owned()]);
        while let Some(dir) = pending.pop_front() {
            for child in self.read_directory(&dir).await? {
                if path_in(skill, &child.uri).is_none() {
                    continue;
                }
                if child.mime_type.as_deref() == Some(DIRECTORY_MIME_TYPE) {
                    if seen.insert(child.uri.clone()) {
                        pending.push_back(child.uri);
                    }
                } else if child.uri != skill.uri {
                    files.insert(child.uri);
                }
                if files.len() + seen.len() > MAX_SKILL_FILES {
                    return Err(SkillError::TooLarge {
                        skill: skill.uri.clone(),
                    });
                }
            }
        }
        Ok(files.into_iter().collect())
    }

    /// The raw bytes of the single file at `uri`.
    async fn read_bytes(self, uri: &str) -> Result<Vec<u8>, SkillError> {
        let result = self.client.read_resource(uri).await?;
        let not_one = |what: String| SkillError::NotOneFile {
            uri: uri.to_owned(),
            what,
        };
        let [contents] = result.contents.as_slice() else {
            return Err(not_one(format!("{} contents", result.contents.len())));
        };
        if contents.uri() != uri {
            return Err(not_one(format!("the contents of {}", contents.uri())));
        }
        match contents {
            ResourceContents::Text(text) => Ok(text.text.clone().into_bytes()),
            ResourceContents::Blob(blob) => base64::engine::general_purpose::STANDARD
                .decode(&blob.blob)
                .map_err(|e| not_one(format!("a blob that is not base64 ({e})"))),
        }
    }
}

/// The path of `uri` in `skill` (`SKILL.md`, `references/FORMS.md`): below its root, with no
/// empty, `.` or `..` segment.
fn path_in(skill: &Skill, uri: &str) -> Option<String> {
    let root = skill.root()?;
    let path = uri.strip_prefix(root)?.strip_prefix('/')?;
    let clean = !path.is_empty()
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..");
    clean.then(|| path.to_owned())
}

fn not_in_skill(skill: &Skill, uri: &str) -> SkillError {
    SkillError::NotInSkill {
        uri: uri.to_owned(),
        skill: skill.uri.clone(),
    }
}

/// Checks a `SKILL.md`'s frontmatter against the skill's entry, field by field.
fn check_frontmatter(skill: &Skill, bytes: &[u8]) -> Result<(), SkillError> {
    let uri = skill.uri.clone();
    let text = std::str::from_utf8(bytes).map_err(|_| SkillError::Frontmatter {
        uri: uri.clone(),
        error: FrontmatterError::Missing,
    })?;
    let read = frontmatter(text).map_err(|error| SkillError::Frontmatter {
        uri: uri.clone(),
        error,
    })?;
    let fields: BTreeSet<&String> = read.keys().chain(skill.frontmatter.keys()).collect();
    match fields
        .into_iter()
        .find(|field| read.get(*field) != skill.frontmatter.get(*field))
    {
        Some(field) => Err(SkillError::FrontmatterMismatch {
            uri,
            field: field.clone(),
        }),
        None => Ok(()),
    }
}

//! Editing a host's config file safely: a lock serializes concurrent `mcp` editors, the file is
//! parsed before anything changes (a file that does not parse is refused and left as it was),
//! the edit keeps every other key and its formatting (JSON is edited through a concrete syntax
//! tree, so even comments in JSONC files survive), the previous file is kept as `FILE.bak`, and
//! the new one is written aside, synced and renamed over the old one. A program that does not
//! take our lock (the host itself) may rewrite the file while we edit it: the file is read again
//! just before the rename, and a change is never overwritten (the edit is applied again to the
//! new text, or refused). A config that is a symlink stays one (its target is edited), a file's
//! mode is kept (new files are 0600), and nothing is left beside the file but its backup.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode};
use serde_json::Value;

use crate::error::{CliError, Result};

/// How a config file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Strict JSON.
    Json,
    /// JSON with comments and trailing commas (VS Code).
    Jsonc,
    /// YAML (Goose).
    Yaml,
}

/// An ordered value for the entries we write (key order matters to people reading the file).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A list.
    List(Vec<Node>),
    /// A map, in order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A string node.
    pub fn str(s: impl Into<String>) -> Self {
        Node::Str(s.into())
    }

    /// A list of strings.
    pub fn strings<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Self {
        Node::List(items.into_iter().map(|s| Node::Str(s.into())).collect())
    }

    /// A map of strings.
    pub fn string_map<'a>(items: impl IntoIterator<Item = (&'a String, &'a String)>) -> Self {
        Node::Map(
            items
                .into_iter()
                .map(|(k, v)| (k.clone(), Node::Str(v.clone())))
                .collect(),
        )
    }

    /// The value as JSON (key order is lost; for comparisons and `--json`).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("a Node is always valid JSON")
    }

    fn to_cst(&self) -> CstInputValue {
        match self {
            Node::Str(s) => CstInputValue::String(s.clone()),
            Node::Bool(b) => CstInputValue::Bool(*b),
            Node::Int(i) => CstInputValue::Number(i.to_string()),
            Node::List(items) => CstInputValue::Array(items.iter().map(Node::to_cst).collect()),
            Node::Map(items) => {
                CstInputValue::Object(items.iter().map(|(k, v)| (k.clone(), v.to_cst())).collect())
            }
        }
    }

    fn to_yaml(&self) -> Result<serde_yaml_ng::Value, String> {
        serde_yaml_ng::to_value(self).map_err(|e| e.to_string())
    }

    /// Pretty JSON text (two spaces a level) with the keys in order.
    pub fn to_pretty_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a Node is always valid JSON")
    }

    /// YAML text.
    pub fn to_yaml_text(&self) -> Result<String, String> {
        serde_yaml_ng::to_string(self).map_err(|e| e.to_string())
    }
}

/// Maps are written with their keys in order (what people reading the file expect).
impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Node::Str(s) => serializer.serialize_str(s),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Int(i) => serializer.serialize_i64(*i),
            Node::List(items) => serializer.collect_seq(items),
            Node::Map(items) => {
                let mut map = serializer.serialize_map(Some(items.len()))?;
                for (key, value) in items {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// A parsed config file, ready for edits.
pub enum Document {
    /// JSON or JSONC, as a concrete syntax tree.
    Json(CstRootNode),
    /// YAML.
    Yaml(serde_yaml_ng::Value),
}

impl Document {
    /// Parses `text` (empty text is an empty object). The error says where the file is broken.
    pub fn parse(text: &str, format: Format, path: &Path) -> Result<Self> {
        let refuse = |why: String| {
            CliError::environment(format!(
                "{} is not valid {}: {why}; nothing was changed",
                path.display(),
                match format {
                    Format::Json => "JSON",
                    Format::Jsonc => "JSON (with comments)",
                    Format::Yaml => "YAML",
                }
            ))
            .hint("fix the file by hand (or move it aside to start afresh), then run this again")
        };
        if format == Format::Yaml {
            let value: serde_yaml_ng::Value = if text.trim().is_empty() {
                serde_yaml_ng::Value::Mapping(Default::default())
            } else {
                serde_yaml_ng::from_str(text).map_err(|e| refuse(e.to_string()))?
            };
            if !value.is_mapping() {
                return Err(refuse("the top level is not a mapping".into()));
            }
            return Ok(Document::Yaml(value));
        }
        let text = if text.trim().is_empty() { "{}\n" } else { text };
        if format == Format::Json {
            serde_json::from_str::<Value>(text).map_err(|e| refuse(e.to_string()))?;
        }
        let options = ParseOptions {
            allow_comments: format == Format::Jsonc,
            allow_trailing_commas: format == Format::Jsonc,
            allow_loose_object_property_names: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            ..ParseOptions::default()
        };
        let root = CstRootNode::parse(text, &options).map_err(|e| refuse(e.to_string()))?;
        if root.object_value().is_none() {
            return Err(refuse("the top level is not an object".into()));
        }
        Ok(Document::Json(root))
    }

    /// The entries under `key_path` (missing keys: none), as JSON values.
    pub fn entries(&self, key_path: &[String]) -> Result<Vec<(String, Value)>, String> {
        let value = match self {
            Document::Json(root) => root.to_serde_value().unwrap_or(Value::Null),
            Document::Yaml(value) => serde_json::to_value(value).map_err(|e| e.to_string())?,
        };
        let mut node = &value;
        for key in key_path {
            match node.get(key) {
                Some(next) => node = next,
                None => return Ok(Vec::new()),
            }
        }
        match node {
            Value::Object(map) => Ok(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            Value::Null => Ok(Vec::new()),
            _ => Err(format!("`{}` is not an object", key_path.join("."))),
        }
    }

    /// Sets `name` under `key_path` to `entry`, creating the path as needed.
    pub fn upsert(&mut self, key_path: &[String], name: &str, entry: &Node) -> Result<(), String> {
        match self {
            Document::Json(root) => {
                let servers = json_object_at(root, key_path, true)?.expect("created");
                match servers.get(name) {
                    Some(prop) => prop.set_value(entry.to_cst()),
                    None => {
                        servers.append(name, entry.to_cst());
                    }
                }
                Ok(())
            }
            Document::Yaml(value) => {
                let map = yaml_mapping_at(value, key_path, true)?.expect("created");
                map.insert(
                    serde_yaml_ng::Value::String(name.to_owned()),
                    entry.to_yaml()?,
                );
                Ok(())
            }
        }
    }

    /// Removes `name` under `key_path`; whether it was there.
    pub fn remove(&mut self, key_path: &[String], name: &str) -> Result<bool, String> {
        match self {
            Document::Json(root) => match json_object_at(root, key_path, false)? {
                Some(servers) => match servers.get(name) {
                    Some(prop) => {
                        prop.remove();
                        Ok(true)
                    }
                    None => Ok(false),
                },
                None => Ok(false),
            },
            Document::Yaml(value) => match yaml_mapping_at(value, key_path, false)? {
                Some(map) => Ok(map
                    .remove(serde_yaml_ng::Value::String(name.to_owned()))
                    .is_some()),
                None => Ok(false),
            },
        }
    }

    /// The file's new text; an error when the document cannot be written out (then nothing
    /// may be written: an empty or partial text would lose the user's config).
    pub fn text(&self) -> Result<String, String> {
        let mut text = match self {
            Document::Json(root) => root.to_string(),
            Document::Yaml(value) => serde_yaml_ng::to_string(value).map_err(|e| e.to_string())?,
        };
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

fn json_object_at(
    root: &CstRootNode,
    key_path: &[String],
    create: bool,
) -> Result<Option<CstObject>, String> {
    let mut object = root
        .object_value()
        .ok_or_else(|| "the top level is not an object".to_owned())?;
    for (i, key) in key_path.iter().enumerate() {
        object = match object.get(key) {
            Some(prop) => prop
                .object_value()
                .ok_or_else(|| format!("`{}` is not an object", key_path[..=i].join(".")))?,
            None if create => object.object_value_or_set(key),
            None => return Ok(None),
        };
    }
    Ok(Some(object))
}

fn yaml_mapping_at<'a>(
    value: &'a mut serde_yaml_ng::Value,
    key_path: &[String],
    create: bool,
) -> Result<Option<&'a mut serde_yaml_ng::Mapping>, String> {
    let mut node = value;
    for (i, key) in key_path.iter().enumerate() {
        let map = node
            .as_mapping_mut()
            .ok_or_else(|| format!("`{}` is not a mapping", key_path[..i].join(".")))?;
        let key_value = serde_yaml_ng::Value::String(key.clone());
        if !map.contains_key(&key_value) || map.get(&key_value).is_some_and(|v| v.is_null()) {
            if !create {
                return Ok(None);
            }
            map.insert(
                key_value.clone(),
                serde_yaml_ng::Value::Mapping(Default::default()),
            );
        }
        node = map.get_mut(&key_value).expect("just inserted");
    }
    node.as_mapping_mut()
        .map(Some)
        .ok_or_else(|| format!("`{}` is not a mapping", key_path.join(".")))
}

/// What an edit decided.
pub enum Change<T> {
    /// Write the document and return the value.
    Write(T),
    /// Leave the file alone and return the value.
    Keep(T),
}

/// How many times an edit is applied again when another program rewrote the file meanwhile.
const ATTEMPTS: usize = 5;

/// Reads, edits and (when the edit says so) rewrites the file at `path`, holding its lock the
/// whole time, so two `mcp` processes editing the same file never lose each other's entry.
///
/// `edit` may run more than once: when the file changed between reading it and renaming the new
/// one over it, the new text is read and `edit` applied to it again (an edit that asked the user
/// something should not ask again for what it already asked).
pub fn edit<T>(
    path: &Path,
    format: Format,
    mut edit: impl FnMut(&mut Document) -> Result<Change<T>>,
) -> Result<T> {
    let real = follow_links(path)?;
    let _lock = lock(&real)?;
    for _ in 0..ATTEMPTS {
        let original = read_if_exists(&real)?;
        let text = match &original {
            Some(bytes) => std::str::from_utf8(bytes).map_err(|_| {
                CliError::environment(format!(
                    "{} is not UTF-8 text; nothing was changed",
                    path.display()
                ))
            })?,
            None => "",
        };
        let mut document = Document::parse(text, format, path)?;
        let value = match edit(&mut document)? {
            Change::Keep(value) => return Ok(value),
            Change::Write(value) => value,
        };
        let text = document.text().map_err(|why| {
            CliError::environment(format!(
                "cannot write {} out ({why}); nothing was changed",
                path.display()
            ))
        })?;
        let permissions = std::fs::metadata(&real).ok().map(|m| m.permissions());
        if let Some(bytes) = &original {
            write_atomically(&backup_path(path), bytes, permissions.clone())?;
        }
        let staged = Staged::write(&real, text.as_bytes(), permissions)?;
        if read_if_exists(&real)? != original {
            // Another program wrote the file meanwhile: its change stays; edit its new text.
            continue;
        }
        staged.commit()?;
        return Ok(value);
    }
    Err(CliError::environment(format!(
        "{} kept changing while mcp edited it (another program is writing it); nothing was changed",
        path.display()
    ))
    .hint("quit the host application, then run this again"))
}

fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::environment(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Where the previous version of `path` is kept.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// The file `path` names once its symlinks are followed (a dotfile manager's link stays a link
/// when its target is edited). A link to a file that does not exist yet names that file.
pub fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut current = crate::spec::absolute(path);
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current).map_err(|e| {
                    CliError::environment(format!(
                        "cannot read the link {}: {e}",
                        current.display()
                    ))
                })?;
                let base = current.parent().unwrap_or(Path::new("/"));
                current = crate::spec::absolute(&base.join(target));
            }
            _ => return Ok(current),
        }
    }
    Err(CliError::environment(format!(
        "{} is a loop of symbolic links",
        path.display()
    )))
}

/// Takes the exclusive lock of `path` (already free of symlinks). The lock file lives in this
/// user's cache directory, named after the path's hash, so that nothing is left in the host's
/// config directory; it is kept (removing it would let a third process lock a different inode
/// than a second one waits on).
fn lock(path: &Path) -> Result<File> {
    let dir = directories::ProjectDirs::from("", "", "mcp")
        .map(|dirs| dirs.cache_dir().join("locks"))
        .unwrap_or_else(|| std::env::temp_dir().join("mcp-locks"));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::environment(format!("cannot create {}: {e}", dir.display())))?;
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let lock_path = dir.join(format!("{name}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            CliError::environment(format!(
                "cannot open the lock file {}: {e}",
                lock_path.display()
            ))
        })?;
    file.lock()
        .map_err(|e| CliError::environment(format!("cannot lock {}: {e}", lock_path.display())))?;
    Ok(file)
}

/// Writes `bytes` to `path` atomically (aside, synced, renamed over it), following symlinks,
/// with `permissions` (none: readable by its owner only).
fn write_atomically(
    path: &Path,
    bytes: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> Result<()> {
    Staged::write(&follow_links(path)?, bytes, permissions)?.commit()
}

/// A new version of a file, written and synced beside it, not yet renamed over it; dropped
/// uncommitted, it is removed.
struct Staged {
    temporary: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    /// Creates the temporary file exclusively (never readable by others, not even for a moment:
    /// it is created for its owner only and given `permissions` once written).
    fn write(path: &Path, bytes: &[u8], permissions: Option<std::fs::Permissions>) -> Result<Self> {
        let fail = |what: &str, e: std::io::Error| {
            CliError::environment(format!("cannot {what} {}: {e}", path.display()))
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| fail("create the directory of", e))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let (file, temporary) = (0..100)
            .find_map(|n| {
                let temporary = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
                match owner_only().open(&temporary) {
                    Ok(file) => Some(Ok((file, temporary))),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                    Err(e) => Some(Err(e)),
                }
            })
            .unwrap_or_else(|| Err(std::io::ErrorKind::AlreadyExists.into()))
            .map_err(|e| fail("create a temporary file beside", e))?;
        let staged = Staged {
            temporary,
            path: path.to_path_buf(),
            committed: false,
        };
        (|| {
            let mut file = file;
            file.write_all(bytes)?;
            if let Some(permissions) = permissions {
                file.set_permissions(permissions)?;
            }
            file.sync_all()
        })()
        .map_err(|e| fail("write", e))?;
        Ok(staged)
    }

    /// Renames the new version over the file, and syncs the directory so the rename survives a
    /// crash.
    fn commit(mut self) -> Result<()> {
        std::fs::rename(&self.temporary, &self.path).map_err(|e| {
            CliError::environment(format!("cannot write {}: {e}", self.path.display()))
        })?;
        self.committed = true;
        #[cfg(unix)]
        if let Some(dir) = self.path.parent()
            && let Ok(dir) = File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// Options that create a new file exclusively, readable and writable by its owner only.
fn owner_only() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(path: &[&str]) -> Vec<String> {
        path.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn json_edits_keep_other_keys_and_their_formatting() {
        let text = "{\n    \"theme\": \"dark\",\n    \"mcpServers\": {\n        \"old\": {\"command\": \"x\"}\n    }\n}\n";
        let mut doc = Document::parse(text, Format::Json, Path::new("c.json")).unwrap();
        let entry = Node::Map(vec![
            ("command".into(), Node::str("/bin/srv")),
            ("args".into(), Node::strings(["a"])),
        ]);
        doc.upsert(&keys(&["mcpServers"]), "new", &entry).unwrap();
        let out = doc.text().unwrap();
        assert!(out.starts_with("{\n    \"theme\": \"dark\",\n"), "{out}");
        assert!(out.contains("\"old\": {\"command\": \"x\"}"), "{out}");
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["mcpServers"]["new"]["args"][0], "a");
        assert_eq!(value["theme"], "dark");
        assert!(doc.remove(&keys(&["mcpServers"]), "old").unwrap());
        assert!(!doc.remove(&keys(&["mcpServers"]), "old").unwrap());
        let value: Value = serde_json::from_str(&doc.text().unwrap()).unwrap();
        assert!(value["mcpServers"].get("old").is_none());
    }

    #[test]
    fn comments_survive_in_jsonc_and_are_refused_in_json() {
        let text = "{\n  // my servers\n  \"servers\": {},\n}\n";
        assert!(Document::parse(text, Format::Json, Path::new("c.json")).is_err());
        let mut doc = Document::parse(text, Format::Jsonc, Path::new("mcp.json")).unwrap();
        doc.upsert(
            &keys(&["servers"]),
            "s",
            &Node::Map(vec![("type".into(), Node::str("stdio"))]),
        )
        .unwrap();
        assert!(doc.text().unwrap().contains("// my servers"));
    }

    #[test]
    fn nested_paths_are_created_and_wrong_types_refused() {
        let mut doc = Document::parse("", Format::Json, Path::new("c.json")).unwrap();
        doc.upsert(
            &keys(&["projects", "/p", "mcpServers"]),
            "s",
            &Node::Bool(true),
        )
        .unwrap();
        let value: Value = serde_json::from_str(&doc.text().unwrap()).unwrap();
        assert_eq!(value["projects"]["/p"]["mcpServers"]["s"], true);
        let mut doc =
            Document::parse("{\"mcpServers\": []}", Format::Json, Path::new("c.json")).unwrap();
        assert!(
            doc.upsert(&keys(&["mcpServers"]), "s", &Node::Bool(true))
                .is_err()
        );
    }

    #[test]
    fn yaml_keeps_other_keys() {
        let text = "GOOSE_MODEL: x\nextensions:\n  developer:\n    type: builtin\n";
        let mut doc = Document::parse(text, Format::Yaml, Path::new("config.yaml")).unwrap();
        doc.upsert(
            &keys(&["extensions"]),
            "srv",
            &Node::Map(vec![("cmd".into(), Node::str("/bin/s"))]),
        )
        .unwrap();
        let out = doc.text().unwrap();
        assert!(out.starts_with("GOOSE_MODEL: x\n"), "{out}");
        assert!(out.contains("developer:"), "{out}");
        assert!(out.contains("cmd: /bin/s"), "{out}");
        assert!(Document::parse("a: [", Format::Yaml, Path::new("c.yaml")).is_err());
    }

    #[test]
    fn pretty_json_keeps_key_order() {
        let node = Node::Map(vec![
            ("command".into(), Node::str("c")),
            ("args".into(), Node::List(vec![])),
        ]);
        assert_eq!(
            node.to_pretty_json(),
            "{\n  \"command\": \"c\",\n  \"args\": []\n}"
        );
    }
}

//! Renders a template into the files of a project: files ending in `.jinja` go through
//! minijinja with the project's answers as context, the others are copied; paths are rendered
//! too (`src/{{ module }}/`), and a component starting with `dot-` gets a leading `.` (a
//! `.gitignore` stored as itself would apply to the template directory).
//!
//! Each template's `template.toml` says which files are written only under a condition (a
//! minijinja expression over the same context) and which versions the generated manifests ask
//! for.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};

use super::{Capability, Project};

/// Every template, embedded at build time.
static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../templates");

/// The API the `api` preset wraps unless told otherwise: a public JSON API of fake posts and
/// users, so a fresh project answers with real data.
pub const API_DEFAULT_BASE_URL: &str = "https://jsonplaceholder.typicode.com";

/// A file of a rendered project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Its path in the project.
    pub path: PathBuf,
    /// Its contents.
    pub contents: Vec<u8>,
}

/// A template that does not render: a defect of the template, named with its file.
#[derive(Debug)]
pub struct RenderError {
    /// The template's file.
    pub file: String,
    /// What went wrong.
    pub error: String,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the template file {} does not render: {}",
            self.file, self.error
        )
    }
}

impl std::error::Error for RenderError {}

/// What `template.toml` says.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// File (its path in the template) → the condition under which it is written.
    #[serde(default)]
    pub when: BTreeMap<String, String>,
    /// Dependency → the version the generated manifest asks for.
    #[serde(default)]
    pub versions: BTreeMap<String, String>,
}

/// The manifest of the template in `dir`.
pub fn manifest(dir: &Dir<'_>) -> Result<Manifest, RenderError> {
    let path = format!("{}/template.toml", dir.path().display());
    let Some(file) = TEMPLATES.get_file(&path) else {
        return Ok(Manifest::default());
    };
    let text = file.contents_utf8().unwrap_or_default();
    toml::from_str(text).map_err(|e| RenderError {
        file: path,
        error: e.to_string(),
    })
}

/// The embedded directory of a template.
pub fn template_dir(template: super::Template) -> &'static Dir<'static> {
    TEMPLATES
        .get_dir(template.dir())
        .expect("every template is embedded")
}

/// The values the templates see.
pub fn context(project: &Project, versions: &BTreeMap<String, String>) -> Value {
    let names = &project.names;
    let version = env!("CARGO_PKG_VERSION");
    minijinja::context! {
        name => &names.display,
        package => &names.package,
        ident => &names.ident,
        command => &names.command,
        // The same names as each ecosystem calls them.
        crate => &names.package,
        crate_ident => &names.ident,
        module => &names.ident,
        script => &names.command,
        bin => &names.command,
        description => &project.description,
        preset => project.preset.to_string(),
        transport => project.transport.to_string(),
        auth => project.auth,
        tools => project.offers(Capability::Tools),
        resources => project.offers(Capability::Resources),
        prompts => project.offers(Capability::Prompts),
        sdk_path => project.sdk_path.as_ref().map(|p| p.display().to_string()),
        // The SDK crate and this command share the workspace's version.
        sdk_version => version,
        cli_version => version,
        api_default_base_url => API_DEFAULT_BASE_URL,
        versions => versions.clone(),
    }
}

/// The filters that put text where code expects it.
mod filters {
    /// A string literal of JSON, which TOML, Python, JavaScript and YAML read too.
    pub fn quote(text: &str) -> String {
        serde_json::to_string(text).expect("a string serializes")
    }

    /// A Rust string literal.
    pub fn rust_quote(text: &str) -> String {
        format!("{text:?}")
    }

    /// Text inside a Python `"""` docstring.
    pub fn pydoc(text: &str) -> String {
        text.replace('\\', "\\\\").replace('"', "\\\"")
    }

    /// Text inside a `/** */` comment.
    pub fn jsdoc(text: &str) -> String {
        text.replace("*/", "*\\/")
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.add_filter("quote", filters::quote);
    env.add_filter("rust_quote", filters::rust_quote);
    env.add_filter("pydoc", filters::pydoc);
    env.add_filter("jsdoc", filters::jsdoc);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env
}

/// Renders `project`'s template: every file the project gets, in path order.
pub fn render(project: &Project) -> Result<Vec<File>, RenderError> {
    let dir = template_dir(project.template);
    let manifest = manifest(dir)?;
    let context = context(project, &manifest.versions);
    let env = environment();
    let mut files = Vec::new();
    let mut pending = vec![dir];
    while let Some(dir) = pending.pop() {
        pending.extend(dir.dirs());
        for file in dir.files() {
            let source = file.path().to_string_lossy().replace('\\', "/");
            let relative = source
                .strip_prefix(project.template.dir())
                .and_then(|p| p.strip_prefix('/'))
                .expect("files sit inside their template")
                .to_owned();
            if relative == "template.toml" {
                continue;
            }
            let fail = |error: minijinja::Error| RenderError {
                file: source.clone(),
                error: format!("{error:#}"),
            };
            if let Some(condition) = manifest.when.get(&relative) {
                let holds = env
                    .compile_expression(condition)
                    .and_then(|e| e.eval(&context))
                    .map_err(fail)?;
                if !holds.is_true() {
                    continue;
                }
            }
            let path = env.render_str(&relative, &context).map_err(fail)?;
            let (path, contents) = match path.strip_suffix(".jinja") {
                Some(path) => {
                    let text = file.contents_utf8().ok_or_else(|| RenderError {
                        file: source.clone(),
                        error: "a .jinja file must be UTF-8".into(),
                    })?;
                    let rendered = env.render_str(text, &context).map_err(fail)?;
                    (path.to_owned(), rendered.into_bytes())
                }
                None => (path, file.contents().to_vec()),
            };
            files.push(File {
                path: output_path(&path),
                contents,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The path a template path is written to: `dot-x` components become `.x`.
fn output_path(path: &str) -> PathBuf {
    path.split('/')
        .map(|part| match part.strip_prefix("dot-") {
            Some(rest) => format!(".{rest}"),
            None => part.to_owned(),
        })
        .collect()
}

/// Whether `dir` is missing or empty (nothing to overwrite).
pub fn is_empty_dir(dir: &Path) -> std::io::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// Writes `files` under `dir`, creating directories as needed (existing files are replaced).
pub fn write(dir: &Path, files: &[File]) -> std::io::Result<()> {
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::new::{Preset, Template, Transport, names};

    fn project(template: Template) -> Project {
        let names = match template {
            Template::Rust => names::rust("demo-server"),
            Template::Python => names::python("demo-server"),
            Template::Typescript => names::npm("demo-server"),
        }
        .unwrap();
        Project {
            dir: PathBuf::from("demo-server"),
            names,
            template,
            preset: Preset::Minimal,
            transport: Transport::Stdio,
            auth: false,
            description: "A demo".into(),
            capabilities: Capability::ALL.to_vec(),
            sdk_path: None,
        }
    }

    #[test]
    fn every_template_has_a_manifest_that_parses() {
        for template in Template::ALL {
            let manifest = manifest(template_dir(template)).unwrap();
            assert!(!manifest.versions.is_empty(), "{template}");
            for file in manifest.when.keys() {
                assert!(
                    template_dir(template)
                        .get_file(format!("{}/{file}", template.dir()))
                        .is_some(),
                    "{template}/template.toml names {file}, which does not exist"
                );
            }
        }
    }

    #[test]
    fn paths_are_rendered_and_dot_files_named() {
        let files = render(&project(Template::Python)).unwrap();
        let paths: Vec<String> = files
            .iter()
            .map(|f| f.path.to_string_lossy().replace('\\', "/"))
            .collect();
        assert!(paths.contains(&".gitignore".to_owned()), "{paths:?}");
        assert!(paths.contains(&".github/workflows/ci.yml".to_owned()));
        assert!(paths.contains(&"src/demo_server/server.py".to_owned()));
        assert!(
            !paths
                .iter()
                .any(|p| p.ends_with(".jinja") || p.contains("{{"))
        );
    }

    #[test]
    fn conditional_files_follow_the_answers() {
        let mut project = project(Template::Rust);
        let has_auth = |p: &Project| {
            render(p)
                .unwrap()
                .iter()
                .any(|f| f.path == Path::new("src/auth.rs"))
        };
        assert!(!has_auth(&project));
        project.transport = Transport::Http;
        assert!(!has_auth(&project), "auth is off");
        project.auth = true;
        assert!(has_auth(&project));
    }

    #[test]
    fn text_is_quoted_for_each_language() {
        let tricky = r#"it's "quoted" \ */ <b>"#;
        assert_eq!(filters::quote(tricky), r#""it's \"quoted\" \\ */ <b>""#);
        assert_eq!(
            filters::rust_quote(tricky),
            r#""it's \"quoted\" \\ */ <b>""#
        );
        assert_eq!(filters::pydoc(tricky), r#"it's \"quoted\" \\ */ <b>"#);
        assert_eq!(filters::jsdoc(tricky), r#"it's "quoted" \ *\/ <b>"#);
    }

    #[test]
    fn an_undefined_variable_is_an_error() {
        let env = environment();
        let context = context(&project(Template::Rust), &BTreeMap::new());
        assert!(env.render_str("{{ nmae }}", &context).is_err());
        assert_eq!(
            env.render_str("{{ name }}\n", &context).unwrap(),
            "demo-server\n"
        );
    }
}

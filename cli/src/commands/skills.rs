//! `mcp skills SPEC [NAME] [--out DIR]`: the skills a server serves (the skills extension), or
//! one of them fetched with every file checked against its manifest.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64::Engine;
use mcp::client::{Client, SkillError, SkillFile};
use mcp::types::extensions::skills::{Skill, SkillResources};
use serde_json::{Value, json};

use super::{Reach, print_json, split_positionals};
use crate::error::{CliError, Result, from_sdk};
use crate::ui::{BOLD, CYAN, DIM, GREEN, YELLOW, printable};

/// Arguments of `mcp skills`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
NAME is a skill's name, its path (acme/billing/refunds) or the URI of its SKILL.md. Every file
fetched is checked against the skill's manifest (size and SHA-256 digest, and the SKILL.md's
frontmatter against the listing); on a mismatch nothing is used or written and the exit code is 1.

Examples:
  mcp skills server.py                                  list the skills
  mcp skills server.py pdf-processing                   show one, its files verified
  mcp skills server.py pdf-processing --out ~/.claude/skills
                                                        write it to ~/.claude/skills/pdf-processing
  mcp skills --json https://example.com/mcp acme/billing/refunds")]
pub struct Args {
    /// The server (left out when its command follows `--`), then the skill to fetch.
    #[arg(value_name = "SPEC [NAME]", num_args = 0..=2)]
    words: Vec<String>,
    /// The server's command line, instead of SPEC.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
    /// Write the skill's files to DIR/<name>/ (atomically: all of them or none).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace DIR/<name>/ when it exists.
    #[arg(long, requires = "out")]
    force: bool,
    /// Print the server's answer as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    reach: Reach,
}

/// Runs `mcp skills`.
pub fn run(args: Args) -> Result<ExitCode> {
    let (spec, rest) = split_positionals(&args.words, &args.command)?;
    match rest.as_slice() {
        [] if args.out.is_some() => Err(CliError::usage("--out needs the skill to fetch")
            .hint("mcp skills SPEC NAME --out DIR")),
        [] => list(&args, &spec),
        [name] => fetch(&args, &spec, name),
        _ => Err(CliError::usage("name at most one skill").hint("mcp skills SPEC [NAME]")),
    }
}

/// Fails clearly when the server does not declare the extension.
fn require_skills(client: &Client) -> Result<()> {
    if client.skills().supported() {
        return Ok(());
    }
    Err(
        CliError::server("the server does not serve skills (it does not declare the io.modelcontextprotocol/skills extension)")
            .hint("`mcp resources SPEC` lists what it offers as resources"),
    )
}

fn list(args: &Args, spec: &crate::spec::Spec) -> Result<ExitCode> {
    let skills = args.reach.exchange(spec, async |client, _| {
        require_skills(client)?;
        client
            .skills()
            .list_all()
            .await
            .map_err(|e| from_sdk("skills/list", e))
    })?;
    if args.json {
        print_json(&json!({ "skills": skills }));
        return Ok(ExitCode::SUCCESS);
    }
    if skills.is_empty() {
        println!("no skills");
    }
    for skill in &skills {
        anstream::println!(
            "{CYAN}{}{CYAN:#}  {}",
            printable(skill.name().unwrap_or("(no name)")),
            printable(skill.description().unwrap_or_default())
        );
        anstream::println!(
            "  {DIM}{} · {}{DIM:#}",
            printable(&skill.uri),
            files_summary(skill)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `4 files, 1.2 KiB`, or what a generated skill is.
fn files_summary(skill: &Skill) -> String {
    match &skill.resources {
        SkillResources::Files(files) => {
            let bytes: u64 = files.iter().map(|f| f.size).sum();
            let s = if files.len() == 1 { "" } else { "s" };
            format!("{} file{s}, {}", files.len(), size(bytes))
        }
        SkillResources::Dynamic => "dynamic (generated, no digests)".to_owned(),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

/// The skill `name` names: a URI as it is, else the one listed at that path or with that name.
async fn find(client: &Client, name: &str) -> Result<Skill> {
    if name.contains("://") {
        return client
            .skills()
            .get(name)
            .await
            .map_err(|e| from_sdk(&format!("skills/get {name}"), e));
    }
    let skills = client
        .skills()
        .list_all()
        .await
        .map_err(|e| from_sdk("skills/list", e))?;
    let at_path = |skill: &&Skill| {
        skill.root().and_then(|root| root.strip_prefix("skill://")) == Some(name.trim_matches('/'))
    };
    if let Some(skill) = skills.iter().find(at_path) {
        return Ok(skill.clone());
    }
    let named: Vec<&Skill> = skills.iter().filter(|s| s.name() == Some(name)).collect();
    match named.as_slice() {
        [skill] => Ok((*skill).clone()),
        [] => {
            let known: Vec<&str> = skills.iter().filter_map(Skill::name).collect();
            Err(
                CliError::usage(format!("the server serves no skill named `{name}`")).hint(
                    if known.is_empty() {
                        "it serves no skills at all".to_owned()
                    } else {
                        format!("it serves: {}", known.join(", "))
                    },
                ),
            )
        }
        several => Err(
            CliError::usage(format!("{} skills are named `{name}`", several.len())).hint(format!(
                "name one by its URI: {}",
                several
                    .iter()
                    .map(|s| s.uri.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ),
    }
}

/// A failed check or read of a skill's files, as the CLI reports it.
fn fetch_error(skill: &Skill, error: SkillError) -> CliError {
    match error {
        SkillError::Request(e) => from_sdk(&format!("fetching {}", skill.uri), e),
        other => CliError::server(format!("{other}"))
            .hint("the server's files do not match what it lists; nothing was used or written"),
    }
}

fn fetch(args: &Args, spec: &crate::spec::Spec, name: &str) -> Result<ExitCode> {
    let (skill, files) = args.reach.exchange(spec, async |client, _| {
        require_skills(client)?;
        let skill = find(client, name).await?;
        let files = client
            .skills()
            .fetch(&skill)
            .await
            .map_err(|e| fetch_error(&skill, e))?;
        Ok((skill, files))
    })?;
    let written = match &args.out {
        Some(dir) => Some(write_skill(dir, &skill, &files, args.force)?),
        None => None,
    };
    if args.json {
        let files: Vec<Value> = files
            .iter()
            .map(|file| {
                let mut entry = json!({
                    "path": file.path,
                    "uri": file.uri,
                    "size": file.bytes.len(),
                    "digest": mcp::skills::digest(&file.bytes),
                    "verified": file.verified,
                });
                if written.is_none() {
                    match std::str::from_utf8(&file.bytes) {
                        Ok(text) => entry["text"] = text.into(),
                        Err(_) => {
                            entry["blob"] = base64::engine::general_purpose::STANDARD
                                .encode(&file.bytes)
                                .into()
                        }
                    }
                }
                entry
            })
            .collect();
        let mut out = json!({ "skill": skill, "files": files });
        if let Some(dir) = &written {
            out["out"] = dir.display().to_string().into();
        }
        print_json(&out);
        return Ok(ExitCode::SUCCESS);
    }
    anstream::println!(
        "{BOLD}{}{BOLD:#}  {}",
        printable(skill.name().unwrap_or("(no name)")),
        printable(skill.description().unwrap_or_default())
    );
    anstream::println!("{DIM}{}{DIM:#}", printable(&skill.uri));
    let width = files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    for file in &files {
        let check = if file.verified {
            format!("{GREEN}verified{GREEN:#}")
        } else {
            format!("{YELLOW}not verifiable (dynamic skill){YELLOW:#}")
        };
        anstream::println!(
            "  {:width$}  {:>9}  {check}",
            printable(&file.path),
            size(file.bytes.len() as u64)
        );
    }
    match written {
        Some(dir) => println!("wrote {} files to {}", files.len(), dir.display()),
        None => {
            let skill_md = String::from_utf8_lossy(&files[0].bytes);
            anstream::println!("\n{DIM}--- {}{DIM:#}", files[0].path);
            println!("{}", printable(skill_md.trim_end()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the skill's files to `dir/<name>/`: into a staging directory beside it, renamed into
/// place once every file is written, so a reader never sees half a skill.
fn write_skill(dir: &Path, skill: &Skill, files: &[SkillFile], force: bool) -> Result<PathBuf> {
    let name = skill.name().unwrap_or_default();
    mcp::skills::check_name(name).map_err(|why| {
        CliError::server(format!(
            "the skill at {} cannot be written: {why}",
            skill.uri
        ))
    })?;
    let io = |what: &str, path: &Path, e: std::io::Error| {
        CliError::environment(format!("cannot {what} {}: {e}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
    let target = dir.join(name);
    if target.exists() && !force {
        return Err(
            CliError::usage(format!("{} already exists", target.display()))
                .hint("add --force to replace it, or choose another --out"),
        );
    }
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempdir_in(dir)
        .map_err(|e| io("create a directory in", dir, e))?;
    for file in files {
        // The client only hands out paths below the skill's root without `.` or `..`
        // segments; a backslash or a drive would still leave the directory on Windows.
        if file.path.contains(['\\', ':', '\0']) {
            return Err(CliError::server(format!(
                "the skill's file path `{}` cannot be written safely",
                file.path
            )));
        }
        let path = staging.path().join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| io("write", &path, e))?;
    }
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| io("replace", &target, e))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, &target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io("move the skill into", &target, e)
    })?;
    Ok(target)
}

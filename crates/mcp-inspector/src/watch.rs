//! The dev loop: when a watched source changes, build (when the target has a build step) and
//! restart the server. A failed build is shown in the page and the running server is kept.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

use crate::backend::Backend;
use crate::events::Event;
use crate::target::{BuildStep, StdioTarget};

/// How long the sources must stay quiet before a restart: editors write in bursts.
const QUIET: Duration = Duration::from_millis(250);

/// Directories whose changes never restart anything: build output, VCS data, caches.
const IGNORED_DIRS: &[&str] = &[
    "target",
    ".git",
    "node_modules",
    "__pycache__",
    ".venv",
    ".mypy_cache",
    ".pytest_cache",
];

/// Whether a change of `path` should restart the server.
fn relevant(path: &Path) -> bool {
    let ignored_dir = path.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|name| IGNORED_DIRS.contains(&name))
    });
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    // Editor swap and backup files.
    let scratch = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
        || name == "4913";
    !ignored_dir && !scratch
}

/// A running watch; dropping it stops watching.
pub struct Watch {
    _watcher: RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Watches the target's paths and restarts the server through `backend` on changes.
pub fn start(backend: Arc<Backend>, target: &StdioTarget) -> notify::Result<Watch> {
    let (tx, mut rx) = mpsc::unbounded_channel::<PathBuf>();
    // A single file is watched through its directory: editors often replace a file (write
    // aside, rename), which a watch on the file itself would lose.
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs: Vec<(PathBuf, RecursiveMode)> = Vec::new();
    for path in &target.watch {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        if path.is_dir() {
            dirs.push((path, RecursiveMode::Recursive));
        } else {
            let parent = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            dirs.push((parent, RecursiveMode::NonRecursive));
            files.push(path);
        }
    }
    let roots: Vec<PathBuf> = dirs
        .iter()
        .filter(|(_, mode)| *mode == RecursiveMode::Recursive)
        .map(|(dir, _)| dir.clone())
        .collect();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
            return;
        }
        for path in event.paths {
            let wanted = files.contains(&path) || roots.iter().any(|root| path.starts_with(root));
            if wanted && relevant(&path) {
                let _ = tx.send(path);
            }
        }
    })?;
    for (dir, mode) in &dirs {
        watcher.watch(dir, *mode)?;
    }
    let build = target.build.clone();
    let base = target
        .server
        .cwd
        .clone()
        .or_else(|| std::env::current_dir().ok());
    let task = tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut changed = vec![first];
            // Wait for the burst to end.
            while let Ok(Some(path)) = tokio::time::timeout(QUIET, rx.recv()).await {
                if !changed.contains(&path) {
                    changed.push(path);
                }
            }
            let names: Vec<String> = changed
                .iter()
                .map(|p| {
                    base.as_ref()
                        .and_then(|b| p.strip_prefix(b).ok())
                        .unwrap_or(p)
                        .display()
                        .to_string()
                })
                .collect();
            backend.hub.publish(Event::Changed {
                paths: names.clone(),
            });
            let reason = format!("{} changed", names.join(", "));
            if let Some(step) = &build
                && !run_build(&backend, step, &reason).await
            {
                continue;
            }
            let _ = backend.restart(&reason).await;
        }
    });
    Ok(Watch {
        _watcher: watcher,
        task,
    })
}

/// Runs the build step, telling the page; whether it succeeded.
async fn run_build(backend: &Backend, step: &BuildStep, reason: &str) -> bool {
    let command = step.display();
    backend.hub.publish(Event::Build {
        state: "running".to_owned(),
        command: command.clone(),
        output: None,
    });
    backend.building(true, &format!("{reason}: building"));
    let (ok, output) = build(step).await;
    backend.hub.publish(Event::Build {
        state: if ok { "ok" } else { "failed" }.to_owned(),
        command: command.clone(),
        output: Some(output),
    });
    if !ok {
        backend.building(
            false,
            &format!("{reason}; the build failed, so the server was not restarted"),
        );
    }
    ok
}

/// Runs `step`, collecting its stdout and stderr as they come.
async fn build(step: &BuildStep) -> (bool, String) {
    let mut command = tokio::process::Command::new(&step.program);
    command
        .args(&step.args)
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(cwd) = &step.cwd {
        command.current_dir(cwd);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return (false, format!("cannot run `{}`: {e}", step.display())),
    };
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let (lines_tx, mut lines) = mpsc::unbounded_channel::<String>();
    for reader in [
        Box::new(stdout) as Box<dyn tokio::io::AsyncRead + Unpin + Send>,
        Box::new(stderr),
    ] {
        let tx = lines_tx.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(reader).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                let _ = tx.send(line);
            }
        });
    }
    drop(lines_tx);
    let mut output = String::new();
    while let Some(line) = lines.recv().await {
        output.push_str(&line);
        output.push('\n');
    }
    let ok = child.wait().await.is_ok_and(|s| s.success());
    (ok, output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_output_and_scratch_files_are_ignored() {
        assert!(relevant(Path::new("/p/src/main.rs")));
        assert!(relevant(Path::new("/p/server.py")));
        assert!(!relevant(Path::new("/p/target/debug/srv")));
        assert!(!relevant(Path::new("/p/.git/index")));
        assert!(!relevant(Path::new("/p/src/.main.rs.swp")));
        assert!(!relevant(Path::new(
            "/p/__pycache__/server.cpython-311.pyc"
        )));
    }

    #[tokio::test]
    async fn a_build_reports_its_output_and_outcome() {
        let ok = BuildStep::new("sh", ["-c", "echo compiling; echo warning >&2"]);
        let (passed, output) = build(&ok).await;
        assert!(passed);
        assert!(
            output.contains("compiling") && output.contains("warning"),
            "{output}"
        );
        let failing = BuildStep::new("sh", ["-c", "echo 'error[E0425]: nope' >&2; exit 101"]);
        let (passed, output) = build(&failing).await;
        assert!(!passed);
        assert!(output.contains("E0425"));
        let (passed, output) = build(&BuildStep::new("/no/such/cargo", ["build"])).await;
        assert!(!passed);
        assert!(output.contains("cannot run"));
    }
}

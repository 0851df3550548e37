//! What the CLI shows a person on stderr: the server's stderr and log messages, progress
//! (an indicatif bar on a terminal, plain lines otherwise), warnings. Colour goes through
//! `anstream`, which drops it when `NO_COLOR` is set or stderr is not a terminal. Text a server
//! chose (its stderr, log messages, names, descriptions, tool results) goes through
//! [`printable`] first: a server must not move the cursor, rewrite the screen, set the window
//! title or hide text on the user's terminal.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::sync::Arc;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mcp::jsonrpc::Progress;
use mcp::types::{LoggingLevel, LoggingMessageNotificationParams};
use parking_lot::Mutex;

/// Bold text.
pub const BOLD: Style = Style::new().bold();
/// Dimmed text.
pub const DIM: Style = Style::new().dimmed();
/// A passed step.
pub const GREEN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
/// A failed step.
pub const RED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
/// A warning or a skipped step.
pub const YELLOW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
/// Names (tools, resources, prompts).
pub const CYAN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

/// The stderr side of the CLI, shared by the callbacks of a connection.
#[derive(Clone)]
pub struct Ui {
    inner: Arc<UiInner>,
}

struct UiInner {
    quiet: bool,
    terminal: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl std::fmt::Debug for Ui {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ui")
            .field("quiet", &self.inner.quiet)
            .finish()
    }
}

impl Ui {
    /// A UI; `quiet` hides the server's stderr, logs and progress.
    pub fn new(quiet: bool) -> Self {
        Self {
            inner: Arc::new(UiInner {
                quiet,
                terminal: std::io::stderr().is_terminal(),
                bar: Mutex::new(None),
            }),
        }
    }

    /// Prints a line on stderr without tearing a progress bar.
    pub fn line(&self, text: &str) {
        let bar = self.inner.bar.lock();
        match bar.as_ref() {
            Some(bar) => bar.suspend(|| anstream::eprintln!("{text}")),
            None => anstream::eprintln!("{text}"),
        }
    }

    /// One line the server wrote to its stderr.
    pub fn server_stderr(&self, line: &str) {
        if !self.inner.quiet {
            self.line(&format!("{DIM}server |{DIM:#} {}", printable(line)));
        }
    }

    /// A `notifications/message` log message of the server.
    pub fn server_log(&self, params: &LoggingMessageNotificationParams) {
        if self.inner.quiet {
            return;
        }
        let style = match params.level {
            LoggingLevel::Debug | LoggingLevel::Info | LoggingLevel::Notice => DIM,
            LoggingLevel::Warning => YELLOW,
            _ => RED,
        };
        let level = serde_json::to_value(params.level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let logger = params
            .logger
            .as_deref()
            .map(|l| format!(" {l}:"))
            .unwrap_or_default();
        let data = match &params.data {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.line(&format!(
            "{style}log [{level}]{style:#}{} {}",
            printable(&logger),
            printable(&data)
        ));
    }

    /// A progress update of the request in flight.
    pub fn progress(&self, progress: &Progress) {
        if self.inner.quiet {
            return;
        }
        if !self.inner.terminal {
            let total = progress
                .total
                .map(|t| format!("/{}", number(t)))
                .unwrap_or_default();
            let message = progress
                .message
                .as_deref()
                .map(|m| format!(" {}", printable(m)))
                .unwrap_or_default();
            anstream::eprintln!("progress {}{total}{message}", number(progress.progress));
            return;
        }
        let mut slot = self.inner.bar.lock();
        let bar = slot.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        match progress.total {
            Some(total) if total > 0.0 => {
                bar.set_style(
                    ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                        .expect("a valid template")
                        .progress_chars("=> "),
                );
                bar.set_length(total.ceil() as u64);
                bar.set_position(progress.progress.max(0.0) as u64);
            }
            _ => {
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} ({pos})")
                        .expect("a valid template"),
                );
                bar.set_position(progress.progress.max(0.0) as u64);
            }
        }
        if let Some(message) = &progress.message {
            bar.set_message(printable(message).into_owned());
        }
    }

    /// Removes the progress bar, if one is shown.
    pub fn finish_progress(&self) {
        if let Some(bar) = self.inner.bar.lock().take() {
            bar.finish_and_clear();
        }
    }

    /// A line about the work going on at the server (a task's status), hidden by `--quiet`.
    pub fn status(&self, text: &str) {
        if !self.inner.quiet {
            self.line(text);
        }
    }

    /// A note on stderr (shown even with `--quiet`: it is about what the CLI did).
    pub fn note(&self, text: &str) {
        self.line(text);
    }
}

/// A float printed without a trailing `.0` when it is whole.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// `text` without what a terminal would act on: escape sequences (colours, cursor moves, screen
/// and title changes, hyperlinks), other control characters but newline and tab (a carriage
/// return could overwrite what was printed before it on the line), and C1 controls.
pub fn printable(text: &str) -> Cow<'_, str> {
    let clean = |c: char| !c.is_control() || c == '\n' || c == '\t';
    if text.chars().all(clean) {
        return Cow::Borrowed(text);
    }
    struct Keep(String);
    impl vte::Perform for Keep {
        fn print(&mut self, c: char) {
            if !c.is_control() {
                self.0.push(c);
            }
        }
        fn execute(&mut self, byte: u8) {
            if byte == b'\n' || byte == b'\t' {
                self.0.push(byte as char);
            }
        }
    }
    let mut keep = Keep(String::with_capacity(text.len()));
    vte::Parser::new().advance(&mut keep, text.as_bytes());
    Cow::Owned(keep.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_dropped_and_text_kept() {
        assert!(matches!(printable("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(printable("\x1b[31mred\x1b[0m ok"), "red ok");
        assert_eq!(printable("a\x1b]0;pwned title\x07b"), "ab");
        assert_eq!(
            printable("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b"),
            "alinkb"
        );
        assert_eq!(printable("safe\rrm -rf /"), "saferm -rf /");
        assert_eq!(printable("x\u{9b}31my"), "x31my");
        assert_eq!(printable("\x1b[2J\x1b[Hcleared\x08\x7f"), "cleared");
        assert_eq!(printable("héllo ✓ 日本"), "héllo ✓ 日本");
    }
}

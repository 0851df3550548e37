//! Whether a server's tools can be offered to models: each tool's name and input schema
//! against the tool formats of the model vendors (the rules of [`rules::RULES`]), with a fix
//! for every problem. `mcp check --strict` runs it.

pub mod rules;
mod schema;

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use self::rules::rule;
pub use self::rules::{Severity, Vendor};

/// One problem of one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The tool's name.
    pub tool: String,
    /// The rule (`name-characters`, `ref-cycle`, ...).
    pub rule: &'static str,
    /// What the rule finds, in general.
    pub title: &'static str,
    /// The worst it is for the vendors checked.
    pub severity: Severity,
    /// The vendors checked that it concerns.
    pub vendors: Vec<Vendor>,
    /// Where, as a JSON pointer into the tool (`/name`, `/inputSchema/properties/when`).
    pub path: String,
    /// What exactly.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// The portability of a server's tools.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The vendors checked.
    pub vendors: Vec<Vendor>,
    /// How many tools were checked.
    pub tools: usize,
    /// How many findings are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// Every finding, tool by tool in the server's order.
    pub findings: Vec<Finding>,
}

/// A problem before the vendors checked decide how bad it is.
pub(crate) struct Problem {
    pub rule: &'static str,
    /// The vendors of the rule it concerns (`None`: all of them).
    pub vendors: Option<Vec<Vendor>>,
    /// A JSON pointer into the tool.
    pub path: String,
    pub message: String,
    /// A fix more precise than the rule's, if there is one.
    pub fix: Option<String>,
}

impl Problem {
    pub fn new(rule: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rule,
            vendors: None,
            path: path.into(),
            message: message.into(),
            fix: None,
        }
    }

    pub fn only(mut self, vendors: Vec<Vendor>) -> Self {
        self.vendors = Some(vendors);
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// Checks `tools` (as the server listed them) for `vendors`.
pub fn check(tools: &[Value], vendors: &[Vendor]) -> Report {
    let selected: BTreeSet<Vendor> = vendors.iter().copied().collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut findings = Vec::new();
    for tool in tools {
        let name = tool["name"].as_str().unwrap_or_default();
        let mut problems = name_problems(name);
        *seen.entry(name).or_default() += 1;
        if seen[name] == 2 {
            problems.push(Problem::new(
                "name-duplicate",
                "/name",
                format!("another tool is named `{name}` too"),
            ));
        }
        problems.extend(schema::problems(&tool["inputSchema"]));
        for problem in problems {
            if let Some(finding) = judge(name, problem, &selected) {
                findings.push(finding);
            }
        }
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    Report {
        vendors: selected.iter().copied().collect(),
        tools: tools.len(),
        errors,
        warnings: findings.len() - errors,
        findings,
    }
}

/// How bad `problem` is for the `selected` vendors; `None` when it concerns none of them.
fn judge(tool: &str, problem: Problem, selected: &BTreeSet<Vendor>) -> Option<Finding> {
    let rule = rule(problem.rule);
    let concerned: Vec<(Vendor, Severity)> = rule
        .vendors
        .iter()
        .copied()
        .filter(|(v, _)| selected.contains(v))
        .filter(|(v, _)| problem.vendors.as_ref().is_none_or(|only| only.contains(v)))
        .collect();
    let severity = concerned.iter().map(|(_, s)| *s).max()?;
    Some(Finding {
        tool: tool.to_owned(),
        rule: rule.id,
        title: rule.what,
        severity,
        vendors: concerned.into_iter().map(|(v, _)| v).collect(),
        path: problem.path,
        message: problem.message,
        fix: problem.fix.unwrap_or_else(|| rule.fix.to_owned()),
    })
}

/// Whether `c` may appear in a name: letters, digits, `_`, `-`, and for Gemini `.` and `:`.
fn name_char(c: char, gemini: bool) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || (gemini && (c == '.' || c == ':'))
}

/// The problems of a tool's name.
fn name_problems(name: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push(Problem::new("name-empty", "/name", "the name is empty"));
        return problems;
    }
    let length = name.chars().count();
    if length > 64 {
        problems.push(Problem::new(
            "name-too-long",
            "/name",
            format!("the name is {length} characters long"),
        ));
    }
    let mut refuse = Vec::new();
    if !name.chars().all(|c| name_char(c, false)) {
        refuse.extend([
            Vendor::Openai,
            Vendor::OpenaiStrict,
            Vendor::Anthropic,
            Vendor::AnthropicStrict,
        ]);
    }
    if !name.chars().all(|c| name_char(c, true)) {
        refuse.push(Vendor::Gemini);
    }
    if !refuse.is_empty() {
        let odd: BTreeSet<char> = name.chars().filter(|c| !name_char(*c, false)).collect();
        let odd: String = odd
            .into_iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let suggestion: String = name
            .chars()
            .map(|c| if name_char(c, false) { c } else { '_' })
            .collect();
        problems.push(
            Problem::new("name-characters", "/name", format!("the name has {odd}"))
                .only(refuse)
                .fix(format!(
                    "use letters, digits, `_` and `-` only, e.g. `{suggestion}`"
                )),
        );
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        problems.push(
            Problem::new(
                "name-first-character",
                "/name",
                format!(
                    "the name starts with `{}`",
                    name.chars().next().unwrap_or(' ')
                ),
            )
            .fix(format!(
                "start the name with a letter or `_`, e.g. `_{name}`"
            )),
        );
    }
    problems
}

#[cfg(test)]
mod tests;

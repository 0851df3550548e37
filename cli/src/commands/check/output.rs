//! The report of `mcp check` for people (text, with the `--strict` findings and their fixes)
//! and for CI (JUnit XML).

use super::{Report, Status, plural};
use crate::portability::{self, Severity};
use crate::ui::{BOLD, DIM, GREEN, RED, YELLOW, printable};

pub(super) fn print_text(report: &Report) {
    let server = report
        .server
        .as_ref()
        .map(|s| {
            format!(
                "{} {}",
                s["name"].as_str().unwrap_or("?"),
                s["version"].as_str().unwrap_or("")
            )
        })
        .unwrap_or_else(|| report.spec.clone());
    anstream::println!("{BOLD}mcp check{BOLD:#} {}", printable(&server));
    if !report.command.is_empty() {
        anstream::println!("  {DIM}{}{DIM:#}", report.command);
    }
    for step in &report.steps {
        let (mark, style) = match step.status {
            Status::Passed => ("✓", GREEN),
            Status::Failed => ("✗", RED),
            Status::Skipped => ("-", YELLOW),
        };
        let time = if step.status == Status::Skipped {
            String::new()
        } else {
            format!("{:>6} ms", step.duration_ms)
        };
        let portability = report
            .portability
            .as_ref()
            .filter(|_| step.name == "portability");
        let detail = match (portability, &step.error) {
            // The summary; the findings follow.
            (Some(_), Some(error)) => error.lines().next().unwrap_or_default(),
            _ => step.detail.as_str(),
        };
        anstream::println!(
            "  {style}{mark}{style:#} {:<28} {DIM}{time:>9}{DIM:#}  {}",
            step.name,
            printable(detail)
        );
        match (portability, &step.error) {
            (Some(portability), _) => print_findings(portability),
            (None, Some(error)) => {
                for line in printable(error).lines() {
                    anstream::println!("      {RED}{line}{RED:#}");
                }
            }
            (None, None) => {}
        }
    }
    let failed = report
        .steps
        .iter()
        .filter(|s| s.status == Status::Failed)
        .count();
    let seconds = report.duration_ms as f64 / 1000.0;
    if report.passed {
        anstream::println!(
            "{GREEN}passed{GREEN:#}: {} in {seconds:.2} s",
            plural(report.steps.len(), "step")
        );
    } else {
        anstream::println!(
            "{RED}failed{RED:#}: {} of {} in {seconds:.2} s",
            plural(failed, "step"),
            report.steps.len()
        );
    }
}

/// The findings of `--strict`, errors then warnings, each with its fix.
fn print_findings(report: &portability::Report) {
    let mut findings: Vec<&portability::Finding> = report.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for finding in findings {
        let (mark, style) = match finding.severity {
            Severity::Error => ("✗", RED),
            Severity::Warning => ("!", YELLOW),
        };
        let vendors: Vec<&str> = finding.vendors.iter().map(|v| v.name()).collect();
        anstream::println!(
            "      {style}{mark}{style:#} {}: {} {DIM}({}, at {}; {}){DIM:#}",
            printable(&finding.tool),
            printable(&finding.message),
            finding.rule,
            printable(&finding.path),
            vendors.join(", ")
        );
        anstream::println!("        fix: {}", printable(&finding.fix));
    }
}

fn xml_escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .fold(String::new(), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            }
            out
        })
}

pub(super) fn junit(report: &Report) -> String {
    let failures = report
        .steps
        .iter()
        .filter(|s| s.status == Status::Failed)
        .count();
    let skipped = report
        .steps
        .iter()
        .filter(|s| s.status == Status::Skipped)
        .count();
    let suite = xml_escape(&format!("mcp check {}", report.spec));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mcp check\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">\n  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">\n",
        report.steps.len(),
        report.duration_ms as f64 / 1000.0,
        report.steps.len(),
        report.duration_ms as f64 / 1000.0,
    );
    if let Some(version) = &report.protocol_version {
        xml.push_str(&format!(
            "    <properties><property name=\"protocolVersion\" value=\"{}\"/></properties>\n",
            xml_escape(version)
        ));
    }
    for step in &report.steps {
        xml.push_str(&format!(
            "    <testcase classname=\"mcp.check\" name=\"{}\" time=\"{:.3}\"",
            xml_escape(&step.name),
            step.duration_ms as f64 / 1000.0
        ));
        match step.status {
            Status::Passed => xml.push_str("/>\n"),
            Status::Skipped => xml.push_str(&format!(
                ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml_escape(&step.detail)
            )),
            Status::Failed => {
                let error = step.error.as_deref().unwrap_or_default();
                let first = error.lines().next().unwrap_or_default();
                xml.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml_escape(first),
                    xml_escape(error)
                ));
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::super::Step;
    use super::*;

    #[test]
    fn junit_escapes_and_counts() {
        let report = Report {
            spec: "a<b".into(),
            command: String::new(),
            server: None,
            protocol_version: Some("2025-11-25".into()),
            passed: false,
            duration_ms: 1500,
            messages: 0,
            portability: None,
            steps: vec![
                Step {
                    name: "ping".into(),
                    status: Status::Passed,
                    duration_ms: 1,
                    detail: String::new(),
                    error: None,
                },
                Step {
                    name: "tools/list".into(),
                    status: Status::Failed,
                    duration_ms: 2,
                    detail: String::new(),
                    error: Some("bad \"x\" & y".into()),
                },
                Step {
                    name: "prompts/list".into(),
                    status: Status::Skipped,
                    duration_ms: 0,
                    detail: "none".into(),
                    error: None,
                },
            ],
        };
        let xml = junit(&report);
        assert!(
            xml.contains("tests=\"3\" failures=\"1\" skipped=\"1\""),
            "{xml}"
        );
        assert!(xml.contains("mcp check a&lt;b"), "{xml}");
        assert!(xml.contains("bad &quot;x&quot; &amp; y"), "{xml}");
    }
}

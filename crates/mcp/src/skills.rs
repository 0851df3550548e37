//! What both ends of the skills extension (`io.modelcontextprotocol/skills`) read the same
//! way: a `SKILL.md`'s YAML frontmatter, a file's digest, a skill's name.
//!
//! ```
//! let text = "---\nname: git-workflow\ndescription: Follow the team's Git conventions\n---\n\n# Git\n";
//! let frontmatter = mcp::skills::frontmatter(text).unwrap();
//! assert_eq!(frontmatter["name"], "git-workflow");
//! assert_eq!(
//!     mcp::skills::digest(b"hello"),
//!     "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
//! );
//! assert!(mcp::skills::check_name("git-workflow").is_ok());
//! assert!(mcp::skills::check_name("Git--Workflow").is_err());
//! ```

use sha2::{Digest as _, Sha256};

use crate::types::JsonObject;

/// A `SKILL.md` whose frontmatter cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrontmatterError {
    /// The file does not begin with a `---` line closed by another.
    #[error("SKILL.md does not begin with YAML frontmatter between two `---` lines")]
    Missing,
    /// The block between the lines is not YAML.
    #[error("the frontmatter is not valid YAML: {0}")]
    Yaml(String),
    /// The YAML is not a mapping.
    #[error("the frontmatter is not a mapping of fields")]
    NotAMapping,
    /// A required field is missing or not a non-empty string.
    #[error("the frontmatter has no `{0}` (a non-empty string)")]
    MissingField(&'static str),
}

/// The YAML frontmatter at the top of a `SKILL.md` (after an optional byte-order mark), as a
/// JSON object, checked to hold a `name` and a `description`.
pub fn frontmatter(text: &str) -> Result<JsonObject, FrontmatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or(FrontmatterError::Missing)?;
    let mut block = None;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim_end_matches([' ', '\t']) == "---" {
            block = Some(&rest[..offset]);
            break;
        }
        offset += line.len();
    }
    let block = block.ok_or(FrontmatterError::Missing)?;
    let value: serde_json::Value =
        serde_yaml_ng::from_str(block).map_err(|e| FrontmatterError::Yaml(e.to_string()))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(FrontmatterError::NotAMapping);
    };
    for field in ["name", "description"] {
        if fields
            .get(field)
            .and_then(|v| v.as_str())
            .is_none_or(str::is_empty)
        {
            return Err(FrontmatterError::MissingField(field));
        }
    }
    Ok(fields)
}

/// The digest of a skill file: `sha256:` and the SHA-256 of its raw bytes in lowercase hex.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in hash {
        out.push(char::from_digit(u32::from(byte >> 4), 16).expect("a nibble"));
        out.push(char::from_digit(u32::from(byte & 0xf), 16).expect("a nibble"));
    }
    out
}

/// A skill name that breaks the Agent Skills naming rules ([`check_name`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a valid skill name: {rule}")]
pub struct SkillNameError {
    /// The name.
    pub name: String,
    /// The rule it breaks.
    pub rule: SkillNameRule,
}

/// One of the Agent Skills naming rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SkillNameRule {
    /// 1 to 64 characters.
    #[error("it must be 1 to 64 characters long")]
    Length,
    /// Lowercase ASCII letters, digits and hyphens only.
    #[error("it may hold only lowercase letters, digits and hyphens")]
    Characters,
    /// No hyphen first, last or twice in a row.
    #[error("it may not begin or end with a hyphen, nor hold two in a row")]
    Hyphens,
}

/// Checks a skill name against the Agent Skills naming rules: 1 to 64 characters, lowercase
/// letters, digits and hyphens, no hyphen first, last or twice in a row.
pub fn check_name(name: &str) -> Result<(), SkillNameError> {
    let rule = if name.is_empty() || name.len() > 64 {
        SkillNameRule::Length
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        SkillNameRule::Characters
    } else if name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        SkillNameRule::Hyphens
    } else {
        return Ok(());
    };
    Err(SkillNameError {
        name: name.to_owned(),
        rule,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter_needs_its_delimiters_a_mapping_and_the_two_fields() {
        let ok = "\u{feff}---\r\nname: a\r\ndescription: b\r\nmetadata:\r\n  version: \"2\"\r\n--- \r\nbody";
        let fields = frontmatter(ok).unwrap();
        assert_eq!(fields["metadata"]["version"], "2");
        assert_eq!(
            frontmatter("# no frontmatter"),
            Err(FrontmatterError::Missing)
        );
        assert_eq!(
            frontmatter("---\nname: a\n"),
            Err(FrontmatterError::Missing)
        );
        assert_eq!(
            frontmatter("---\n- a\n---\n"),
            Err(FrontmatterError::NotAMapping)
        );
        assert_eq!(
            frontmatter("---\nname: a\n---\n"),
            Err(FrontmatterError::MissingField("description"))
        );
        assert!(matches!(
            frontmatter("---\nname: [\n---\n"),
            Err(FrontmatterError::Yaml(_))
        ));
    }

    #[test]
    fn names_follow_the_agent_skills_rules() {
        for good in ["a", "pdf-processing", "x9", &"a".repeat(64)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        use SkillNameRule::*;
        for (bad, rule) in [
            ("", Length),
            (&"a".repeat(65), Length),
            ("-a", Hyphens),
            ("a-", Hyphens),
            ("a--b", Hyphens),
            ("A", Characters),
            ("a_b", Characters),
            ("a b", Characters),
        ] {
            assert_eq!(check_name(bad).unwrap_err().rule, rule, "{bad}");
        }
    }
}

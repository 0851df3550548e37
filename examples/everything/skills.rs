//! The skills of the skills extension's scenarios (SEP-2640): the directory `skills/` beside
//! this file (a skill with references and templates, another under the `acme/billing` prefix),
//! and one skill written in code.

use mcp::fastmcp::{FastMcp, SkillDef};

/// Where the skills on disk are: in the source tree, beside this file.
const SKILLS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/everything/skills");

/// Adds the skills to `mcp` (built with `.skills()`).
pub fn register(mcp: &FastMcp) {
    mcp.add_skills_dir(SKILLS_DIR)
        .unwrap_or_else(|e| panic!("the example skills in {SKILLS_DIR}: {e}"));
    let git = SkillDef::new(
        "git-workflow",
        "Follow this team's Git conventions for branches and commits",
    )
    .instructions(
        "# Git workflow\n\nBranch from `main` as `topic/<name>`, and write commits as \
         [the commit guide](references/COMMITS.md) says.",
    )
    .file(
        "references/COMMITS.md",
        "# Commits\n\nOne change per commit, its subject in the imperative mood.\n",
    );
    mcp.add_skill(git)
        .unwrap_or_else(|e| panic!("the git-workflow skill: {e}"));
}

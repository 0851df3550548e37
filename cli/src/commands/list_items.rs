//! `mcp tools`, `mcp resources`, `mcp prompts`: what a server offers, every page of it.

use std::process::ExitCode;

use mcp::types::extensions::apps::{UiToolMeta, UiVisibility};
use serde_json::{Value, json};

use super::{Reach, ServerArg, print_json};
use crate::error::{Result, from_sdk};
use crate::ui::{BOLD, CYAN, DIM, printable};

macro_rules! listing_args {
    ($name:ident, $what:literal, $example:literal) => {
        #[doc = concat!("Arguments of `mcp ", $what, "`.")]
        #[derive(Debug, clap::Args)]
        #[command(after_help = concat!("Examples:\n  mcp ", $what, " server.py\n  mcp ", $what, " --json ", $example))]
        pub struct $name {
            #[command(flatten)]
            server: ServerArg,
            /// Print the server's answer as JSON.
            #[arg(long)]
            json: bool,
            #[command(flatten)]
            reach: Reach,
        }
    };
}

listing_args!(ToolsArgs, "tools", "-- node build/index.js");
listing_args!(ResourcesArgs, "resources", "./target/release/my-server");
listing_args!(PromptsArgs, "prompts", "https://example.com/mcp");

/// `mcp tools`.
pub fn tools(args: ToolsArgs) -> Result<ExitCode> {
    let tools = args
        .reach
        .exchange(&args.server.spec()?, async |client, _| {
            client
                .list_all_tools()
                .await
                .map_err(|e| from_sdk("tools/list", e))
        })?;
    if args.json {
        print_json(&json!({ "tools": tools }));
        return Ok(ExitCode::SUCCESS);
    }
    if tools.is_empty() {
        println!("no tools");
    }
    for tool in &tools {
        let value = serde_json::to_value(tool).unwrap_or_default();
        anstream::println!(
            "{CYAN}{}{CYAN:#}({})",
            printable(&tool.name),
            printable(&parameters(&value["inputSchema"]))
        );
        describe(&value);
        if let Some(view) = UiToolMeta::of(tool) {
            let app_only = if view.visible_to(UiVisibility::Model) {
                ""
            } else {
                " (called by its view only)"
            };
            anstream::println!(
                "    {DIM}view: {}{app_only}{DIM:#}",
                printable(&view.resource_uri)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `a: integer, b?: string` from an input schema.
pub fn parameters(schema: &Value) -> String {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .map(|(name, property)| {
                    let kind = match &property["type"] {
                        Value::String(t) => t.clone(),
                        Value::Array(types) => types
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("|"),
                        _ if property.get("enum").is_some() => "enum".to_owned(),
                        _ => "any".to_owned(),
                    };
                    let optional = if required.contains(&name.as_str()) {
                        ""
                    } else {
                        "?"
                    };
                    format!("{name}{optional}: {kind}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// `mcp resources`.
pub fn resources(args: ResourcesArgs) -> Result<ExitCode> {
    let (resources, templates) = args
        .reach
        .exchange(&args.server.spec()?, async |client, _| {
            if client.server_capabilities().resources.is_none() {
                return Ok((Vec::new(), Vec::new()));
            }
            let resources = client
                .list_all_resources()
                .await
                .map_err(|e| from_sdk("resources/list", e))?;
            let templates = client
                .list_all_resource_templates()
                .await
                .map_err(|e| from_sdk("resources/templates/list", e))?;
            Ok((resources, templates))
        })?;
    if args.json {
        print_json(&json!({ "resources": resources, "resourceTemplates": templates }));
        return Ok(ExitCode::SUCCESS);
    }
    if resources.is_empty() && templates.is_empty() {
        println!("no resources");
    }
    for resource in &resources {
        let value = serde_json::to_value(resource).unwrap_or_default();
        let mime = value["mimeType"]
            .as_str()
            .map(|m| format!("  {DIM}{}{DIM:#}", printable(m)))
            .unwrap_or_default();
        anstream::println!(
            "{CYAN}{}{CYAN:#}  {}{mime}",
            printable(&resource.uri),
            printable(&resource.name)
        );
        describe(&value);
    }
    if !templates.is_empty() {
        anstream::println!("{BOLD}templates:{BOLD:#}");
        for template in &templates {
            let value = serde_json::to_value(template).unwrap_or_default();
            anstream::println!(
                "{CYAN}{}{CYAN:#}  {}",
                printable(value["uriTemplate"].as_str().unwrap_or_default()),
                printable(value["name"].as_str().unwrap_or_default())
            );
            describe(&value);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(value: &Value) {
    if let Some(description) = value["description"].as_str() {
        for line in printable(description).trim().lines() {
            anstream::println!("    {DIM}{}{DIM:#}", line.trim_end());
        }
    }
}

/// `mcp prompts`.
pub fn prompts(args: PromptsArgs) -> Result<ExitCode> {
    let prompts = args
        .reach
        .exchange(&args.server.spec()?, async |client, _| {
            if client.server_capabilities().prompts.is_none() {
                return Ok(Vec::new());
            }
            client
                .list_all_prompts()
                .await
                .map_err(|e| from_sdk("prompts/list", e))
        })?;
    if args.json {
        print_json(&json!({ "prompts": prompts }));
        return Ok(ExitCode::SUCCESS);
    }
    if prompts.is_empty() {
        println!("no prompts");
    }
    for prompt in &prompts {
        let value = serde_json::to_value(prompt).unwrap_or_default();
        let arguments: Vec<String> = value["arguments"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|arg| {
                        let name = arg["name"].as_str().unwrap_or_default();
                        if arg["required"] == true {
                            name.to_owned()
                        } else {
                            format!("{name}?")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        anstream::println!(
            "{CYAN}{}{CYAN:#}({})",
            printable(&prompt.name),
            printable(&arguments.join(", "))
        );
        describe(&value);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_show_types_and_optional_ones() {
        let schema = json!({"type": "object", "properties": {
            "a": {"type": "integer"}, "b": {"type": ["string", "null"]}
        }, "required": ["a"]});
        assert_eq!(parameters(&schema), "a: integer, b?: string|null");
    }
}

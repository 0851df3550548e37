//! Every example of the Python SDK README and usage guide, in Rust: each one driven by our
//! client and by the official Python SDK client, in both protocol eras, asserting on real
//! results.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use mcp::client::{CallOptions, Client};
use mcp::transport::stdio::{Stderr, StdioServerParameters};
use mcp::types::*;
use mcp_test_support::{example, peer_python, peer_script, repo_root, run_ok};
use serde_json::{Value, json};

const ERAS: [ProtocolVersion; 2] = [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28];

fn server(name: &str) -> StdioServerParameters {
    StdioServerParameters::new(example(name))
        .stderr(Stderr::Lines(Arc::new(|l: &str| eprintln!("[server] {l}"))))
}

async fn connect(params: StdioServerParameters, version: ProtocolVersion) -> Client {
    Client::builder()
        .protocol_version(version)
        .connect_stdio(params)
        .await
        .expect("the example starts and answers")
}

fn text(result: &CallToolResult) -> &str {
    assert_ne!(result.is_error, Some(true), "the tool failed: {result:?}");
    result.content[0].as_text().expect("text content")
}

fn resource_text(result: &ReadResourceResult) -> &str {
    result.contents[0].as_text().expect("text contents")
}

/// Runs the Python SDK client against an example; `args` are `drive_server.py` options.
fn python(
    example_name: &str,
    version: ProtocolVersion,
    args: &[&str],
    cwd: Option<&Path>,
) -> Value {
    let mut command = Command::new(peer_python());
    command
        .arg(peer_script("drive_server.py"))
        .args(["--protocol-version", version.as_str()])
        .args(args)
        .arg("--")
        .arg(example(example_name));
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let out = run_ok(&mut command);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("no JSON from drive_server.py ({e}):\n{out}"))
}

fn python_tool_text<'a>(report: &'a Value, name: &str) -> &'a str {
    let result = report["tool_results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no result for {name}: {report:#}"));
    assert_ne!(result["result"]["isError"], true, "{result:#}");
    result["result"]["content"][0]["text"].as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart() {
    for version in ERAS {
        let client = connect(server("quickstart"), version).await;
        assert_eq!(client.server_info().unwrap().name, "Demo");
        let tools = client.list_all_tools().await.unwrap();
        assert_eq!(tools[0].name, "add");
        assert_eq!(tools[0].description.as_deref(), Some("Add two numbers"));
        assert_eq!(
            text(
                &client
                    .call_tool("add", json!({"a": 2, "b": 40}))
                    .await
                    .unwrap()
            ),
            "42"
        );
        let templates = client.list_all_resource_templates().await.unwrap();
        assert_eq!(templates[0].uri_template, "greeting://{name}");
        let greeting = client.read_resource("greeting://World").await.unwrap();
        assert_eq!(resource_text(&greeting), "Hello, World!");
        client.close().await;

        let report = python(
            "quickstart",
            version,
            &[
                "--call-tool",
                r#"add={"a":1,"b":2}"#,
                "--read-resource",
                "greeting://Ada",
                "--list-templates",
            ],
            None,
        );
        assert_eq!(python_tool_text(&report, "add"), "3");
        assert_eq!(
            report["resource_reads"][0]["result"]["contents"][0]["text"],
            "Hello, Ada!"
        );
        assert_eq!(
            report["resource_templates"][0]["uriTemplate"],
            "greeting://{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn echo() {
    for version in ERAS {
        let client = connect(server("echo"), version).await;
        assert_eq!(
            text(
                &client
                    .call_tool("echo_tool", json!({"message": "hi"}))
                    .await
                    .unwrap()
            ),
            "Tool echo: hi"
        );
        let resource = client.read_resource("echo://hello").await.unwrap();
        assert_eq!(resource_text(&resource), "Resource echo: hello");
        let prompt = client
            .get_prompt("echo_prompt", [("message", "ping")])
            .await
            .unwrap();
        assert_eq!(
            prompt.messages[0].content.as_text(),
            Some("Please process this message: ping")
        );
        client.close().await;

        let report = python(
            "echo",
            version,
            &[
                "--call-tool",
                r#"echo_tool={"message":"py"}"#,
                "--read-resource",
                "echo://py",
                "--get-prompt",
                r#"echo_prompt={"message":"py"}"#,
            ],
            None,
        );
        assert_eq!(python_tool_text(&report, "echo_tool"), "Tool echo: py");
        assert_eq!(
            report["resource_reads"][0]["result"]["contents"][0]["text"],
            "Resource echo: py"
        );
        assert_eq!(
            report["prompt_results"][0]["result"]["messages"][0]["content"]["text"],
            "Please process this message: py"
        );
    }
}

/// A directory holding a `database.db` with one table, for the SQLite explorer.
fn sqlite_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("database.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         INSERT INTO users (name) VALUES ('alice'), ('bob');",
    )
    .unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_explorer() {
    let dir = sqlite_dir();
    for version in ERAS {
        let client = connect(server("sqlite_explorer").cwd(dir.path()), version).await;
        let schema = client.read_resource("schema://main").await.unwrap();
        assert!(
            resource_text(&schema).contains("CREATE TABLE users"),
            "{}",
            resource_text(&schema)
        );
        let rows = client
            .call_tool(
                "query_data",
                json!({"sql": "SELECT id, name FROM users ORDER BY id"}),
            )
            .await
            .unwrap();
        assert_eq!(text(&rows), "(1, 'alice')\n(2, 'bob')");
        let error = client
            .call_tool("query_data", json!({"sql": "SELECT nope FROM nowhere"}))
            .await
            .unwrap();
        assert!(text(&error).starts_with("Error: "), "{}", text(&error));
        client.close().await;

        let report = python(
            "sqlite_explorer",
            version,
            &[
                "--call-tool",
                r#"query_data={"sql":"SELECT count(*) FROM users"}"#,
                "--read-resource",
                "schema://main",
            ],
            Some(dir.path()),
        );
        assert_eq!(python_tool_text(&report, "query_data"), "(2)");
        assert!(
            report["resource_reads"][0]["result"]["contents"][0]["text"]
                .as_str()
                .unwrap()
                .contains("users")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn images() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.png");
    image::RgbImage::from_fn(400, 200, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    })
    .save(&path)
    .unwrap();
    let path = path.to_str().unwrap().to_owned();
    for version in ERAS {
        let client = connect(server("images"), version).await;
        let result = client
            .call_tool("create_thumbnail", json!({"image_path": path}))
            .await
            .unwrap();
        let ContentBlock::Image(thumbnail) = &result.content[0] else {
            panic!("an image: {result:?}")
        };
        assert_eq!(thumbnail.mime_type, "image/png");
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD
            .decode(&thumbnail.data)
            .unwrap();
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (100, 50),
            "fits in 100x100, aspect kept"
        );
        let missing = client
            .call_tool("create_thumbnail", json!({"image_path": "/no/such.png"}))
            .await
            .unwrap();
        assert_eq!(missing.is_error, Some(true));
        client.close().await;

        let report = python(
            "images",
            version,
            &[
                "--call-tool",
                &format!(r#"create_thumbnail={{"image_path":"{path}"}}"#),
            ],
            None,
        );
        let content = &report["tool_results"][0]["result"]["content"][0];
        assert_eq!(
            (content["type"].as_str(), content["mimeType"].as_str()),
            (Some("image"), Some("image/png"))
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn long_task() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = (0..3)
        .map(|i| {
            let path = dir.path().join(format!("f{i}.txt"));
            std::fs::write(&path, "x".repeat(10 * (i + 1))).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect();
    for version in ERAS {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let client = Client::builder()
            .protocol_version(version)
            .on_logging(move |m| {
                sink.lock()
                    .unwrap()
                    .push(m.data.as_str().unwrap_or_default().to_owned())
            })
            .connect_stdio(server("long_task"))
            .await
            .unwrap();
        let progress = Arc::new(Mutex::new(Vec::new()));
        let seen = progress.clone();
        let options =
            CallOptions::with_progress(move |p| seen.lock().unwrap().push((p.progress, p.total)));
        let params = CallToolRequestParams::new("long_task").with_argument("files", json!(files));
        let result = client.call_tool_with(params, &options).await.unwrap();
        assert_eq!(text(&result), "Processing complete: 3 files, 60 bytes");
        assert_eq!(
            *progress.lock().unwrap(),
            [
                (0.0, Some(3.0)),
                (1.0, Some(3.0)),
                (2.0, Some(3.0)),
                (3.0, Some(3.0))
            ]
        );
        assert_eq!(logs.lock().unwrap().len(), 3, "one log line per file");
        client.close().await;

        let arg = json!({ "files": files }).to_string();
        let report = python(
            "long_task",
            version,
            &["--call-tool", &format!("long_task={arg}")],
            None,
        );
        assert_eq!(
            python_tool_text(&report, "long_task"),
            "Processing complete: 3 files, 60 bytes"
        );
        assert_eq!(
            report["tool_results"][0]["progress"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        assert_eq!(
            report["tool_results"][0]["log_messages"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn lifespan() {
    for version in ERAS {
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let params = StdioServerParameters::new(example("lifespan")).stderr(Stderr::Lines(
            Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_owned())),
        ));
        let client = connect(params, version).await;
        for n in 1..=2 {
            let result = client.call_tool("query_db", json!({})).await.unwrap();
            assert_eq!(
                text(&result),
                format!("query #{n} answered by the lifespan's database")
            );
        }
        client.close().await;
        let lines = stderr.lock().unwrap().clone();
        assert_eq!(
            lines,
            [
                "lifespan: database connected",
                "lifespan: database disconnected"
            ]
        );

        let report = python("lifespan", version, &["--call-tool", "query_db={}"], None);
        assert_eq!(
            python_tool_text(&report, "query_db"),
            "query #1 answered by the lifespan's database"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn math_group() {
    for version in ERAS {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let client = Client::builder()
            .protocol_version(version)
            .on_logging(move |m| {
                sink.lock()
                    .unwrap()
                    .push(m.data.as_str().unwrap_or_default().to_owned())
            })
            .connect_stdio(server("math"))
            .await
            .unwrap();
        assert_eq!(
            client.instructions(),
            Some("This server offers LLM tools and resources")
        );
        let mut names: Vec<String> = client
            .list_all_tools()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        names.sort();
        assert_eq!(names, ["math.add", "math.slow_add"]);
        assert_eq!(
            text(
                &client
                    .call_tool("math.add", json!({"x": 1.25, "y": 2.5}))
                    .await
                    .unwrap()
            ),
            "3.75"
        );
        let progress = Arc::new(Mutex::new(Vec::new()));
        let seen = progress.clone();
        let options = CallOptions::with_progress(move |p| seen.lock().unwrap().push(p.progress));
        let params = CallToolRequestParams::new("math.slow_add")
            .with_argument("x", 1)
            .with_argument("y", 2);
        let result = client.call_tool_with(params, &options).await.unwrap();
        assert_eq!(text(&result), "3.00");
        assert_eq!(
            *progress.lock().unwrap(),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(
            *logs.lock().unwrap(),
            ["Starting slow_add operation...", "Done. The result is 3.00"]
        );
        client.close().await;

        let report = python(
            "math",
            version,
            &[
                "--call-tool",
                r#"math.add={"x":3.14,"y":2.71}"#,
                "--call-tool",
                r#"math.slow_add={"x":1,"y":1}"#,
            ],
            None,
        );
        assert_eq!(python_tool_text(&report, "math.add"), "5.85");
        assert_eq!(python_tool_text(&report, "math.slow_add"), "2.00");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn extended() {
    let demo = std::fs::read_to_string(repo_root().join("examples/data/demo.txt")).unwrap();
    for version in ERAS {
        let client = connect(server("extended"), version).await;
        let mut names: Vec<String> = client
            .list_all_tools()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        names.sort();
        assert_eq!(names, ["advanced_tool", "math.add"]);
        assert_eq!(
            text(
                &client
                    .call_tool("math.add", json!({"a": 1.5, "b": 2}))
                    .await
                    .unwrap()
            ),
            "3.5"
        );
        assert_eq!(
            text(
                &client
                    .call_tool("advanced_tool", json!({"x": 7}))
                    .await
                    .unwrap()
            ),
            "Processed 7"
        );
        let resources = client.list_all_resources().await.unwrap();
        let listed: Vec<(&str, &str)> = resources
            .iter()
            .map(|r| (r.uri.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("file://demo.txt", "Demo Text"),
                ("resource://random", "Random Data")
            ]
        );
        let file = client.read_resource("file://demo.txt").await.unwrap();
        assert_eq!(resource_text(&file), demo);
        assert_eq!(file.contents[0].mime_type(), Some("text/plain"));
        let random = client.read_resource("resource://random").await.unwrap();
        assert!(resource_text(&random).starts_with("Randomly generated data"));
        let prompt = client
            .get_prompt("greet-user", [("name", "Ada")])
            .await
            .unwrap();
        assert_eq!(prompt.messages[0].content.as_text(), Some("Hello Ada!"));
        client.close().await;

        let report = python(
            "extended",
            version,
            &[
                "--read-all",
                "--get-prompt",
                r#"greet-user={"name":"Py"}"#,
                "--call-tool",
                r#"advanced_tool={"x":1}"#,
            ],
            None,
        );
        assert_eq!(python_tool_text(&report, "advanced_tool"), "Processed 1");
        assert_eq!(report["resource_reads"].as_array().unwrap().len(), 2);
        assert_eq!(
            report["prompt_results"][0]["result"]["messages"][0]["content"]["text"],
            "Hello Py!"
        );
    }
}

//! `mcp dev` end to end in headless Chromium: the page driven as a developer would, on the
//! built-in demo server and on example servers over stdio and HTTP. Each test saves a
//! screenshot under target/screenshots/ and prints its path.

use crate::inspector::Dev;
use crate::inspector::browser::Browser;

const CTRL_ENTER: &str = "\u{E009}\u{E007}\u{E000}";

fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Opens the page of `dev` and waits for the tools to be listed.
async fn open(dev: &Dev) -> Browser {
    dev.wait_connected();
    let browser = Browser::open(&dev.url).await;
    browser.wait_text("#status", "connected").await;
    browser.find("#tool-list .item").await;
    browser
}

/// Clicks the label of a checkbox in the tool form, by its text.
async fn check_choice(browser: &Browser, label: &str) {
    let script = format!(
        "const l = [...document.querySelectorAll('#tool-detail .choices label')].find(l => l.textContent.trim() === {label:?}); if (!l) return false; l.click(); return true;"
    );
    browser.wait_js(&script).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_runs_through_its_generated_form_in_light_and_dark() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let browser = open(&dev).await;
    // The token left the address bar.
    let url = browser.client.current_url().await.unwrap();
    assert!(!url.as_str().contains(&dev.token), "{url}");

    // The form: bounds, a choice with titles, a multiple choice, a nested object, a switch.
    browser.click(r#".item[data-name="book_trip"]"#).await;
    let form = browser.text("#tool-detail").await;
    for label in [
        "destination",
        "travelers",
        "class",
        "interests",
        "budget",
        "contact",
        "email",
        "flexible",
    ] {
        assert!(
            form.contains(label),
            "{label} missing from the form:\n{form}"
        );
    }
    assert_eq!(
        browser
            .eval(r#"document.querySelector('[name="arg.travelers"]').value"#)
            .await,
        "1",
        "the default is filled in"
    );
    assert_eq!(
        browser
            .eval(r#"document.querySelector('[name="arg.destination"]').getAttribute('maxlength')"#)
            .await,
        "60"
    );
    // Running it without the required fields shows what is missing and sends nothing.
    browser.click("#run-tool").await;
    browser.wait_text("#tool-detail", "is required").await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#tool-history .result').length")
            .await,
        0
    );

    browser.fill(r#"[name="arg.destination"]"#, "Lisbon").await;
    browser.fill(r#"[name="arg.nights"]"#, "3").await;
    browser.fill(r#"[name="arg.travelers"]"#, "2").await;
    browser
        .select(r#"select[name="arg.class"]"#, "Business (business)")
        .await;
    check_choice(&browser, "food").await;
    check_choice(&browser, "museums").await;
    browser
        .fill(r#"[name="arg.contact.email"]"#, "ada@example.com")
        .await;
    browser.click("#run-tool").await;
    let result = browser
        .wait_text("#tool-history .result", "matches the output schema")
        .await;
    assert!(result.contains("TRIP-"), "{result}");
    assert!(result.contains("A food tour"), "{result}");
    assert!(result.contains("\"class\": \"business\""), "{result}");
    browser.screenshot("mcp-dev-main-light").await;

    // The same page in dark mode.
    browser.click("#theme-button").await; // auto -> light
    browser.click("#theme-button").await; // light -> dark
    assert_eq!(
        browser.eval("document.documentElement.dataset.theme").await,
        "dark"
    );
    browser.screenshot("mcp-dev-main-dark").await;

    // From the keyboard: search with /, run with Ctrl+Enter.
    browser.click(r#".item[data-name="greet"]"#).await;
    browser.fill(r#"[name="arg.name"]"#, "Grace").await;
    browser
        .find(r#"[name="arg.name"]"#)
        .await
        .send_keys(CTRL_ENTER)
        .await
        .unwrap();
    browser
        .wait_text("#tool-history .result", "Hello, Grace!")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_and_templates_are_read_and_subscriptions_see_updates() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let browser = open(&dev).await;
    browser.click(r#".nav-item[data-pane="resources"]"#).await;
    browser
        .click(r#"#resource-list .item[data-uri="demo://readme"]"#)
        .await;
    browser.click("#read-resource").await;
    browser
        .wait_text("#resource-preview", "The mcp dev demo server")
        .await;
    assert_eq!(
        browser
            .eval("document.querySelector('#resource-preview h1').textContent")
            .await,
        "The mcp dev demo server",
        "Markdown is rendered"
    );
    browser
        .click(r#"#resource-list .item[data-uri="demo://logo.png"]"#)
        .await;
    browser.click("#read-resource").await;
    browser
        .wait_js("const i = document.querySelector('#resource-preview img'); return !!i && i.complete && i.naturalWidth === 96;")
        .await;

    // A template: the parameter completes as it is typed.
    browser.click("#tab-templates").await;
    browser
        .click(r#"#resource-list .item[data-uri="demo://users/{user_id}/profile"]"#)
        .await;
    browser.fill(r#"[name="template.user_id"]"#, "gr").await;
    browser
        .wait_text("#resource-detail .completions", "grace")
        .await;
    browser
        .wait_js("const b = [...document.querySelectorAll('#resource-detail .completions button')].find(b => b.textContent === 'grace'); if (!b) return false; b.click(); return true;")
        .await;
    assert_eq!(
        browser.text("#template-uri").await,
        "demo://users/grace/profile"
    );
    browser.click("#read-template").await;
    browser
        .wait_text("#template-preview", "\"displayName\": \"Grace\"")
        .await;

    // A subscription, then a change made by a tool: the update arrives and the preview follows.
    browser.click("#tab-resources").await;
    browser
        .click(r#"#resource-list .item[data-uri="demo://notes/today"]"#)
        .await;
    browser.click("#read-resource").await;
    browser.wait_text("#resource-preview", "empty").await;
    browser.click("#subscribe-resource").await;
    browser
        .wait_text("#subscribe-resource", "Unsubscribe")
        .await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser.click(r#".item[data-name="touch_note"]"#).await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "now reads")
        .await;
    browser.click(r#".nav-item[data-pane="resources"]"#).await;
    browser
        .wait_text("#resource-updates", "demo://notes/today")
        .await;
    browser
        .wait_text("#resource-preview", "Touched from the inspector.")
        .await;
    browser.screenshot("mcp-dev-resources").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_is_filled_in_with_completion_and_rendered() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let browser = open(&dev).await;
    browser.click(r#".nav-item[data-pane="prompts"]"#).await;
    browser
        .click(r#"#prompt-list .item[data-name="code_review"]"#)
        .await;
    // A required argument left empty is caught in the page.
    browser.click("#get-prompt").await;
    browser
        .wait_text("#prompt-detail", "Required: language, code")
        .await;
    browser.fill(r#"[name="prompt.language"]"#, "ru").await;
    browser
        .wait_js("const b = [...document.querySelectorAll('#prompt-detail .completions button')].find(b => b.textContent === 'rust'); if (!b) return false; b.click(); return true;")
        .await;
    browser
        .fill(r#"[name="prompt.code"]"#, "fn main() {}")
        .await;
    browser.click("#get-prompt").await;
    let messages = browser
        .wait_text("#prompt-history .messages", "Please review this rust code")
        .await;
    assert!(messages.contains("fn main() {}"), "{messages}");
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#prompt-history .message.assistant').length")
            .await,
        1
    );
    browser.screenshot("mcp-dev-prompts").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_messages_and_a_progress_bar_are_shown() {
    let dir = home();
    let dev = Dev::start(dir.path(), &["--protocol-version", "2025-11-25"]);
    let browser = open(&dev).await;
    browser.click(r#".item[data-name="long_task"]"#).await;
    browser.fill(r#"[name="arg.steps"]"#, "6").await;
    browser.fill(r#"[name="arg.step_ms"]"#, "250").await;
    browser.click("#run-tool").await;
    // The bar moves while the tool runs.
    browser
        .wait_js("const b = document.querySelector('#tool-progress .bar'); return !!b && Number(b.getAttribute('aria-valuenow')) >= 2 && Number(b.getAttribute('aria-valuenow')) < 6;")
        .await;
    assert_eq!(
        browser
            .eval("document.querySelector('#tool-progress .bar').getAttribute('aria-valuemax')")
            .await,
        "6"
    );
    browser.wait_text("#tool-progress", "step").await;
    browser
        .wait_text("#tool-history .result", "Done: 6 steps.")
        .await;
    browser.wait_text("#tool-progress", "6 / 6").await;

    browser.click(r#".nav-item[data-pane="logs"]"#).await;
    browser
        .wait_text("#log-list", "long_task finished 6 steps")
        .await;
    // logging/setLevel: ask for warnings and above, then log at every level.
    browser.select("#log-set-level", "warning").await;
    browser
        .wait_text("#log-level-note", "warning and above")
        .await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser.click(r#".item[data-name="log_levels"]"#).await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "eight levels")
        .await;
    browser.click(r#".nav-item[data-pane="logs"]"#).await;
    browser.wait_text("#log-list", "a Emergency message").await;
    let shown = browser.text("#log-list").await;
    assert!(shown.contains("a Warning message"), "{shown}");
    assert!(
        !shown.contains("a Notice message"),
        "the server honoured setLevel: {shown}"
    );
    // The page's own filter.
    browser.select("#log-min-level", "≥ critical").await;
    browser
        .wait_js("return ![...document.querySelectorAll('#log-list .log-row')].some(r => r.dataset.level === 'warning');")
        .await;
    browser.screenshot("mcp-dev-logs").await;
    browser.close().await;
}

/// Runs `ask_model` and `plan_party` on the connected server, answering the sampling and the
/// elicitation by hand, and `list_roots` with the roots set in the page; `era` is how the
/// requests must have come.
async fn answer_by_hand(browser: &Browser, era: &str) {
    browser.click(r#".nav-item[data-pane="roots"]"#).await;
    browser
        .eval("document.querySelectorAll('#roots-list .row').forEach(r => r.remove())")
        .await;
    browser.click("#roots-add").await;
    browser
        .fill(
            "#roots-list .row:last-child .root-uri",
            &format!("file:///work/{era}"),
        )
        .await;
    browser
        .fill("#roots-list .row:last-child .root-name", era)
        .await;
    browser.click("#notify-roots").await;
    if era == "server_request" {
        browser
            .wait_text("#roots-result", "sent notifications/roots/list_changed")
            .await;
    } else {
        browser
            .wait_text("#roots-result", "the server asks when it needs them")
            .await;
    }
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser.click(r#".item[data-name="list_roots"]"#).await;
    browser.click("#run-tool").await;
    browser
        .wait_text(
            "#tool-history .result",
            &format!("{era}: file:///work/{era}"),
        )
        .await;
    browser.click(r#".nav-item[data-pane="roots"]"#).await;
    browser
        .wait_text("#roots-note", "The server asked for the roots")
        .await;

    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser.click(r#".item[data-name="ask_model"]"#).await;
    browser
        .fill(r#"[name="arg.question"]"#, "What is MCP?")
        .await;
    browser.click("#run-tool").await;
    browser.wait_text("#banner", "The server asks").await;
    browser.click(r#".nav-item[data-pane="requests"]"#).await;
    let card = r#"#request-list .request-card[data-kind="sampling"]:not(.done)"#;
    browser.find(card).await;
    assert_eq!(
        browser
            .eval(&format!("document.querySelector({card:?}).dataset.era"))
            .await,
        era
    );
    browser.wait_text(card, "What is MCP?").await;
    browser
        .fill(
            &format!("{card} textarea[name=\"sampling-reply\"]"),
            "A protocol for tools.",
        )
        .await;
    browser
        .click(&format!("{card} button[data-action=\"send\"]"))
        .await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser
        .wait_text(
            "#tool-history .result",
            "The model (mcp-dev-inspector) answered: A protocol for tools.",
        )
        .await;

    browser.click(r#".item[data-name="plan_party"]"#).await;
    browser.click("#run-tool").await;
    browser.click(r#".nav-item[data-pane="requests"]"#).await;
    let card = r#"#request-list .request-card[data-kind="elicitation"]:not(.done)"#;
    browser.wait_text(card, "Tell me about a birthday.").await;
    assert_eq!(
        browser
            .eval(&format!("document.querySelector({card:?}).dataset.era"))
            .await,
        era
    );
    browser
        .fill(&format!("{card} input[name$=\".guests\"]"), "12")
        .await;
    browser
        .select(&format!("{card} select[name$=\".theme\"]"), "pirates")
        .await;
    browser
        .screenshot(&format!("mcp-dev-elicitation-{era}"))
        .await;
    browser
        .click(&format!("{card} button[data-action=\"accept\"]"))
        .await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser
        .wait_text(
            "#tool-history .result",
            "Planned a birthday for 12 guests, theme Pirates.",
        )
        .await;

    // URL mode: declined here (accepting opens a tab).
    browser.click(r#".item[data-name="link_account"]"#).await;
    browser.click("#run-tool").await;
    browser.click(r#".nav-item[data-pane="requests"]"#).await;
    let card = r#"#request-list .request-card[data-kind="elicitation"]:not(.done)"#;
    browser
        .wait_text(card, "https://example.com/mcp-demo/link")
        .await;
    browser
        .click(&format!("{card} button[data-action=\"decline\"]"))
        .await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser
        .wait_text("#tool-history .result", "You declined to open the page.")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampling_and_elicitation_are_answered_by_hand_in_both_eras() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let browser = open(&dev).await;
    for (version, label, era) in [
        ("2025-11-25", "2025-11-25 · handshake", "server_request"),
        ("2026-07-28", "2026-07-28 · stateless", "input_required"),
    ] {
        browser.select("#version-select", label).await;
        browser.wait_text("#server-meta", version).await;
        browser.wait_text("#status", "connected").await;
        browser.find("#tool-list .item").await;
        answer_by_hand(&browser, era).await;
    }
    browser.close().await;
}

/// The Python SDK's test server, copied where the test can touch it.
fn python_server(dir: &std::path::Path) -> std::path::PathBuf {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let source = repo.join("tests/peers/python/highlevel_server.py");
    assert!(source.exists(), "{} is missing", source.display());
    let python = repo.join(".peers/venv/bin/python");
    assert!(
        python.exists(),
        "the Python SDK venv is not installed: run scripts/setup-peers"
    );
    let copy = dir.join("server.py");
    std::fs::copy(&source, &copy).unwrap();
    copy
}

fn peer_python() -> String {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    repo.join(".peers/venv/bin/python").display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reconnects_when_the_server_source_changes_and_keeps_its_forms() {
    let dir = home();
    let server = python_server(dir.path());
    let python = peer_python();
    let dev = Dev::start(dir.path(), &["server.py", "--python", &python]);
    assert!(
        dev.printed()
            .contains("restarting it when its sources change"),
        "{}",
        dev.printed()
    );
    let browser = open(&dev).await;
    let first_pid = browser
        .eval("document.querySelector('#server-meta').textContent")
        .await;
    browser.click(r#".item[data-name="echo"]"#).await;
    browser
        .fill(r#"[name="arg.message"]"#, "kept across restarts")
        .await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "kept across restarts")
        .await;

    // The source changes: the server restarts and the page reconnects by itself.
    let mut source = std::fs::read_to_string(&server).unwrap();
    source.push_str("\n# touched by the test\n");
    std::fs::write(&server, source).unwrap();
    browser.wait_text("#banner", "Reconnected").await;
    browser.wait_text("#banner", "server.py changed").await;
    browser.wait_text("#status", "connected").await;
    let second_pid = browser
        .eval("document.querySelector('#server-meta').textContent")
        .await;
    assert_ne!(first_pid, second_pid, "a new server process");
    assert_eq!(
        browser
            .eval(r#"document.querySelector('[name="arg.message"]').value"#)
            .await,
        "kept across restarts",
        "the form is kept"
    );
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#tool-history .result').length")
            .await,
        1,
        "and its history"
    );
    browser.click("#run-tool").await;
    browser
        .wait_js("return document.querySelectorAll('#tool-history .result').length === 2;")
        .await;
    browser.screenshot("mcp-dev-reconnected").await;
    // The protocol pane kept the first connection's messages too.
    browser.click(r#".nav-item[data-pane="protocol"]"#).await;
    browser
        .wait_js("const e = [...document.querySelectorAll('#protocol-list .epoch')].map(e => e.textContent); return e.includes('#1') && e.includes('#2');")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_example_server_over_stdio_is_sampled_by_hand() {
    let dir = home();
    python_server(dir.path());
    let python = peer_python();
    let dev = Dev::start(
        dir.path(),
        &[
            "server.py",
            "--python",
            &python,
            "--protocol-version",
            "2025-11-25",
        ],
    );
    let browser = open(&dev).await;
    browser.click(r#".item[data-name="sample"]"#).await;
    browser.fill(r#"[name="arg.prompt"]"#, "Say hi").await;
    browser.click("#run-tool").await;
    browser.click(r#".nav-item[data-pane="requests"]"#).await;
    let card = r#"#request-list .request-card[data-kind="sampling"]:not(.done)"#;
    browser.wait_text(card, "Say hi").await;
    browser
        .fill(
            &format!("{card} textarea[name=\"sampling-reply\"]"),
            "hi from the inspector",
        )
        .await;
    browser
        .click(&format!("{card} button[data-action=\"send\"]"))
        .await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser
        .wait_text("#tool-history .result", "hi from the inspector")
        .await;
    // Every message went through the protocol pane; errors are marked, requests replay.
    browser.click(r#".nav-item[data-pane="protocol"]"#).await;
    browser.click("#protocol-dir-out").await;
    browser
        .wait_js("return [...document.querySelectorAll('#protocol-list .msg-row')].every(r => r.dataset.dir === 'out') && document.querySelectorAll('#protocol-list .msg-row').length > 2;")
        .await;
    browser
        .wait_js("const r = [...document.querySelectorAll('#protocol-list .msg-row')].find(r => r.textContent.includes('tools/list')); if (!r) return false; r.querySelector('button').click(); return true;")
        .await;
    browser.click("#protocol-list .replay").await;
    browser
        .wait_text("#protocol-list .replay-result", "\"name\": \"sample\"")
        .await;
    // Its JSON goes to the clipboard.
    browser
        .click("#protocol-list .expanded .actions button:first-child")
        .await;
    browser
        .wait_text("#protocol-list .expanded .actions", "Copied")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mcp_app_renders_in_a_sandbox_and_calls_its_tool() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let browser = open(&dev).await;
    // The demo lists its tools in pages of 12.
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#tool-list .item').length")
            .await,
        12
    );
    browser.click("#more-tools").await;
    browser.click(r#".item[data-name="show_dashboard"]"#).await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#app-status", "running in the sandbox")
        .await;
    let outer = browser.find(".block[data-kind=\"app\"] iframe").await;
    let src = outer.attr("src").await.unwrap().unwrap();
    assert!(
        !src.starts_with(&dev.base),
        "the view is on another origin: {src}"
    );
    assert_eq!(
        outer.attr("sandbox").await.unwrap().as_deref(),
        Some("allow-scripts allow-same-origin")
    );
    outer.enter_frame().await.unwrap();
    let inner = browser.find("iframe").await;
    assert_eq!(
        inner.attr("sandbox").await.unwrap().as_deref(),
        Some("allow-scripts allow-forms")
    );
    inner.enter_frame().await.unwrap();
    browser.wait_text("#summary", "Total this week").await;
    // The view cannot reach the inspector's API: another origin, and no token.
    let blocked = browser
        .client
        .execute_async(
            &format!(
                "const done = arguments[0]; fetch({:?}).then(r => done('status ' + r.status)).catch(e => done('blocked'));",
                format!("{}/api/state", dev.base)
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(blocked, "blocked", "the view reached the API");
    browser.click("#refresh").await;
    browser
        .wait_text("#status", "refreshed 1 time(s) through tools/call")
        .await;
    browser.client.enter_parent_frame().await.unwrap();
    browser.client.enter_parent_frame().await.unwrap();
    browser.screenshot("mcp-dev-app").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_server_is_authorized_in_the_browser_and_its_http_traffic_shown() {
    let url = crate::inspector::oauth::protected_server().await;
    let dir = home();
    let dev = Dev::start(dir.path(), &[&url]);
    let browser = Browser::open(&dev.url).await;
    // The server said 401: the page offers the authorization step.
    browser
        .wait_text("#banner", "The server needs authorization")
        .await;
    let main_window = browser.client.window().await.unwrap();
    browser.click("#banner button.primary").await;
    // The authorization server sent the new tab back to the inspector, which took the code.
    let deadline = std::time::Instant::now() + crate::inspector::browser::PATIENCE;
    let callback = loop {
        let windows = browser.client.windows().await.unwrap();
        if let Some(tab) = windows.into_iter().find(|w| *w != main_window) {
            break tab;
        }
        assert!(std::time::Instant::now() < deadline, "no tab opened");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    browser.client.switch_to_window(callback).await.unwrap();
    browser.wait_text("h1", "Authorized").await;
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(main_window).await.unwrap();
    browser.wait_text("#status", "connected").await;
    browser.wait_text("#server-name", "protected").await;
    browser.click(r#".item[data-name="whoami"]"#).await;
    browser.fill(r#"[name="arg.name"]"#, "inspector").await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "authorized, inspector")
        .await;

    // The network pane: the refused request, then the authorized ones, with their headers.
    browser.click(r#".nav-item[data-pane="network"]"#).await;
    browser.wait_text("#network-list", "401").await;
    browser.wait_text("#network-list", "200").await;
    browser
        .wait_js("const r = [...document.querySelectorAll('#network-list .http-row')].find(r => r.textContent.includes('200')); if (!r) return false; r.querySelector('button').click(); return true;")
        .await;
    let headers = browser
        .wait_text("#network-list .expanded", "authorization")
        .await;
    assert!(
        headers.contains("Bearer grant…"),
        "the token is shortened: {headers}"
    );
    assert!(!headers.contains("granted-by-the-mock"), "{headers}");
    browser.screenshot("mcp-dev-network").await;
    browser.close().await;
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cargo_project_is_rebuilt_and_a_failed_build_is_shown() {
    let dir = home();
    let project = dir.path().join("cargo-server");
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cargo-server"),
        &project,
    );
    let target = dir.path().join("target");
    let dev = Dev::start_with(
        dir.path(),
        &["cargo-server", "--bin", "cargo-server"],
        |c| {
            c.env("CARGO_TARGET_DIR", &target);
        },
    );
    let browser = open(&dev).await;
    let main = project.join("src/main.rs");
    let source = std::fs::read_to_string(&main).unwrap();

    // A broken build is shown, and the server that was running keeps running.
    std::fs::write(
        &main,
        format!("{source}\ncompile_error!(\"broken on purpose\");\n"),
    )
    .unwrap();
    browser.wait_text("#banner", "The build failed").await;
    browser.wait_text("#banner", "broken on purpose").await;
    browser.screenshot("mcp-dev-build-failed").await;
    browser.wait_text("#status", "connected").await;
    browser.click(r#".item[data-name="built"]"#).await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "built by cargo")
        .await;

    // Fixed: rebuilt, restarted, reconnected.
    let fixed = source
        .replace("built by cargo", "rebuilt by cargo")
        .replace(
            "fn main() {",
            "fn main() {\n    eprintln!(\"cargo-server: serving on stdio\");",
        );
    std::fs::write(&main, fixed).unwrap();
    browser.wait_text("#banner", "Reconnected").await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "rebuilt by cargo")
        .await;
    // What the server writes to stderr.
    browser.click(r#".nav-item[data-pane="logs"]"#).await;
    browser.click("#tab-stderr").await;
    browser
        .wait_text("#stderr-list", "cargo-server: serving on stdio")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_changes_errors_cancellation_and_ping() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let browser = open(&dev).await;
    // A list change (in the stateless era it comes on subscriptions/listen).
    browser
        .click(r#".item[data-name="toggle_bonus_tool"]"#)
        .await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "Added bonus_echo")
        .await;
    browser.click("#more-tools").await;
    browser.find(r#".item[data-name="bonus_echo"]"#).await;
    // A tool error.
    browser.click(r#".item[data-name="fail"]"#).await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result.error", "isError")
        .await;
    // A cancelled call.
    browser.click(r#".item[data-name="long_task"]"#).await;
    browser.fill(r#"[name="arg.steps"]"#, "50").await;
    browser.fill(r#"[name="arg.step_ms"]"#, "200").await;
    browser.click("#run-tool").await;
    browser
        .wait_js("const b = document.querySelector('#tool-progress .bar'); return !!b && Number(b.getAttribute('aria-valuenow')) >= 1;")
        .await;
    browser.click("#cancel-tool").await;
    browser
        .wait_text("#tool-history .result.error", "cancelled")
        .await;
    // The protocol pane: errors marked and filtered; the cancellation went out.
    browser.click(r#".nav-item[data-pane="protocol"]"#).await;
    browser
        .wait_text("#protocol-list", "notifications/cancelled")
        .await;
    browser.click("#protocol-errors").await;
    browser
        .wait_js("const rows = [...document.querySelectorAll('#protocol-list .msg-row')]; return rows.length > 0 && rows.every(r => r.classList.contains('error'));")
        .await;
    browser.screenshot("mcp-dev-protocol").await;
    // Ping from the server pane.
    browser.click(r#".nav-item[data-pane="server"]"#).await;
    browser.click("#ping-button").await;
    browser.wait_text("#ping-result", "answered in").await;
    browser
        .wait_text(
            "#server-instructions",
            "A tour of the Model Context Protocol",
        )
        .await;
    browser.screenshot("mcp-dev-server").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_content_type_renders_and_raw_json_arguments_are_checked() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let browser = open(&dev).await;
    browser.click(r#".item[data-name="show_media"]"#).await;
    browser.click("#run-tool").await;
    browser.find("#tool-history .result").await;
    browser
        .wait_js("const i = document.querySelector('#tool-history .block[data-kind=image] img'); return !!i && i.complete && i.naturalWidth === 96;")
        .await;
    browser
        .wait_js("const a = document.querySelector('#tool-history .block[data-kind=audio] audio'); return !!a && a.src.startsWith('data:audio/wav;base64,UklGR');")
        .await;
    browser
        .wait_text(
            "#tool-history .block[data-kind=resource]",
            "demo://embedded/greeting.md",
        )
        .await;
    browser
        .wait_text("#tool-history .block[data-kind=resource] h1", "Embedded")
        .await;
    // A resource link opens the resource.
    browser
        .click("#tool-history .block[data-kind=resource_link] button")
        .await;
    browser
        .wait_text("#resource-preview", "The mcp dev demo server")
        .await;
    browser.screenshot("mcp-dev-media-link").await;

    // Alt+2 is the Tools pane; arguments only JSON can express are typed as JSON and checked.
    browser
        .find("body")
        .await
        .send_keys("\u{E00A}2\u{E000}")
        .await
        .unwrap();
    browser
        .wait_js("return !document.querySelector('#pane-tools').hidden;")
        .await;
    browser.click("#more-tools").await;
    browser.click(r#".item[data-name="configure"]"#).await;
    browser
        .fill(r#"textarea[name="arg.rules"]"#, r#"{"pattern": "*.rs"}"#)
        .await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-detail", "expected array, got object")
        .await;
    browser
        .fill(
            r#"textarea[name="arg.rules"]"#,
            r#"[{"pattern": "*.rs", "action": "format"}]"#,
        )
        .await;
    browser
        .fill(r#"textarea[name="arg.settings"]"#, r#"{"tabs": false}"#)
        .await;
    browser.click("#run-tool").await;
    browser
        .wait_text(
            "#tool-history .result",
            "Stored 1 rule(s): *.rs -> format; settings: {\"tabs\":false}",
        )
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_search_badges_and_timeouts_are_driven_from_the_page() {
    let dir = home();
    let dev = Dev::start(dir.path(), &["--protocol-version", "2025-11-25"]);
    let browser = open(&dev).await;

    // `/` jumps to the search; the list narrows as one types; annotations show as badges.
    browser.find("body").await.send_keys("/").await.unwrap();
    browser
        .wait_js("return document.activeElement && document.activeElement.id === 'tool-search';")
        .await;
    browser.fill("#tool-search", "weath").await;
    browser
        .wait_js("const i = [...document.querySelectorAll('#tool-list .item')]; return i.length === 1 && i[0].dataset.name === 'weather';")
        .await;
    let badges = browser.text(r#".item[data-name="weather"] .badges"#).await;
    for badge in ["read-only", "open world", "structured"] {
        assert!(badges.contains(badge), "{badge} missing: {badges}");
    }
    // Select all, delete: as a person empties the box (which WebDriver's clear does not).
    browser
        .find("#tool-search")
        .await
        .send_keys("\u{E009}a\u{E000}\u{E003}")
        .await
        .unwrap();
    browser
        .wait_js("return document.querySelectorAll('#tool-list .item').length === 12;")
        .await;

    // Disconnect stops the server; Connect starts it again; Restart starts a new process.
    browser.click("#disconnect-button").await;
    browser.wait_text("#status", "disconnected").await;
    browser.click("#connect-button").await;
    browser.wait_text("#status", "connected").await;
    let before = browser.text("#server-meta").await;
    browser.click("#restart-button").await;
    browser.wait_text("#banner", "Reconnected").await;
    browser
        .wait_js(&format!(
            "const m = document.querySelector('#server-meta').textContent; return m.includes('pid') && m !== {before:?};"
        ))
        .await;

    // A request timeout of one second, set in the Server pane: a call that takes longer fails...
    browser.click(r#".nav-item[data-pane="server"]"#).await;
    browser.fill("#settings-request-timeout", "1").await;
    browser
        .wait_js("const b = [...document.querySelectorAll('#pane-server button')].find(b => b.textContent.startsWith('Reconnect with')); if (!b) return false; b.click(); return true;")
        .await;
    let deadline = std::time::Instant::now() + crate::inspector::browser::PATIENCE;
    loop {
        let state: serde_json::Value =
            serde_json::from_str(&dev.api("GET", "/api/state", None).body).unwrap();
        if state["options"]["requestTimeoutMs"] == 1000 && state["status"]["state"] == "connected" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not reconnected with a 1 s request timeout: {state}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    browser.wait_text("#status", "connected").await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser.click(r#".item[data-name="long_task"]"#).await;
    browser.fill(r#"[name="arg.steps"]"#, "3").await;
    browser.fill(r#"[name="arg.step_ms"]"#, "700").await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result.error", "timed out")
        .await;
    // ...unless each progress report restarts the clock.
    browser.click(r#".nav-item[data-pane="server"]"#).await;
    browser.click("#settings-reset").await;
    browser.click(r#".nav-item[data-pane="tools"]"#).await;
    browser.click("#run-tool").await;
    browser
        .wait_text("#tool-history .result", "Done: 3 steps.")
        .await;
    browser.close().await;
}

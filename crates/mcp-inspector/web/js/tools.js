// The Tools pane: the list (search, pagination, annotation badges, refreshed when the server
// says it changed), a form generated from each tool's input schema, progress and cancel, and
// every result rendered by content type. Forms and results are kept per tool across
// reconnections.

import * as api from "./api.js";
import { h, clear, badge, time } from "./dom.js";
import { state, on, emit, connected } from "./state.js";
import { schemaForm } from "./schema-form.js";
import { toolResult, errorResult } from "./content.js";
import { mountApp, uiResourceUri } from "./apps.js";

function annotations(tool) {
  const a = tool.annotations || {};
  const out = [];
  if (a.readOnlyHint) out.push(badge("read-only", "ok", "readOnlyHint"));
  if (a.destructiveHint === true) out.push(badge("destructive", "bad", "destructiveHint"));
  if (a.idempotentHint) out.push(badge("idempotent", "info", "idempotentHint"));
  if (a.openWorldHint) out.push(badge("open world", "warn", "openWorldHint"));
  if (tool.outputSchema) out.push(badge("structured", "accent", "has an outputSchema"));
  if (uiResourceUri(tool)) out.push(badge("app", "accent", `renders ${uiResourceUri(tool)}`));
  return out;
}

export function createPane() {
  let tools = [];
  let cursor = null;
  let selected = null;
  const perTool = new Map();

  const search = h("input", { type: "search", id: "tool-search", placeholder: "Search tools  /", "aria-label": "Search tools" });
  const list = h("ul", { class: "list", id: "tool-list", role: "listbox", "aria-label": "Tools" });
  const foot = h("div", { class: "list-foot" });
  const detail = h("div", { class: "detail", id: "tool-detail" }, h("div", { class: "card body empty" }, "Pick a tool."));
  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Tools"), h("span", { class: "spacer" }),
      h("button", { type: "button", id: "refresh-tools", onclick: () => load() }, "Refresh")),
    h("div", { class: "split" },
      h("section", { class: "card list-card" }, h("div", { class: "list-tools" }, search), list, foot),
      detail));

  async function load(more = false) {
    if (!connected()) return;
    const answer = await api.request("tools/list", more && cursor ? { cursor } : {}).catch((e) => ({ error: { message: e.message } }));
    if (answer.error) { clear(list, h("li", { class: "empty" }, `tools/list failed: ${answer.error.message}`)); return; }
    tools = more ? tools.concat(answer.result.tools) : answer.result.tools;
    cursor = answer.result.nextCursor || null;
    renderList();
    if (selected) {
      const again = tools.find((t) => t.name === selected.name);
      if (again) select(again, false); else { selected = null; clear(detail, h("div", { class: "card body empty" }, "The tool went away.")); }
    }
  }

  function renderList() {
    const q = search.value.trim().toLowerCase();
    const shown = tools.filter((t) => !q || t.name.toLowerCase().includes(q) || (t.title || "").toLowerCase().includes(q) || (t.description || "").toLowerCase().includes(q));
    clear(list, shown.length ? shown.map((t) => h("li", {}, h("button", {
      type: "button", class: "item", role: "option", dataset: { name: t.name },
      "aria-selected": String(selected?.name === t.name),
      onclick: () => select(t), onkeydown: (e) => arrows(e),
    }, h("span", { class: "name" }, t.name), t.title ? h("span", { class: "desc" }, t.title) : t.description ? h("span", { class: "desc" }, t.description) : null,
      h("span", { class: "badges" }, annotations(t))))) : h("li", { class: "empty" }, tools.length ? "No tool matches." : connected() ? "No tools." : "Not connected."));
    clear(foot, h("span", {}, `${tools.length} tool${tools.length === 1 ? "" : "s"}`),
      cursor ? h("button", { type: "button", class: "small", id: "more-tools", onclick: () => load(true) }, "Load more") : null);
    emit("count", { id: "tools", text: tools.length ? String(tools.length) : "" });
  }

  function arrows(event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const items = [...list.querySelectorAll(".item")];
    const i = items.indexOf(event.currentTarget);
    items[Math.max(0, Math.min(items.length - 1, i + (event.key === "ArrowDown" ? 1 : -1)))]?.focus();
  }

  function stateOf(tool) {
    const key = JSON.stringify(tool.inputSchema);
    let entry = perTool.get(tool.name);
    if (!entry || entry.schemaKey !== key) {
      const previous = entry?.form.read().value;
      const form = schemaForm(tool.inputSchema, { initial: previous, idPrefix: "arg" });
      entry = { schemaKey: key, form, history: entry?.history || h("div", { class: "history", id: "tool-history" }), running: null };
      perTool.set(tool.name, entry);
    }
    entry.tool = tool;
    return entry;
  }

  function select(tool, focus = true) {
    selected = tool;
    renderList();
    const entry = stateOf(tool);
    const runButton = h("button", { type: "button", class: "primary", id: "run-tool", onclick: () => run(entry) }, "Run tool");
    const cancelButton = h("button", { type: "button", class: "danger", id: "cancel-tool", hidden: !entry.running, onclick: () => entry.running && api.post("cancel", { callId: entry.running.callId }).catch(() => {}) }, "Cancel");
    entry.controls = { runButton, cancelButton, progress: entry.progress || h("div", { class: "progress", id: "tool-progress", hidden: true }) };
    entry.progress = entry.controls.progress;
    clear(detail,
      h("section", { class: "card" },
        h("header", {}, h("div", { class: "detail-title" }, h("h2", {}, tool.name), tool.title ? h("span", { class: "title" }, tool.title) : null), h("span", { class: "spacer" }), annotations(tool)),
        h("div", { class: "body form" },
          tool.description ? h("p", { class: "description" }, tool.description) : null,
          entry.form.el,
          h("div", { class: "actions" }, runButton, cancelButton,
            h("span", { class: "spacer" }),
            h("button", { type: "button", class: "ghost small", onclick: () => { entry.form.toggleJson(); } }, "Form / JSON"),
            h("span", { class: "hint" }, "Ctrl+Enter")),
          entry.progress)),
      entry.history);
    if (focus) entry.form.focus();
  }

  async function run(entry) {
    if (entry.running) return;
    const read = entry.form.read();
    if (!read.ok) return;
    const callId = api.newCallId();
    const tool = entry.tool;
    const started = performance.now();
    entry.running = { callId };
    entry.controls.runButton.disabled = true;
    entry.controls.cancelButton.hidden = false;
    showProgress(entry, null);
    const params = { name: tool.name, arguments: read.value };
    const answer = await api.request("tools/call", params, { callId, resetTimeoutOnProgress: state.resetTimeoutOnProgress })
      .catch((e) => ({ error: { message: e.message } }));
    const took = performance.now() - started;
    entry.running = null;
    entry.controls.runButton.disabled = false;
    entry.controls.cancelButton.hidden = true;
    entry.progress.hidden = !entry.lastProgress;
    const title = `${tool.name} · ${time(Date.now())}`;
    const view = answer.error
      ? errorResult(answer.error, title)
      : toolResult(answer.result, { outputSchema: tool.outputSchema, title, took });
    entry.history.prepend(view);
    // Bring the new result into sight, keeping the form's end (and the Run button) above it.
    const top = view.offsetTop - detail.offsetTop;
    if (top > detail.scrollTop + detail.clientHeight * 0.6) detail.scrollTop = top - detail.clientHeight * 0.35;
    if (!answer.error && uiResourceUri(tool)) {
      view.querySelector(".blocks").prepend(mountApp({ tool, arguments: read.value, result: answer.result }));
    }
    while (entry.history.children.length > 20) entry.history.lastChild.remove();
  }

  function showProgress(entry, p) {
    entry.lastProgress = p;
    const bar = h("div", { class: `bar${p && p.total ? "" : " indeterminate"}`, role: "progressbar", "aria-valuemin": 0,
      "aria-valuemax": p?.total ?? undefined, "aria-valuenow": p?.progress ?? undefined },
    h("div", { class: "fill", style: null }));
    if (p && p.total) bar.firstChild.style.width = `${Math.min(100, (p.progress / p.total) * 100)}%`;
    clear(entry.progress, h("div", { class: "label" }, h("span", {}, p?.message || (entry.running ? "running…" : "done")),
      h("span", {}, p ? (p.total ? `${p.progress} / ${p.total}` : String(p.progress)) : "")), bar);
    entry.progress.hidden = false;
  }

  on("progress", (p) => {
    for (const entry of perTool.values()) {
      if (entry.running?.callId === p.call_id) showProgress(entry, p);
    }
  });
  search.addEventListener("input", renderList);
  on("connected", () => load());
  on("notifications/tools/list_changed", () => load());
  on("status", ({ status }) => { if (status.state !== "connected") renderList(); });

  return {
    el,
    search: () => search.focus(),
    submit: () => { if (selected) run(stateOf(selected)); },
  };
}

// The Prompts pane: the list, an argument form whose values complete, and the rendered
// messages of each get.

import * as api from "./api.js";
import { h, clear, time } from "./dom.js";
import { on, emit, connected, capabilities } from "./state.js";
import { promptMessages, errorResult } from "./content.js";
import { completingInput } from "./resources.js";

export function createPane() {
  let prompts = [];
  let cursor = null;
  let selected = null;
  const forms = new Map();

  const search = h("input", { type: "search", id: "prompt-search", placeholder: "Search prompts  /", "aria-label": "Search prompts" });
  const list = h("ul", { class: "list", id: "prompt-list", role: "listbox", "aria-label": "Prompts" });
  const foot = h("div", { class: "list-foot" });
  const detail = h("div", { class: "detail", id: "prompt-detail" }, h("div", { class: "card body empty" }, "Pick a prompt."));
  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Prompts"), h("span", { class: "spacer" }),
      h("button", { type: "button", id: "refresh-prompts", onclick: () => load() }, "Refresh")),
    h("div", { class: "split" }, h("section", { class: "card list-card" }, h("div", { class: "list-tools" }, search), list, foot), detail));

  async function load(more = false) {
    if (!connected() || !capabilities().prompts) { prompts = []; renderList(); return; }
    const answer = await api.request("prompts/list", more && cursor ? { cursor } : {}).catch((e) => ({ error: { message: e.message } }));
    if (answer.error) { clear(list, h("li", { class: "empty" }, `prompts/list failed: ${answer.error.message}`)); return; }
    prompts = more ? prompts.concat(answer.result.prompts) : answer.result.prompts;
    cursor = answer.result.nextCursor || null;
    renderList();
  }

  function renderList() {
    const q = search.value.trim().toLowerCase();
    const shown = prompts.filter((p) => !q || JSON.stringify([p.name, p.title, p.description]).toLowerCase().includes(q));
    clear(list, shown.length ? shown.map((p) => h("li", {}, h("button", {
      type: "button", class: "item", role: "option", dataset: { name: p.name }, "aria-selected": String(selected?.name === p.name), onclick: () => select(p),
    }, h("span", { class: "name" }, p.name), h("span", { class: "desc" }, p.title || p.description || "")))) : h("li", { class: "empty" }, connected() ? "No prompts." : "Not connected."));
    clear(foot, h("span", {}, `${prompts.length} prompt${prompts.length === 1 ? "" : "s"}`),
      cursor ? h("button", { type: "button", class: "small", onclick: () => load(true) }, "Load more") : null);
    emit("count", { id: "prompts", text: prompts.length ? String(prompts.length) : "" });
  }

  function formOf(prompt) {
    let entry = forms.get(prompt.name);
    if (!entry) {
      const fields = (prompt.arguments || []).map((a, i) => completingInput({
        id: `prompt-arg-${i}-${a.name}`, name: `prompt.${a.name}`, label: a.title || a.name, required: !!a.required, description: a.description,
        reference: { type: "ref/prompt", name: prompt.name }, argument: a.name,
        otherValues: () => Object.fromEntries(fields.filter((f) => f.input.name !== `prompt.${a.name}`).map((f) => [f.input.name.slice(7), f.input.value]).filter(([, v]) => v)),
      }));
      entry = { fields, history: h("div", { class: "history", id: "prompt-history" }), error: h("span", { class: "error" }) };
      forms.set(prompt.name, entry);
    }
    return entry;
  }

  function select(prompt) {
    selected = prompt;
    renderList();
    const entry = formOf(prompt);
    clear(detail,
      h("section", { class: "card" },
        h("header", {}, h("div", { class: "detail-title" }, h("h2", {}, prompt.name), prompt.title ? h("span", { class: "title" }, prompt.title) : null)),
        h("div", { class: "body form" }, prompt.description ? h("p", { class: "description" }, prompt.description) : null,
          entry.fields.length ? entry.fields.map((f) => f.el) : h("p", { class: "hint" }, "No arguments."),
          h("div", { class: "actions" }, h("button", { type: "button", class: "primary", id: "get-prompt", onclick: () => get(prompt) }, "Get prompt"), entry.error))),
      entry.history);
    entry.fields[0]?.input.focus();
  }

  async function get(prompt) {
    const entry = formOf(prompt);
    const args = {};
    const missing = [];
    (prompt.arguments || []).forEach((a, i) => {
      const value = entry.fields[i].input.value;
      if (value !== "") args[a.name] = value;
      else if (a.required) missing.push(a.name);
      entry.fields[i].input.setAttribute("aria-invalid", String(a.required && value === ""));
    });
    entry.error.textContent = missing.length ? `Required: ${missing.join(", ")}` : "";
    if (missing.length) return;
    const answer = await api.request("prompts/get", { name: prompt.name, arguments: args }).catch((e) => ({ error: { message: e.message } }));
    const title = `${prompt.name} · ${time(Date.now())}`;
    entry.history.prepend(answer.error ? errorResult(answer.error, title)
      : h("section", { class: "result" }, h("header", {}, h("strong", {}, title)), h("div", { class: "blocks" }, promptMessages(answer.result))));
    while (entry.history.children.length > 20) entry.history.lastChild.remove();
  }

  search.addEventListener("input", renderList);
  on("connected", () => load());
  on("notifications/prompts/list_changed", () => load());
  return { el, search: () => search.focus(), submit: () => selected && get(selected) };
}

// The Resources pane: resources and templates (search, pagination, refreshed on list changes),
// a read with a preview by MIME type, subscriptions with their updates (re-read as they come),
// and template parameters with completion.

import * as api from "./api.js";
import { h, clear, badge, time } from "./dom.js";
import { on, emit, connected, capabilities } from "./state.js";
import { resourceContents, errorResult } from "./content.js";

// The variables of an RFC 6570 template (`{id}`, `{+path}`, `{?q,lang}`).
export function templateVariables(template) {
  const names = [];
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    for (const part of m[1].replace(/^[+#./;?&]/, "").split(",")) names.push(part.replace(/[:*].*$/, ""));
  }
  return names;
}

// Expands a template (simple, reserved and query expansions).
export function expandTemplate(template, values) {
  return template.replace(/\{([^}]+)\}/g, (_, expr) => {
    const op = /^[+#./;?&]/.test(expr) ? expr[0] : "";
    const names = (op ? expr.slice(1) : expr).split(",").map((n) => n.replace(/[:*].*$/, ""));
    const enc = (v) => (op === "+" || op === "#" ? encodeURI(v) : encodeURIComponent(v));
    const present = names.filter((n) => values[n] !== undefined && values[n] !== "");
    if (op === "?" || op === "&") return present.length ? op + present.map((n) => `${n}=${enc(values[n])}`).join("&") : "";
    const joined = present.map((n) => enc(values[n])).join(",");
    return joined ? (op === "+" ? "" : op === "#" ? "#" : op) + joined : "";
  });
}

// A text field whose value completes through completion/complete.
export function completingInput({ id, name, reference, argument, otherValues, label, required, description }) {
  const input = h("input", { type: "text", id, name, autocomplete: "off", "aria-describedby": `${id}-suggestions` });
  const suggestions = h("div", { class: "completions", id: `${id}-suggestions`, "aria-live": "polite" });
  let timer = null;
  let asked = 0;
  const complete = async () => {
    if (!connected() || !capabilities().completions) return;
    const mine = ++asked;
    const params = { ref: reference, argument: { name: argument, value: input.value } };
    const context = otherValues?.();
    if (context && Object.keys(context).length) params.context = { arguments: context };
    const answer = await api.request("completion/complete", params).catch(() => null);
    if (mine !== asked || !answer?.result) return;
    const values = answer.result.completion?.values || [];
    clear(suggestions, values.slice(0, 12).map((v) => h("button", { type: "button", class: "small", onclick: () => { input.value = v; input.dispatchEvent(new Event("input")); input.focus(); } }, v)),
      answer.result.completion?.hasMore ? h("span", { class: "hint" }, "…more") : null);
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(complete, 120); });
  input.addEventListener("focus", complete);
  const el = h("div", { class: "field" }, h("label", { for: id }, label, required ? h("span", { class: "req" }, "*") : null),
    input, description ? h("span", { class: "help" }, description) : null, suggestions);
  return { el, input };
}

export function createPane() {
  let resources = [];
  let templates = [];
  let cursors = { resources: null, templates: null };
  let tab = "resources";
  let selected = null;
  const subscribed = new Set();
  const updates = new Map();
  const templateForms = new Map();

  const search = h("input", { type: "search", id: "resource-search", placeholder: "Search  /", "aria-label": "Search resources" });
  const tabs = h("div", { class: "tabs", role: "tablist" });
  const list = h("ul", { class: "list", id: "resource-list", role: "listbox", "aria-label": "Resources" });
  const foot = h("div", { class: "list-foot" });
  const detail = h("div", { class: "detail", id: "resource-detail" }, h("div", { class: "card body empty" }, "Pick a resource or a template."));
  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Resources"), tabs, h("span", { class: "spacer" }),
      h("button", { type: "button", id: "refresh-resources", onclick: () => load() }, "Refresh")),
    h("div", { class: "split" }, h("section", { class: "card list-card" }, h("div", { class: "list-tools" }, search), list, foot), detail));

  async function page(method, key, field, more) {
    const answer = await api.request(method, more && cursors[key] ? { cursor: cursors[key] } : {}).catch((e) => ({ error: { message: e.message } }));
    if (answer.error) return null;
    cursors[key] = answer.result.nextCursor || null;
    return answer.result[field] || [];
  }

  async function load(more = false) {
    if (!connected() || !capabilities().resources) { renderList(); return; }
    if (!more || tab === "resources") {
      const got = await page("resources/list", "resources", "resources", more);
      if (got) resources = more ? resources.concat(got) : got;
    }
    if (!more || tab === "templates") {
      const got = await page("resources/templates/list", "templates", "resourceTemplates", more);
      if (got) templates = more ? templates.concat(got) : got;
    }
    renderList();
  }

  function renderTabs() {
    const tabButton = (id, label, count) => h("button", { type: "button", role: "tab", id: `tab-${id}`, "aria-selected": String(tab === id),
      onclick: () => { tab = id; renderTabs(); renderList(); } }, `${label} ${count}`);
    clear(tabs, tabButton("resources", "Resources", resources.length), tabButton("templates", "Templates", templates.length));
  }

  function renderList() {
    renderTabs();
    const q = search.value.trim().toLowerCase();
    const items = tab === "resources" ? resources : templates;
    const shown = items.filter((r) => !q || JSON.stringify([r.name, r.title, r.uri, r.uriTemplate, r.description]).toLowerCase().includes(q));
    clear(list, shown.length ? shown.map((r) => {
      const key = r.uri || r.uriTemplate;
      return h("li", {}, h("button", {
        type: "button", class: "item", role: "option", dataset: { uri: key },
        "aria-selected": String(selected && (selected.uri || selected.uriTemplate) === key), onclick: () => select(r),
      }, h("span", { class: "name" }, r.title || r.name), h("span", { class: "desc mono" }, key),
      h("span", { class: "badges" }, r.mimeType ? badge(r.mimeType, "mime") : null, subscribed.has(r.uri) ? badge("subscribed", "accent") : null)));
    }) : h("li", { class: "empty" }, connected() ? `No ${tab}.` : "Not connected."));
    clear(foot, h("span", {}, `${resources.length} resources, ${templates.length} templates`),
      cursors[tab] ? h("button", { type: "button", class: "small", onclick: () => load(true) }, "Load more") : null);
    emit("count", { id: "resources", text: resources.length + templates.length ? String(resources.length + templates.length) : "" });
  }

  async function read(uri, into) {
    clear(into, h("p", { class: "hint" }, `Reading ${uri}…`));
    const answer = await api.request("resources/read", { uri }).catch((e) => ({ error: { message: e.message } }));
    if (answer.error) { clear(into, errorResult(answer.error, `resources/read ${uri}`)); return; }
    clear(into, h("div", { class: "history" }, (answer.result.contents || []).map(resourceContents)));
  }

  function select(r, autoRead = false) {
    selected = r;
    renderList();
    if (r.uriTemplate) return selectTemplate(r);
    const preview = h("div", { id: "resource-preview" });
    const updateList = h("ol", { class: "list", id: "resource-updates" }, (updates.get(r.uri) || []).map(updateRow));
    if (!updateList.children.length) updateList.append(h("li", { class: "empty" }, "No updates yet: subscribe, and they appear here as the server sends them."));
    const canSubscribe = !!capabilities().resources?.subscribe;
    const subscribeButton = h("button", { type: "button", id: "subscribe-resource", disabled: !canSubscribe,
      title: canSubscribe ? "" : "The server does not offer subscriptions",
      onclick: () => toggleSubscription(r.uri, subscribeButton) }, subscribed.has(r.uri) ? "Unsubscribe" : "Subscribe");
    clear(detail,
      h("section", { class: "card" },
        h("header", {}, h("div", { class: "detail-title" }, h("h2", {}, r.title || r.name), h("span", { class: "title mono" }, r.uri))),
        h("div", { class: "body form" },
          r.description ? h("p", { class: "description" }, r.description) : null,
          h("dl", { class: "meta-grid" }, h("dt", {}, "Name"), h("dd", {}, r.name), h("dt", {}, "MIME type"), h("dd", {}, r.mimeType || "—"),
            r.size !== undefined ? [h("dt", {}, "Size"), h("dd", {}, String(r.size))] : null),
          h("div", { class: "actions" }, h("button", { type: "button", class: "primary", id: "read-resource", onclick: () => read(r.uri, preview) }, "Read"), subscribeButton))),
      h("section", { class: "card" }, h("header", {}, h("h2", {}, "Contents")), h("div", { class: "body" }, preview)),
      h("section", { class: "card list-card" }, h("header", {}, h("h2", {}, "Updates")), updateList));
    if (autoRead) read(r.uri, preview);
  }

  function updateRow(u) {
    return h("li", { class: "log-row" }, h("span", { class: "time" }, time(u.time)), h("span", { class: "level info" }, "updated"), h("pre", {}, u.uri));
  }

  async function toggleSubscription(uri, button) {
    const on = !subscribed.has(uri);
    const answer = await api.post("subscribe", { uri, subscribe: on }).catch((e) => ({ error: { message: e.message } }));
    if (answer.error) { button.textContent = `Failed: ${answer.error.message}`; return; }
    if (on) subscribed.add(uri); else subscribed.delete(uri);
    button.textContent = on ? "Unsubscribe" : "Subscribe";
    renderList();
  }

  function selectTemplate(t) {
    const variables = templateVariables(t.uriTemplate);
    let entry = templateForms.get(t.uriTemplate);
    if (!entry) {
      const fields = variables.map((name, i) => completingInput({
        id: `template-${i}-${name}`, name: `template.${name}`, label: name, required: true,
        reference: { type: "ref/resource", uri: t.uriTemplate }, argument: name,
        otherValues: () => Object.fromEntries(fields.filter((f) => f.input.name !== `template.${name}`).map((f) => [f.input.name.slice(9), f.input.value])),
      }));
      const uriLine = h("code", { id: "template-uri" });
      const values = () => Object.fromEntries(fields.map((f) => [f.input.name.slice(9), f.input.value]));
      const refresh = () => (uriLine.textContent = expandTemplate(t.uriTemplate, values()));
      fields.forEach((f) => f.input.addEventListener("input", refresh));
      refresh();
      entry = { fields, uriLine, preview: h("div", { id: "template-preview" }) };
      entry.go = () => read(expandTemplate(t.uriTemplate, values()), entry.preview);
      templateForms.set(t.uriTemplate, entry);
    }
    const { uriLine, go } = entry;
    clear(detail,
      h("section", { class: "card" },
        h("header", {}, h("div", { class: "detail-title" }, h("h2", {}, t.title || t.name), h("span", { class: "title mono" }, t.uriTemplate))),
        h("div", { class: "body form" }, t.description ? h("p", { class: "description" }, t.description) : null,
          entry.fields.map((f) => f.el),
          h("div", { class: "actions" }, h("button", { type: "button", class: "primary", id: "read-template", onclick: go }, "Read"), uriLine))),
      h("section", { class: "card" }, h("header", {}, h("h2", {}, "Contents")), h("div", { class: "body" }, entry.preview)));
    entry.fields[0]?.input.focus();
  }

  function resourceUpdated(uri) {
    const list = updates.get(uri) || [];
    const u = { uri, time: Date.now() };
    list.unshift(u);
    updates.set(uri, list.slice(0, 50));
    if (selected && selected.uri === uri) {
      const list = detail.querySelector("#resource-updates");
      list?.querySelector(".empty")?.remove();
      list?.prepend(updateRow(u));
      const preview = detail.querySelector("#resource-preview");
      if (preview) read(uri, preview);
    }
  }

  search.addEventListener("input", renderList);
  on("connected", () => { subscribed.clear(); load(); });
  on("notifications/resources/list_changed", () => load());
  on("notifications/resources/updated", (n) => resourceUpdated(n.params?.uri));
  on("open-resource", (uri) => {
    emit("navigate", "resources");
    tab = "resources";
    const known = resources.find((r) => r.uri === uri);
    select(known || { uri, name: uri }, true);
  });
  renderTabs();

  return {
    el,
    search: () => search.focus(),
    submit: () => {
      if (selected?.uriTemplate) templateForms.get(selected.uriTemplate)?.go?.();
      else detail.querySelector("#read-resource")?.click();
    },
  };
}

// The Protocol pane: every JSON-RPC message to and from the server, with a direction filter,
// errors marked, each message's JSON to copy, and requests and notifications to send again.

import * as api from "./api.js";
import { h, clear, time, jsonView, copy, badge } from "./dom.js";
import { state, on } from "./state.js";

const MAX_ROWS = 3000;

export function createPane() {
  const methods = new Map();
  let direction = "all";
  const filter = h("input", { type: "search", id: "protocol-filter", placeholder: "Filter (method, id, text)  /", "aria-label": "Filter messages" });
  const errorsOnly = h("input", { type: "checkbox", id: "protocol-errors" });
  const dirTabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Direction" });
  const list = h("div", { class: "log", id: "protocol-list", role: "log", "aria-label": "JSON-RPC messages" });
  const count = h("span", { class: "hint", id: "protocol-count" });

  const describe = (event) => {
    const m = event.message;
    if (typeof m !== "object" || m === null) return { summary: String(m), error: true };
    const key = `${event.epoch}:${event.dir}:${JSON.stringify(m.id)}`;
    if (m.method) {
      if (m.id !== undefined) methods.set(key, m.method);
      const name = m.params?.name || m.params?.uri || "";
      return { summary: `${m.method}${name ? ` ${name}` : ""}${m.id !== undefined ? `  #${m.id}` : ""}`, kind: m.id !== undefined ? "request" : "notification", method: m.method };
    }
    const asked = methods.get(`${event.epoch}:${event.dir === "in" ? "out" : "in"}:${JSON.stringify(m.id)}`);
    if (m.error) return { summary: `error ${m.error.code}: ${m.error.message}  #${m.id}${asked ? ` (${asked})` : ""}`, error: true, kind: "error" };
    const interim = m.result?.resultType && m.result.resultType !== "complete" ? ` [${m.result.resultType}]` : "";
    const isError = m.result?.isError ? " [isError]" : "";
    return { summary: `result${interim}${isError}  #${m.id}${asked ? ` (${asked})` : ""}`, kind: "result", error: !!m.result?.isError };
  };

  const visible = (event, d) => {
    if (direction !== "all" && event.dir !== direction) return false;
    if (errorsOnly.checked && !d.error) return false;
    const q = filter.value.trim().toLowerCase();
    return !q || d.summary.toLowerCase().includes(q) || JSON.stringify(event.message).toLowerCase().includes(q);
  };

  const row = (event, d) => {
    let expanded = null;
    const wrapper = h("div", { class: `msg-row${d.error ? " error" : ""}`, dataset: { dir: event.dir, kind: d.kind || "" } });
    const toggle = () => {
      if (expanded) { expanded.remove(); expanded = null; button.setAttribute("aria-expanded", "false"); return; }
      const text = JSON.stringify(event.message, null, 2);
      const copyButton = h("button", { type: "button", class: "small", onclick: () => copy(text, copyButton) }, "Copy");
      const replayResult = h("div", { class: "replay-result" });
      const canReplay = event.dir === "out" && (d.kind === "request" || d.kind === "notification");
      const replay = canReplay ? h("button", { type: "button", class: "small replay", onclick: async () => {
        const answer = await api.post("replay", { message: event.message }).catch((e) => ({ error: { message: e.message } }));
        clear(replayResult, answer.error ? h("pre", { class: "text" }, `error: ${answer.error.message}`) : answer.result === null ? h("p", { class: "hint" }, "Sent.") : jsonView(answer.result));
      } }, "Send again") : null;
      expanded = h("div", { class: "expanded" }, h("div", { class: "actions" }, copyButton, replay, h("span", { class: "hint" }, `connection #${event.epoch}`)), jsonView(event.message), replayResult);
      wrapper.append(expanded);
      button.setAttribute("aria-expanded", "true");
    };
    const button = h("button", { type: "button", "aria-expanded": "false", onclick: toggle },
      h("span", { class: "time" }, time(event.time)),
      h("span", { class: `dir ${event.dir}`, title: event.dir === "out" ? "to the server" : "from the server" }, event.dir === "out" ? "→" : "←"),
      h("span", { class: "summary" }, d.summary),
      d.error ? badge("error", "bad") : h("span", { class: "epoch" }, `#${event.epoch}`));
    wrapper.append(button);
    return wrapper;
  };

  function rerender() {
    clear(list);
    for (const event of state.messages) {
      const d = event.describe || (event.describe = describe(event));
      if (visible(event, d)) list.append(row(event, d));
    }
    trim();
    updateCount();
  }
  function trim() { while (list.children.length > MAX_ROWS) list.firstChild.remove(); }
  function updateCount() { count.textContent = `${state.messages.length} messages`; }

  function renderTabs() {
    clear(dirTabs, [["all", "All"], ["out", "→ Sent"], ["in", "← Received"]].map(([id, label]) =>
      h("button", { type: "button", role: "tab", id: `protocol-dir-${id}`, "aria-selected": String(direction === id), onclick: () => { direction = id; renderTabs(); rerender(); } }, label)));
  }

  on("message", (event) => {
    const d = (event.describe = describe(event));
    updateCount();
    if (!visible(event, d)) return;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(row(event, d));
    trim();
    if (atBottom) list.scrollTop = list.scrollHeight;
  });
  filter.addEventListener("input", rerender);
  errorsOnly.addEventListener("change", rerender);
  renderTabs();

  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Protocol"), dirTabs, h("span", { class: "spacer" }), count),
    h("div", { class: "toolbar" }, filter, h("label", { class: "null-toggle", for: "protocol-errors" }, errorsOnly, "errors only"),
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "small", onclick: () => { state.messages.length = 0; rerender(); } }, "Clear")),
    h("section", { class: "card list-card grow" }, list));
  return { el, search: () => filter.focus() };
}

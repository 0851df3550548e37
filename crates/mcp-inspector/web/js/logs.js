// The Logs pane: the server's log messages (logging/setLevel, a minimum level and a text filter)
// and, in a second tab, the lines it writes to stderr.

import * as api from "./api.js";
import { h, clear, time, jsonView } from "./dom.js";
import { state, on, stateless } from "./state.js";

const LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];
const MAX_ROWS = 2000;

export function createPane() {
  let tab = "logs";
  const setLevel = h("select", { id: "log-set-level", "aria-label": "Level the server sends" }, LEVELS.map((l) => h("option", { value: l }, l)));
  const minLevel = h("select", { id: "log-min-level", "aria-label": "Lowest level shown" }, LEVELS.map((l) => h("option", { value: l }, `≥ ${l}`)));
  const filter = h("input", { type: "search", id: "log-filter", placeholder: "Filter  /", "aria-label": "Filter log messages" });
  const levelNote = h("span", { class: "hint", id: "log-level-note" });
  const logs = h("div", { class: "log", id: "log-list", role: "log", "aria-label": "Log messages" });
  const stderr = h("div", { class: "log", id: "stderr-list", role: "log", "aria-label": "Server stderr", hidden: true });
  const tabs = h("div", { class: "tabs", role: "tablist" });
  setLevel.value = "debug";

  function renderTabs() {
    clear(tabs,
      h("button", { type: "button", role: "tab", id: "tab-logs", "aria-selected": String(tab === "logs"), onclick: () => { tab = "logs"; show(); } }, `Log messages ${state.logs.length}`),
      h("button", { type: "button", role: "tab", id: "tab-stderr", "aria-selected": String(tab === "stderr"), onclick: () => { tab = "stderr"; show(); } }, `Server stderr ${state.stderr.length}`));
  }
  function show() {
    renderTabs();
    logs.hidden = tab !== "logs";
    stderr.hidden = tab !== "stderr";
  }

  const matches = (event) => {
    const level = event.params?.level || "info";
    if (LEVELS.indexOf(level) < LEVELS.indexOf(minLevel.value)) return false;
    const q = filter.value.trim().toLowerCase();
    return !q || JSON.stringify(event.params).toLowerCase().includes(q);
  };
  const logRow = (event) => {
    const p = event.params || {};
    const compact = typeof p.data === "string" ? p.data : JSON.stringify(p.data);
    const data = compact.length <= 160 ? h("pre", {}, compact) : jsonView(p.data);
    return h("div", { class: "log-row", dataset: { level: p.level } },
      h("span", { class: "time" }, time(event.time)),
      h("span", { class: `level ${p.level}` }, p.level),
      h("div", {}, p.logger ? h("span", { class: "hint" }, `${p.logger} `) : null, data));
  };
  const stderrRow = (event) => h("div", { class: "log-row" }, h("span", { class: "time" }, time(event.time)), h("span", { class: "level debug" }, "stderr"), h("pre", {}, event.line));

  function rerender() {
    clear(logs, state.logs.filter(matches).slice(-MAX_ROWS).map(logRow));
    if (!logs.children.length) logs.append(h("p", { class: "empty" }, "No log messages. The demo's log_levels and long_task tools log."));
    renderTabs();
  }
  const pushRow = (list, row) => {
    list.querySelector(".empty")?.remove();
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(row);
    while (list.children.length > MAX_ROWS) list.firstChild.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  };

  setLevel.addEventListener("change", async () => {
    const answer = await api.request("logging/setLevel", { level: setLevel.value }).catch((e) => ({ error: { message: e.message } }));
    levelNote.textContent = answer.error ? `logging/setLevel failed: ${answer.error.message}`
      : stateless() ? `Level ${setLevel.value}: sent with every request (stateless era)` : `The server now sends ${setLevel.value} and above`;
  });
  minLevel.addEventListener("change", rerender);
  filter.addEventListener("input", rerender);
  on("log", (event) => { if (matches(event)) pushRow(logs, logRow(event)); renderTabs(); });
  on("stderr", (event) => { pushRow(stderr, stderrRow(event)); renderTabs(); });

  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Logs"), tabs),
    h("div", { class: "toolbar" },
      h("label", { class: "hint", for: "log-set-level" }, "Server level"), setLevel,
      h("label", { class: "hint", for: "log-min-level" }, "Show"), minLevel, filter, levelNote,
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "small", onclick: () => { (tab === "logs" ? state.logs : state.stderr).length = 0; rerender(); clear(stderr); renderTabs(); } }, "Clear")),
    h("section", { class: "card list-card grow" }, logs, stderr));
  rerender();
  show();
  return { el, search: () => filter.focus() };
}

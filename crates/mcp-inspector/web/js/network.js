// The Network pane: for servers reached over HTTP, every exchange with its method, URL, status,
// time and headers (credentials shortened by the backend).

import { h, clear, time } from "./dom.js";
import { state, on } from "./state.js";

const MAX_ROWS = 2000;

function headerList(pairs) {
  return pairs.length ? h("dl", { class: "headers" }, pairs.map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)])) : h("p", { class: "hint" }, "none");
}

// The JSON-RPC method a request carried, from its Mcp-Method header (stateless era).
function rpcOf(event) {
  const header = event.requestHeaders.find(([name]) => name === "mcp-method");
  return header ? header[1] : null;
}

export function createPane() {
  const list = h("div", { class: "log", id: "network-list", role: "log", "aria-label": "HTTP exchanges" });
  const filter = h("input", { type: "search", id: "network-filter", placeholder: "Filter  /", "aria-label": "Filter HTTP exchanges" });
  const note = h("p", { class: "hint", id: "network-note" });

  const row = (event) => {
    let open = null;
    const ok = event.status && event.status < 400;
    const wrapper = h("div", { class: `msg-row http-row${ok ? "" : " error"}` });
    const button = h("button", { type: "button", "aria-expanded": "false", onclick: () => {
      if (open) { open.remove(); open = null; button.setAttribute("aria-expanded", "false"); return; }
      open = h("div", { class: "expanded" },
        event.error ? h("p", { class: "error" }, event.error) : null,
        h("strong", {}, "Request headers"), headerList(event.requestHeaders),
        h("strong", {}, "Response headers"), headerList(event.responseHeaders));
      wrapper.append(open);
      button.setAttribute("aria-expanded", "true");
    } },
    h("span", { class: "time" }, time(event.time)),
    h("span", { class: "mono" }, event.method),
    h("span", { class: "summary" }, event.url, rpcOf(event) ? h("span", { class: "rpc" }, rpcOf(event)) : null),
    h("span", { class: `status-code ${ok ? "ok" : "bad"}` }, event.status ?? "—"),
    h("span", { class: "hint" }, `${event.durationMs.toFixed(1)} ms`));
    wrapper.append(button);
    return wrapper;
  };
  const visible = (event) => {
    const q = filter.value.trim().toLowerCase();
    return !q || JSON.stringify(event).toLowerCase().includes(q);
  };
  const rerender = () => {
    clear(list, state.http.filter(visible).slice(-MAX_ROWS).map(row));
    if (!list.children.length) list.append(h("p", { class: "empty" }, "No HTTP exchanges yet."));
  };
  on("init", () => {
    const http = /HTTP|SSE/.test(state.target.transport);
    note.textContent = http
      ? "Every HTTP request to the server, with the head of its response."
      : `This server is reached over ${state.target.transport}: there is no HTTP traffic to show (the Protocol pane has every message).`;
  });
  on("http", (event) => {
    if (!visible(event)) return;
    list.querySelector(".empty")?.remove();
    list.append(row(event));
    while (list.children.length > MAX_ROWS) list.firstChild.remove();
  });
  filter.addEventListener("input", rerender);
  rerender();

  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Network")),
    note,
    h("div", { class: "toolbar" }, filter),
    h("section", { class: "card list-card grow" }, list));
  return { el, search: () => filter.focus() };
}

// MCP Apps (extension io.modelcontextprotocol/ui): a tool whose `_meta.ui.resourceUri` names a
// ui:// resource gets its view rendered here. The view runs in the sandbox proxy, served from
// another origin (so it can reach neither this page nor the API), inside a frame whose CSP
// the proxy's origin sets from the resource's declared domains. This page is the host: it
// answers ui/initialize, sends the tool's input and result, and forwards the view's tools/call
// and resources/read to the server.

import * as api from "./api.js";
import { h, badge } from "./dom.js";
import { state, on, keep, emit } from "./state.js";
import { effectiveTheme } from "./connection.js";

const APP_MIME = "text/html;profile=mcp-app";
const frames = new Set();

export function uiResourceUri(tool) {
  const meta = tool?._meta || {};
  return meta.ui?.resourceUri || meta["ui/resourceUri"] || null;
}

function visibleToApps(tool) {
  const visibility = tool?._meta?.ui?.visibility;
  return !Array.isArray(visibility) || visibility.includes("app");
}

async function toolNamed(name) {
  let cursor;
  for (let page = 0; page < 100; page++) {
    const answer = await api.request("tools/list", cursor ? { cursor } : {});
    const found = answer.result?.tools?.find((t) => t.name === name);
    if (found) return found;
    cursor = answer.result?.nextCursor;
    if (!cursor) return null;
  }
  return null;
}

// The view of `tool`'s result: an element holding the sandboxed frame.
export function mountApp({ tool, arguments: args, result }) {
  const uri = uiResourceUri(tool);
  const status = h("span", { class: "app-log", id: "app-status" }, `loading ${uri}…`);
  const box = h("div", { class: "block", dataset: { kind: "app" } }, h("div", { class: "kind" }, "MCP App", h("span", { class: "mono" }, uri), status));
  load(box, status, uri, tool, args, result);
  return box;
}

async function load(box, status, uri, tool, args, result) {
  const read = await api.request("resources/read", { uri }).catch((e) => ({ error: { message: e.message } }));
  if (read.error) { status.textContent = `could not read ${uri}: ${read.error.message}`; return; }
  const contents = read.result.contents?.[0];
  if (!contents || !(contents.mimeType || "").startsWith("text/html")) {
    status.textContent = `${uri} is not an MCP App view (${contents?.mimeType || "no contents"})`;
    return;
  }
  if ((contents.mimeType || "").replace(/\s/g, "") !== APP_MIME) box.querySelector(".kind").append(badge(`MIME ${contents.mimeType}`, "warn"));
  const html = contents.text ?? new TextDecoder().decode(Uint8Array.from(atob(contents.blob || ""), (c) => c.charCodeAt(0)));
  const ui = contents._meta?.ui || {};
  const csp = ui.csp || {};
  if (!state.sandboxOrigin) { status.textContent = "the sandbox is not available"; return; }
  const src = `${state.sandboxOrigin}/sandbox?csp=${encodeURIComponent(JSON.stringify(csp))}`;
  const frame = h("iframe", {
    class: `app-frame${ui.prefersBorder === false ? " borderless" : ""}`,
    src, title: `MCP App ${uri}`, sandbox: "allow-scripts allow-same-origin", referrerpolicy: "no-referrer",
  });
  box.append(frame);
  const host = { frame, html, csp, tool, args, result, status, initialized: false };
  frames.add(host);
  status.textContent = "starting the sandbox…";
  if (Object.keys(csp).length) box.querySelector(".kind").append(badge("declares CSP domains", "warn", JSON.stringify(csp)));
}

function post(host, message) {
  host.frame.contentWindow?.postMessage(message, state.sandboxOrigin);
}

function reply(host, id, result) { post(host, { jsonrpc: "2.0", id, result }); }
function fail(host, id, code, message) { post(host, { jsonrpc: "2.0", id, error: { code, message } }); }

async function handle(host, msg) {
  const { id, method, params } = msg;
  if (method === "ui/notifications/sandbox-proxy-ready") {
    post(host, { jsonrpc: "2.0", method: "ui/notifications/sandbox-resource-ready", params: { html: host.html, csp: host.csp, sandbox: "allow-scripts allow-forms" } });
    return;
  }
  switch (method) {
    case "ui/initialize":
      reply(host, id, {
        protocolVersion: "2026-01-26",
        hostInfo: { name: "mcp dev inspector", version: "1" },
        hostCapabilities: { openLinks: {}, serverTools: {}, serverResources: {}, logging: {} },
        hostContext: {
          toolInfo: { tool: host.tool },
          theme: effectiveTheme(),
          displayMode: "inline",
          availableDisplayModes: ["inline"],
          containerDimensions: { maxHeight: 640 },
          locale: navigator.language,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          platform: "web",
        },
      });
      return;
    case "ui/notifications/initialized":
      host.initialized = true;
      host.status.textContent = "running in the sandbox";
      post(host, { jsonrpc: "2.0", method: "ui/notifications/tool-input", params: { arguments: host.args } });
      post(host, { jsonrpc: "2.0", method: "ui/notifications/tool-result", params: host.result });
      return;
    case "ui/notifications/size-changed":
      if (params?.height) host.frame.style.height = `${Math.min(640, Math.max(80, Math.ceil(params.height) + 2))}px`;
      return;
    case "notifications/message":
      keep(state.logs, { type: "log", time: Date.now(), params: { ...params, logger: `app ${params?.logger || ""}`.trim() } });
      emit("log", state.logs[state.logs.length - 1]);
      return;
    case "ping":
      reply(host, id, {});
      return;
    case "tools/call": {
      const tool = await toolNamed(params?.name).catch(() => null);
      if (!tool) return fail(host, id, -32602, `unknown tool ${params?.name}`);
      if (!visibleToApps(tool)) return fail(host, id, -32602, `${params.name} is not visible to apps`);
      const answer = await api.request("tools/call", { name: params.name, arguments: params.arguments || {} }).catch((e) => ({ error: { code: -32603, message: e.message } }));
      host.status.textContent = `the view called ${params.name}`;
      return answer.error ? fail(host, id, answer.error.code ?? -32603, answer.error.message) : reply(host, id, answer.result);
    }
    case "resources/read": {
      const answer = await api.request("resources/read", { uri: params?.uri }).catch((e) => ({ error: { code: -32603, message: e.message } }));
      return answer.error ? fail(host, id, answer.error.code ?? -32603, answer.error.message) : reply(host, id, answer.result);
    }
    case "ui/open-link":
      if (/^https?:\/\//.test(params?.url || "")) { window.open(params.url, "_blank", "noopener"); reply(host, id, {}); } else fail(host, id, -32602, "only http(s) links open");
      return;
    case "ui/message":
    case "ui/update-model-context":
      host.status.textContent = `the view sent ${method} (no model here)`;
      reply(host, id, {});
      return;
    case "ui/request-display-mode":
      reply(host, id, { mode: "inline" });
      return;
    default:
      if (id !== undefined && method) fail(host, id, -32601, `${method} is not supported by this host`);
  }
}

window.addEventListener("message", (event) => {
  if (event.origin !== state.sandboxOrigin) return;
  for (const host of frames) {
    if (event.source === host.frame.contentWindow) {
      if (!host.frame.isConnected) { frames.delete(host); return; }
      const msg = event.data;
      if (msg && msg.jsonrpc === "2.0") handle(host, msg);
      return;
    }
  }
});

on("theme", (theme) => {
  for (const host of frames) if (host.initialized) post(host, { jsonrpc: "2.0", method: "ui/notifications/host-context-changed", params: { theme } });
});

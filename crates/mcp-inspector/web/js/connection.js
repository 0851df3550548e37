// The top bar (server, status, version, connect/restart/disconnect, theme), the banner that
// says what just happened (reconnected, build failed, authorization needed), and the Server
// pane: settings, server info, capabilities, instructions, ping, the connection's history.

import * as api from "./api.js";
import { h, clear, jsonView, time, badge } from "./dom.js";
import { state, on, emit, live } from "./state.js";

const THEMES = ["auto", "light", "dark"];
const STATE_LABELS = {
  connected: "connected", connecting: "connecting…", building: "building…",
  disconnected: "disconnected", failed: "failed",
};

let bannerTimer = null;
// The epoch of the last connection that came up: another one coming up is a reconnection.
let connectedEpoch = 0;

export function showBanner(kind, text, { detail, action, sticky } = {}) {
  const banner = document.getElementById("banner");
  clearTimeout(bannerTimer);
  banner.className = `banner ${kind}`;
  const body = h("div", { class: "banner-text", id: "banner-text" }, text);
  if (detail) body.append(h("pre", {}, detail));
  clear(banner, body, h("span", { class: "spacer" }), action,
    h("button", { type: "button", class: "ghost small", "aria-label": "Dismiss", onclick: () => (banner.hidden = true) }, "✕"));
  banner.hidden = false;
  if (!sticky) bannerTimer = setTimeout(() => (banner.hidden = true), 8000);
}

function applyTheme(theme) {
  if (theme === "auto") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", theme);
  const button = document.getElementById("theme-button");
  button.textContent = theme === "light" ? "☀" : theme === "dark" ? "☾" : "◐";
  button.title = `Theme: ${theme} (click to change)`;
  emit("theme", effectiveTheme());
}

export function effectiveTheme() {
  const set = document.documentElement.getAttribute("data-theme");
  if (set) return set;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export async function connect(options = {}) {
  const body = { ...state.options, ...options };
  state.options = body;
  try {
    await api.post("connect", body);
  } catch (e) {
    showBanner("bad", "Could not connect.", { detail: e.message, sticky: true });
  }
}

export function mountTopbar() {
  const select = document.getElementById("version-select");
  let theme = localStorage.getItem("mcp-dev-theme") || "auto";
  applyTheme(theme);
  document.getElementById("theme-button").addEventListener("click", () => {
    theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    localStorage.setItem("mcp-dev-theme", theme);
    applyTheme(theme);
  });
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => emit("theme", effectiveTheme()));

  on("init", () => {
    clear(select, h("option", { value: "auto" }, "auto (newest)"),
      state.versions.map((v) => h("option", { value: v }, `${v}${v >= "2026" ? " · stateless" : " · handshake"}`)));
    select.value = state.options.protocolVersion;
    document.getElementById("server-name").textContent = state.target.description;
  });
  select.addEventListener("change", () => connect({ protocolVersion: select.value }));
  document.getElementById("connect-button").addEventListener("click", () => connect({ protocolVersion: select.value }));
  document.getElementById("restart-button").addEventListener("click", async () => {
    try { await api.post("restart"); } catch (e) { showBanner("bad", "Restart failed.", { detail: e.message, sticky: true }); }
  });
  document.getElementById("disconnect-button").addEventListener("click", () => api.post("disconnect").catch(() => {}));

  on("status", ({ status }) => {
    const el = document.getElementById("status");
    el.className = `status ${status.state}`;
    el.querySelector(".label").textContent = STATE_LABELS[status.state] || status.state;
    el.title = status.detail || "";
    const server = status.server;
    const info = server?.serverInfo;
    document.getElementById("server-name").textContent = info
      ? `${info.title || info.name}${info.version ? " " + info.version : ""}`
      : state.target.description;
    document.getElementById("server-meta").textContent = [
      state.target.transport,
      server?.protocolVersion,
      status.pid ? `pid ${status.pid}` : null,
    ].filter(Boolean).join(" · ");
    const connected = status.state === "connected";
    document.getElementById("connect-button").hidden = connected || status.state === "connecting";
    document.getElementById("disconnect-button").hidden = !connected;
    const previous = connectedEpoch;
    if (status.state === "connected") connectedEpoch = status.epoch;
    if (!live(status)) return;
    if (status.state === "connected" && previous && previous !== status.epoch) {
      showBanner("ok", `Reconnected: ${status.detail || "the server restarted"}. Forms and history are kept.`);
    } else if (status.state === "failed") {
      showBanner("bad", "The connection failed.", { detail: status.detail, sticky: true,
        action: h("button", { type: "button", class: "small", onclick: () => connect() }, "Retry") });
    }
  });
  on("changed", (c) => live(c) && showBanner("info", `${c.paths.join(", ")} changed: restarting the server…`));
  on("build", (b) => {
    if (!live(b)) return;
    if (b.state === "running") showBanner("info", `Building: ${b.command}`, { sticky: true });
    else if (b.state === "failed") showBanner("bad", "The build failed; the server keeps running the last build.", { detail: b.output, sticky: true });
  });
  on("oauth", (o) => {
    if (o.state === "required") {
      showBanner("warn", "The server needs authorization.", { sticky: true,
        action: h("button", { type: "button", class: "primary small", onclick: () => window.open(o.url, "_blank", "noopener") }, "Authorize in a new tab") });
    } else {
      showBanner("ok", "Authorized.");
    }
  });
  on("stream", (s) => {
    if (s === "closed") showBanner("bad", "Lost the inspector's event stream; retrying…", { sticky: true });
    if (s === "open") document.getElementById("banner").hidden = true;
    if (s === "unauthorized") showBanner("bad", "The token is not valid for this run: open the URL mcp dev printed.", { sticky: true });
  });
}

export function createPane() {
  const history = h("ol", { class: "list", id: "connection-history" });
  const versionSelect = h("select", { id: "settings-version" });
  const connectTimeout = h("input", { type: "number", min: 1, step: 1, id: "settings-connect-timeout" });
  const requestTimeout = h("input", { type: "number", min: 1, step: 1, id: "settings-request-timeout" });
  const resetOnProgress = h("input", { type: "checkbox", id: "settings-reset" });
  const pingResult = h("span", { class: "hint", id: "ping-result" });
  const info = h("div", { class: "body" });

  const apply = () => connect({
    protocolVersion: versionSelect.value,
    connectTimeoutMs: Math.max(1, Number(connectTimeout.value)) * 1000,
    requestTimeoutMs: Math.max(1, Number(requestTimeout.value)) * 1000,
  });
  resetOnProgress.addEventListener("change", () => (state.resetTimeoutOnProgress = resetOnProgress.checked));

  const ping = async () => {
    const started = performance.now();
    pingResult.textContent = "…";
    const answer = await api.request("ping").catch((e) => ({ error: { message: e.message } }));
    pingResult.textContent = answer.error
      ? `failed: ${answer.error.message}`
      : `answered in ${(performance.now() - started).toFixed(1)} ms`;
  };

  const settings = h("section", { class: "card" },
    h("header", {}, h("h2", {}, "Connection")),
    h("div", { class: "body form" },
      h("dl", { class: "meta-grid" },
        h("dt", {}, "Server"), h("dd", { class: "mono", id: "target-description" }, ""),
        h("dt", {}, "Transport"), h("dd", { id: "target-transport" }, "")),
      h("div", { class: "field" }, h("label", { for: "settings-version" }, "Protocol version"), versionSelect,
        h("span", { class: "help" }, "auto asks server/discover first (2026-07-28, stateless) and falls back to the initialize handshake.")),
      h("div", { class: "field" }, h("label", { for: "settings-connect-timeout" }, "Connection timeout (s)"), connectTimeout),
      h("div", { class: "field" }, h("label", { for: "settings-request-timeout" }, "Request timeout (s)"), requestTimeout),
      h("div", { class: "field inline" }, resetOnProgress, h("label", { for: "settings-reset" }, "Restart a request's timeout when it reports progress")),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", onclick: apply }, "Reconnect with these settings"),
        h("button", { type: "button", onclick: ping, id: "ping-button" }, "Ping"), pingResult)));

  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Server")),
    h("div", { class: "split" },
      h("div", { class: "detail" }, settings,
        h("section", { class: "card list-card" }, h("header", {}, h("h2", {}, "History")), history)),
      h("div", { class: "detail" }, h("section", { class: "card" }, h("header", {}, h("h2", {}, "What the server said")), info))));

  on("init", () => {
    clear(versionSelect, h("option", { value: "auto" }, "auto (newest)"), state.versions.map((v) => h("option", { value: v }, v)));
    versionSelect.value = state.options.protocolVersion;
    connectTimeout.value = state.options.connectTimeoutMs / 1000;
    requestTimeout.value = state.options.requestTimeoutMs / 1000;
    el.querySelector("#target-description").textContent = state.target.description;
    el.querySelector("#target-transport").textContent = state.target.transport;
  });

  on("status", ({ status }) => {
    history.prepend(h("li", { class: "log-row" },
      h("span", { class: "time" }, time(status.time || Date.now())),
      h("span", { class: `level ${status.state === "failed" ? "error" : status.state === "connected" ? "info" : "debug"}` }, status.state),
      h("pre", {}, `#${status.epoch} ${status.detail || ""}`)));
    const server = status.server;
    if (!server) {
      clear(info, h("p", { class: "empty" }, status.state === "failed" ? status.detail : "Not connected."));
      return;
    }
    clear(info,
      h("dl", { class: "meta-grid" },
        h("dt", {}, "Name"), h("dd", {}, server.serverInfo?.name || "?"),
        h("dt", {}, "Title"), h("dd", {}, server.serverInfo?.title || "—"),
        h("dt", {}, "Version"), h("dd", {}, server.serverInfo?.version || "—"),
        h("dt", {}, "Protocol"), h("dd", {}, server.protocolVersion, " ", server.stateless ? badge("stateless", "accent") : badge("handshake", "info")),
        server.serverVersions.length ? [h("dt", {}, "Server speaks"), h("dd", {}, server.serverVersions.join(", "))] : null),
      h("h3", {}, "Instructions"),
      server.instructions ? h("pre", { class: "text", id: "server-instructions" }, server.instructions) : h("p", { class: "hint" }, "None."),
      h("h3", {}, "Server capabilities"), jsonView(server.capabilities, { id: "server-capabilities" }),
      h("h3", {}, "Inspector capabilities"), jsonView(server.clientCapabilities));
  });

  return { el };
}

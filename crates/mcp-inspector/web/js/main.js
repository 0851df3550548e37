// The page: reads the token, follows the backend's events, and shows one pane at a time.
// Panes are built once and only hidden, so forms, results and history survive switching
// panes and reconnections.

import * as api from "./api.js";
import { h, clear } from "./dom.js";
import { state, on, emit, keep, pendingRequests } from "./state.js";
import * as connection from "./connection.js";
import * as tools from "./tools.js";
import * as resources from "./resources.js";
import * as prompts from "./prompts.js";
import * as requests from "./requests.js";
import * as logs from "./logs.js";
import * as protocol from "./protocol.js";
import * as network from "./network.js";

const PANES = [
  { id: "server", label: "Server", icon: "◎", make: connection.createPane },
  { id: "tools", label: "Tools", icon: "⚒", make: tools.createPane },
  { id: "resources", label: "Resources", icon: "▤", make: resources.createPane },
  { id: "prompts", label: "Prompts", icon: "❝", make: prompts.createPane },
  { id: "requests", label: "Requests", icon: "⇆", make: requests.createPane },
  { id: "roots", label: "Roots", icon: "⌂", make: requests.createRootsPane },
  { id: "logs", label: "Logs", icon: "≡", make: logs.createPane },
  { id: "protocol", label: "Protocol", icon: "{}", make: protocol.createPane },
  { id: "network", label: "Network", icon: "⇅", make: network.createPane },
];

const panes = new Map();
let current = null;

function navigate(id) {
  const pane = panes.get(id);
  if (!pane) return;
  if (current) current.el.hidden = true;
  current = pane;
  pane.el.hidden = false;
  pane.onShow?.();
  for (const button of document.querySelectorAll(".nav-item")) {
    button.toggleAttribute("aria-current", button.dataset.pane === id);
    if (button.dataset.pane === id) button.setAttribute("aria-current", "page");
  }
  if (location.hash !== `#${id}`) history.replaceState(null, "", `#${id}`);
}
on("navigate", navigate);

function buildNav() {
  const nav = document.getElementById("nav");
  const main = document.getElementById("main");
  PANES.forEach((spec, index) => {
    const pane = spec.make();
    pane.el.hidden = true;
    pane.el.id = `pane-${spec.id}`;
    main.append(pane.el);
    panes.set(spec.id, pane);
    if (spec.id === "logs") nav.append(h("li", { class: "sep", role: "presentation" }));
    const count = h("span", { class: "count", id: `count-${spec.id}` });
    nav.append(h("li", {}, h("button", {
      type: "button", class: "nav-item", dataset: { pane: spec.id },
      title: `${spec.label} (Alt+${index + 1})`, onclick: () => navigate(spec.id),
    }, h("span", { class: "nav-icon", "aria-hidden": "true" }, spec.icon), spec.label, count)));
  });
}

export function setCount(id, text, alert = false) {
  const el = document.getElementById(`count-${id}`);
  if (!el) return;
  el.textContent = text ?? "";
  el.classList.toggle("alert", alert);
}
on("count", ({ id, text, alert }) => setCount(id, text, alert));

function keyboard() {
  document.addEventListener("keydown", (event) => {
    if (event.altKey && !event.ctrlKey && !event.metaKey && /^[1-9]$/.test(event.key)) {
      const spec = PANES[Number(event.key) - 1];
      if (spec) { event.preventDefault(); navigate(spec.id); panes.get(spec.id).el.querySelector("input, button, select, textarea")?.focus(); }
    } else if (event.altKey && (event.key === "r" || event.key === "R")) {
      event.preventDefault();
      document.getElementById("restart-button").click();
    } else if (event.key === "/" && !isTyping(event.target)) {
      event.preventDefault();
      current?.search?.();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (current?.submit) { event.preventDefault(); current.submit(); }
    }
  });
}

function isTyping(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target?.isContentEditable;
}

// ---- events from the backend -------------------------------------------------------------

function onEvent(event) {
  switch (event.type) {
    case "status": {
      const before = state.status;
      state.status = event;
      emit("status", { status: event, before });
      if (event.state === "connected" && (before.state !== "connected" || before.epoch !== event.epoch)) emit("connected", event);
      break;
    }
    case "message": keep(state.messages, event); emit("message", event); break;
    case "http": keep(state.http, event); emit("http", event); break;
    case "stderr": keep(state.stderr, event); emit("stderr", event); break;
    case "log": keep(state.logs, event); emit("log", event); break;
    case "progress": emit("progress", event); break;
    case "notification": emit("notification", event); emit(event.method, event); break;
    case "request":
      state.requests.set(event.id, { ...event, outcome: null, receivedAt: event.time });
      emit("request", event);
      countRequests();
      break;
    case "request_done": {
      const request = state.requests.get(event.id);
      if (request) request.outcome = event.outcome;
      emit("request_done", event);
      countRequests();
      break;
    }
    case "roots_listed": emit("roots_listed", event); break;
    case "changed": emit("changed", event); break;
    case "build": emit("build", event); break;
    case "oauth": emit("oauth", event); break;
    case "lagged": console.warn(`the event stream skipped ${event.missed} events`); break;
    default: console.debug("unknown event", event);
  }
}

function countRequests() {
  const pending = pendingRequests();
  setCount("requests", pending ? String(pending) : "", pending > 0);
}

async function boot() {
  buildNav();
  keyboard();
  connection.mountTopbar();
  if (!api.loadToken()) {
    clear(document.getElementById("main"), h("div", { class: "card body" },
      h("h1", {}, "This page needs its token"),
      h("p", {}, "Open the full URL that mcp dev printed: it ends with #token=… and is different on every run.")));
    return;
  }
  const initial = await api.get("state").catch((e) => ({ error: e }));
  if (initial.error) {
    connection.showBanner("bad", `The inspector refused this page: ${initial.error.message}. Open the URL mcp dev printed.`);
    return;
  }
  state.target = initial.target;
  state.sandboxOrigin = initial.sandboxOrigin;
  state.versions = initial.versions;
  state.options = initial.options;
  state.roots = initial.roots || [];
  emit("init", initial);
  const wanted = location.hash.slice(1);
  navigate(panes.has(wanted) ? wanted : "tools");
  api.follow(onEvent, (s) => emit("stream", s));
}

boot();

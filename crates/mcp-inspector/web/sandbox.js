// The MCP Apps sandbox proxy. It lives on its own origin, framed by the inspector page only
// (frame-ancestors), and renders the view it is sent in an inner frame without
// allow-same-origin, under this page's Content-Security-Policy. It passes JSON-RPC messages
// between the page and the view, except its own ui/notifications/sandbox-* messages.
"use strict";

const hostOrigins = (document.querySelector('meta[name="mcp-host-origins"]').content || "").split(/\s+/).filter(Boolean);
let hostOrigin = null;
let view = null;

function toHost(message) {
  if (hostOrigin) window.parent.postMessage(message, hostOrigin);
  else for (const origin of hostOrigins) window.parent.postMessage(message, origin);
}

window.addEventListener("message", (event) => {
  const message = event.data;
  if (!message || message.jsonrpc !== "2.0") return;
  if (event.source === window.parent) {
    if (!hostOrigins.includes(event.origin)) return;
    hostOrigin = event.origin;
    if (message.method === "ui/notifications/sandbox-resource-ready") {
      if (view) view.remove();
      view = document.createElement("iframe");
      view.setAttribute("sandbox", (message.params && message.params.sandbox) || "allow-scripts");
      view.setAttribute("title", "MCP App view");
      view.srcdoc = (message.params && message.params.html) || "";
      document.body.append(view);
    } else if (typeof message.method !== "string" || !message.method.startsWith("ui/notifications/sandbox-")) {
      if (view && view.contentWindow) view.contentWindow.postMessage(message, "*");
    }
  } else if (view && event.source === view.contentWindow) {
    if (typeof message.method === "string" && message.method.startsWith("ui/notifications/sandbox-")) return;
    toHost(message);
  }
});

toHost({ jsonrpc: "2.0", method: "ui/notifications/sandbox-proxy-ready", params: {} });

// The backend's API (docs/inspector-api.md): JSON requests and one event stream, every one
// with the token as a bearer credential. The token comes from the URL's fragment, which the
// browser never sends; it is kept in sessionStorage so a reload still works.

const KEY = "mcp-dev-token";
let token = null;

export function loadToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get("token");
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    history.replaceState(null, "", location.pathname + location.search);
  }
  token = fromUrl || sessionStorage.getItem(KEY);
  return !!token;
}

function headers(extra = {}) {
  return { Authorization: `Bearer ${token}`, ...extra };
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function parse(response) {
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    const message = body?.error?.message || text || `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body;
}

export async function get(path) {
  return parse(await fetch(`/api/${path}`, { headers: headers(), cache: "no-store" }));
}

export async function post(path, body = {}) {
  return parse(await fetch(`/api/${path}`, {
    method: "POST",
    headers: headers({ "Content-Type": "application/json" }),
    body: JSON.stringify(body),
    cache: "no-store",
  }));
}

let callCounter = 0;
export function newCallId() {
  callCounter += 1;
  return `call-${Date.now().toString(36)}-${callCounter}`;
}

// An MCP request to the server: resolves to {result} or {error} (a JSON-RPC error).
export function request(method, params = {}, options = {}) {
  return post("request", { method, params, ...options });
}

// Follows the event stream, calling onEvent for each event; reconnects after a break.
export async function follow(onEvent, onState) {
  let delay = 500;
  for (;;) {
    try {
      const response = await fetch("/api/events", { headers: headers(), cache: "no-store" });
      if (!response.ok) throw new ApiError(response.status, await response.text());
      onState("open");
      delay = 500;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = chunk.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          if (data) {
            try { onEvent(JSON.parse(data)); } catch (e) { console.error("bad event", e, data); }
          }
        }
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { onState("unauthorized"); return; }
    }
    onState("closed");
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5000);
  }
}

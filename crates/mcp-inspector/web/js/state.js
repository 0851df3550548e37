// What the page knows, and a small event bus the panes listen on.

const LIMIT = 5000;

export const state = {
  // Events older than this were replayed from the backend's history when the page loaded.
  bootTime: Date.now(),
  target: { description: "", transport: "" },
  sandboxOrigin: null,
  versions: [],
  options: { protocolVersion: "auto", connectTimeoutMs: 30000, requestTimeoutMs: 60000 },
  resetTimeoutOnProgress: false,
  status: { state: "disconnected", epoch: 0, detail: null, server: null, pid: null },
  roots: [],
  requests: new Map(),
  logs: [],
  stderr: [],
  messages: [],
  http: [],
};

const listeners = new Map();

export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}

export function emit(type, payload) {
  for (const fn of listeners.get(type) || []) {
    try { fn(payload); } catch (e) { console.error(`listener of ${type} failed`, e); }
  }
}

// Appends to a bounded list.
export function keep(list, item) {
  list.push(item);
  if (list.length > LIMIT) list.splice(0, list.length - LIMIT);
}

export function connected() {
  return state.status.state === "connected";
}

export function stateless() {
  return !!state.status.server?.stateless;
}

export function capabilities() {
  return state.status.server?.capabilities || {};
}

export function pendingRequests() {
  return [...state.requests.values()].filter((r) => !r.outcome).length;
}

// Whether an event happened while this page was open (not replayed from the history).
export function live(event) {
  return (event.time || 0) >= state.bootTime;
}

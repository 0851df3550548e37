// What the server asks of the client, answered by hand: sampling (edit the model's reply and
// send it, or refuse), elicitation in form mode (a form from the requested schema) and URL mode
// — in the handshake era as requests of the server, in the stateless era as the input_required
// rounds of a call. And the Roots pane: the list the inspector answers roots/list with.

import * as api from "./api.js";
import { h, clear, badge, time, jsonView } from "./dom.js";
import { state, on, emit, stateless, live } from "./state.js";
import { schemaForm } from "./schema-form.js";
import { contentBlock } from "./content.js";
import { showBanner } from "./connection.js";

const USER_REJECTED = -1;

function eraBadge(era) {
  return era === "input_required"
    ? badge("input_required round · 2026-07-28", "accent", "The server answered a call with resultType input_required; the call is retried with this answer")
    : badge("server request · handshake era", "info", "The server sent this request on the session");
}

function outcomeBadge(outcome) {
  if (!outcome) return badge("waiting for you", "warn");
  return outcome === "answered" ? badge("answered", "ok") : badge("withdrawn by the server", "bad");
}

async function answer(id, body, card) {
  const result = await api.post("answer", { id, ...body }).catch((e) => ({ error: e }));
  if (result.error) {
    card.querySelector(".answer-error").textContent = result.error.message;
  }
}

function samplingBody(request, card) {
  const p = request.params;
  const messages = h("div", { class: "messages" }, (p.messages || []).map((m) => h("div", { class: `message ${m.role}` }, h("div", { class: "role" }, m.role),
    Array.isArray(m.content) ? m.content.map(contentBlock) : contentBlock(m.content))));
  const model = h("input", { type: "text", id: `sampling-model-${request.id}`, value: "mcp-dev-inspector" });
  const text = h("textarea", { id: `sampling-reply-${request.id}`, rows: 4, name: "sampling-reply" });
  const last = (p.messages || []).at(-1);
  text.value = last?.content?.text ? `You asked: "${last.content.text}". Here is a reply written in the inspector.` : "";
  const stop = h("select", { id: `sampling-stop-${request.id}` }, ["endTurn", "maxTokens", "stopSequence"].map((s) => h("option", { value: s }, s)));
  const send = () => answer(request.id, { result: { role: "assistant", content: { type: "text", text: text.value }, model: model.value, stopReason: stop.value } }, card);
  const reject = () => answer(request.id, { error: { code: USER_REJECTED, message: "The user rejected the sampling request" } }, card);
  return [
    h("dl", { class: "meta-grid" },
      p.systemPrompt ? [h("dt", {}, "System prompt"), h("dd", {}, p.systemPrompt)] : null,
      h("dt", {}, "Max tokens"), h("dd", {}, String(p.maxTokens)),
      p.temperature !== undefined ? [h("dt", {}, "Temperature"), h("dd", {}, String(p.temperature))] : null,
      p.includeContext ? [h("dt", {}, "Include context"), h("dd", {}, p.includeContext)] : null,
      p.modelPreferences ? [h("dt", {}, "Model preferences"), h("dd", {}, jsonView(p.modelPreferences))] : null),
    messages,
    h("div", { class: "field" }, h("label", { for: text.id }, "Your reply, as the model"), text),
    h("div", { class: "row actions" },
      h("label", { for: model.id, class: "hint" }, "Model"), model,
      h("label", { for: stop.id, class: "hint" }, "Stop reason"), stop),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "primary answer", dataset: { action: "send" }, onclick: send }, "Send reply"),
      h("button", { type: "button", class: "danger answer", dataset: { action: "reject" }, onclick: reject }, "Reject")),
  ];
}

function elicitationBody(request, card) {
  const p = request.params;
  const decline = () => answer(request.id, { result: { action: "decline" } }, card);
  const cancel = () => answer(request.id, { result: { action: "cancel" } }, card);
  if (p.mode === "url") {
    const open = () => { window.open(p.url, "_blank", "noopener"); answer(request.id, { result: { action: "accept" } }, card); };
    return [
      h("p", {}, p.message),
      h("dl", { class: "meta-grid" }, h("dt", {}, "URL"), h("dd", {}, h("a", { href: p.url, target: "_blank", rel: "noopener noreferrer", class: "mono" }, p.url)),
        p.elicitationId ? [h("dt", {}, "Elicitation id"), h("dd", { class: "mono" }, p.elicitationId)] : null),
      h("p", { class: "hint" }, `The page is on ${safeHost(p.url)}. Accepting opens it in a new tab.`),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary answer", dataset: { action: "accept" }, onclick: open }, "Open and accept"),
        h("button", { type: "button", class: "answer", dataset: { action: "decline" }, onclick: decline }, "Decline"),
        h("button", { type: "button", class: "ghost answer", dataset: { action: "cancel" }, onclick: cancel }, "Cancel")),
    ];
  }
  const form = schemaForm(p.requestedSchema, { idPrefix: `elicit-${request.id}` });
  const accept = () => {
    const read = form.read();
    if (read.ok) answer(request.id, { result: { action: "accept", content: read.value } }, card);
  };
  return [
    h("p", {}, p.message),
    form.el,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "primary answer", dataset: { action: "accept" }, onclick: accept }, "Accept"),
      h("button", { type: "button", class: "answer", dataset: { action: "decline" }, onclick: decline }, "Decline"),
      h("button", { type: "button", class: "ghost answer", dataset: { action: "cancel" }, onclick: cancel }, "Cancel")),
  ];
}

function safeHost(url) {
  try { return new URL(url).host; } catch { return "an unparseable URL"; }
}

export function createPane() {
  const list = h("div", { class: "history scroll grow", id: "request-list" });
  const empty = h("div", { class: "card body empty" }, "No requests from the server yet. The demo's ask_model, plan_party and link_account tools make some.");
  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Requests from the server"), h("span", { class: "spacer" }),
      h("span", { class: "hint" }, "Sampling and elicitation, answered by you")),
    empty, list);
  const cards = new Map();

  on("request", (request) => {
    empty.hidden = true;
    const card = h("section", { class: "card request-card", id: `request-${request.id}`, dataset: { kind: request.kind, era: request.era } });
    const outcome = h("span", { class: "outcome" }, outcomeBadge(null));
    const body = h("div", { class: "body form" },
      request.kind === "sampling" ? samplingBody(request, card) : request.kind === "elicitation" ? elicitationBody(request, card) : jsonView(request.params),
      h("span", { class: "error answer-error", role: "alert" }));
    card.append(h("header", {}, badge(request.kind, "warn"), eraBadge(request.era), h("span", { class: "hint" }, time(request.time)), h("span", { class: "spacer" }), outcome), body);
    cards.set(request.id, { card, outcome });
    list.prepend(card);
    if (live(request) && !request.outcome) showBanner("warn", `The server asks for ${request.kind === "sampling" ? "a model reply (sampling)" : "your input (elicitation)"}.`, {
      action: h("button", { type: "button", class: "primary small", onclick: () => { emit("navigate", "requests"); card.querySelector("textarea, input, button.answer")?.focus(); } }, "Answer it"),
    });
  });

  on("request_done", ({ id, outcome }) => {
    const entry = cards.get(id);
    if (!entry) return;
    entry.card.classList.add("done");
    clear(entry.outcome, outcomeBadge(outcome));
    entry.card.querySelectorAll("button.answer, input, textarea, select").forEach((b) => b.setAttribute("disabled", ""));
  });

  return { el };
}

export function createRootsPane() {
  const rows = h("div", { class: "list-editor", id: "roots-list" });
  const note = h("p", { class: "hint", id: "roots-note" }, "The server has not asked for the roots yet.");
  const result = h("span", { class: "hint", id: "roots-result" });

  const addRow = (root = { uri: "file:///", name: "" }) => {
    const uri = h("input", { type: "text", value: root.uri, "aria-label": "Root URI", class: "root-uri" });
    const name = h("input", { type: "text", value: root.name || "", "aria-label": "Root name", placeholder: "name (optional)", class: "root-name" });
    const row = h("div", { class: "row" }, uri, name, h("button", { type: "button", class: "ghost small", "aria-label": "Remove root", onclick: () => row.remove() }, "✕"));
    rows.append(row);
  };
  const current = () => [...rows.querySelectorAll(".row")].map((r) => {
    const uri = r.querySelector(".root-uri").value.trim();
    const name = r.querySelector(".root-name").value.trim();
    return name ? { uri, name } : { uri };
  }).filter((r) => r.uri);
  const save = async (notify) => {
    const roots = current();
    const answer = await api.post("roots", { roots, notify }).catch((e) => ({ error: e }));
    state.roots = roots;
    result.textContent = answer.error ? `Failed: ${answer.error.message}`
      : answer.notified ? `Saved ${roots.length} root(s) and sent notifications/roots/list_changed.`
        : notify && stateless() ? `Saved ${roots.length} root(s). ${answer.reason}.` : `Saved ${roots.length} root(s).`;
  };

  const el = h("section", { class: "pane" },
    h("div", { class: "pane-head" }, h("h1", {}, "Roots")),
    h("section", { class: "card" }, h("header", {}, h("h2", {}, "The roots the inspector offers")),
      h("div", { class: "body form" },
        h("p", { class: "hint" }, "The server asks for these with roots/list (a request of the server after a handshake, an input_required round in 2026-07-28)."),
        rows,
        h("div", { class: "actions" },
          h("button", { type: "button", id: "roots-add", onclick: () => addRow() }, "+ Add root"),
          h("span", { class: "spacer" }),
          h("button", { type: "button", id: "save-roots", onclick: () => save(false) }, "Save"),
          h("button", { type: "button", class: "primary", id: "notify-roots", onclick: () => save(true) }, "Save and send list_changed")),
        result, note)));

  on("init", () => { rows.replaceChildren(); state.roots.forEach(addRow); });
  on("roots_listed", (event) => {
    note.textContent = `The server asked for the roots at ${time(event.time)} and got ${event.roots.length}.`;
  });
  return { el };
}

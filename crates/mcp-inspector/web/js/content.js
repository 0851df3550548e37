// Rendering what servers send: content blocks of tool results and prompt messages, and
// resource contents previewed by MIME type. Images and audio are shown from data: URLs;
// HTML is shown as source (an MCP App view renders in the sandbox instead).

import { h, jsonView, markdown, badge, bytesLabel, copy } from "./dom.js";
import { validate } from "./schema-form.js";
import { emit } from "./state.js";

function base64Size(data) {
  return Math.floor((data || "").length * 3 / 4);
}

function decodeBase64Text(data) {
  try {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch { return null; }
}

function annotationBadges(annotations) {
  if (!annotations) return null;
  return [
    annotations.audience ? badge(`for ${annotations.audience.join(", ")}`, "info") : null,
    annotations.priority !== undefined ? badge(`priority ${annotations.priority}`) : null,
  ];
}

// A text that is JSON is shown as JSON.
function textView(text) {
  const trimmed = text.trim();
  if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && trimmed.length < 500000) {
    try { return jsonView(JSON.parse(trimmed)); } catch { /* plain text */ }
  }
  return h("pre", { class: "text" }, text);
}

// Resource contents (`{uri, mimeType, text | blob}`), previewed by MIME type.
export function resourceContents(contents) {
  const mime = (contents.mimeType || "").toLowerCase();
  const essence = mime.split(";")[0].trim();
  const header = h("div", { class: "kind" }, "resource", h("span", { class: "mono" }, contents.uri), mime ? badge(mime, "mime") : null);
  let body;
  if (contents.text !== undefined) {
    if (essence === "application/json" || essence.endsWith("+json")) {
      try { body = jsonView(JSON.parse(contents.text)); } catch { body = h("pre", { class: "text" }, contents.text); }
    } else if (essence === "text/markdown") {
      body = markdown(contents.text);
    } else if (essence === "image/svg+xml") {
      body = h("img", { src: `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(contents.text)))}`, alt: contents.uri });
    } else if (essence === "text/html" && mime.includes("profile=mcp-app")) {
      body = [h("p", { class: "hint" }, "An MCP App view: it renders in a sandbox when a tool whose _meta.ui.resourceUri names it is called."), h("pre", { class: "text" }, contents.text)];
    } else {
      body = h("pre", { class: "text" }, contents.text);
    }
  } else if (contents.blob !== undefined) {
    const size = bytesLabel(base64Size(contents.blob));
    const url = `data:${essence || "application/octet-stream"};base64,${contents.blob}`;
    if (essence.startsWith("image/")) body = h("img", { src: url, alt: contents.uri });
    else if (essence.startsWith("audio/")) body = h("audio", { controls: true, src: url });
    else if (essence.startsWith("video/")) body = h("video", { controls: true, src: url, width: 360 });
    else if (essence.startsWith("text/") || essence === "application/json") body = h("pre", { class: "text" }, decodeBase64Text(contents.blob) ?? "(not UTF-8)");
    else body = h("p", { class: "hint" }, `${size} of ${essence || "binary data"}`);
    header.append(badge(size));
    body = [body, h("a", { href: url, download: contents.uri.split("/").pop() || "resource", class: "hint" }, "Download")];
  } else {
    body = jsonView(contents);
  }
  return h("div", { class: "block" }, header, body);
}

// One content block.
export function contentBlock(block) {
  switch (block.type) {
    case "text":
      return h("div", { class: "block", dataset: { kind: "text" } }, h("div", { class: "kind" }, "text", annotationBadges(block.annotations)), textView(block.text));
    case "image":
      return h("div", { class: "block", dataset: { kind: "image" } }, h("div", { class: "kind" }, "image", badge(block.mimeType, "mime"), badge(bytesLabel(base64Size(block.data))), annotationBadges(block.annotations)),
        h("img", { src: `data:${block.mimeType};base64,${block.data}`, alt: "image from the server" }));
    case "audio":
      return h("div", { class: "block", dataset: { kind: "audio" } }, h("div", { class: "kind" }, "audio", badge(block.mimeType, "mime"), badge(bytesLabel(base64Size(block.data)))),
        h("audio", { controls: true, src: `data:${block.mimeType};base64,${block.data}` }));
    case "resource": {
      const el = resourceContents(block.resource);
      el.dataset.kind = "resource";
      el.querySelector(".kind").prepend("embedded ");
      return el;
    }
    case "resource_link":
      return h("div", { class: "block", dataset: { kind: "resource_link" } },
        h("div", { class: "kind" }, "resource link", block.mimeType ? badge(block.mimeType, "mime") : null),
        h("div", { class: "row" },
          h("span", { class: "mono" }, block.uri), " ",
          block.description ? h("span", { class: "hint" }, `— ${block.description}`) : null, " ",
          h("button", { type: "button", class: "small", onclick: () => emit("open-resource", block.uri) }, "Read it")));
    default:
      return h("div", { class: "block" }, h("div", { class: "kind" }, block.type || "unknown"), jsonView(block));
  }
}

// A tool result: isError, content blocks, structured content checked against the output
// schema, `_meta`.
export function toolResult(result, { outputSchema, title, took } = {}) {
  const error = !!result.isError;
  const structured = result.structuredContent !== undefined ? JSON.stringify(result.structuredContent) : null;
  // Servers repeat structured content as JSON text for older clients: shown folded.
  const sameAsStructured = (block) => {
    if (block.type !== "text" || structured === null) return false;
    try { return JSON.stringify(JSON.parse(block.text)) === structured; } catch { return false; }
  };
  const blocks = (result.content || []).map((block) => sameAsStructured(block)
    ? h("details", { class: "block same-as", dataset: { kind: "text" } }, h("summary", {}, "text: the structured content as JSON"), h("pre", { class: "text" }, block.text))
    : contentBlock(block));
  const parts = [];
  let check = null;
  if (result.structuredContent !== undefined) {
    if (outputSchema) {
      const problems = validate(outputSchema, result.structuredContent);
      check = problems.length
        ? badge(`doesn't match the output schema: ${problems.map((p) => `${p.path} ${p.message}`).join("; ")}`, "bad")
        : badge("matches the output schema", "ok");
    }
    parts.push(h("div", { class: "block", dataset: { kind: "structured" } }, h("div", { class: "kind" }, "structured content", check), jsonView(result.structuredContent)));
  } else if (outputSchema && !error) {
    parts.push(h("div", { class: "block" }, badge("no structuredContent although the tool has an output schema", "bad")));
  }
  const raw = JSON.stringify(result, null, 2);
  const copyButton = h("button", { type: "button", class: "ghost small", onclick: () => copy(raw, copyButton) }, "Copy JSON");
  return h("section", { class: `result${error ? " error" : ""}`, dataset: { error: String(error) } },
    h("header", {}, error ? badge("isError", "bad") : badge("ok", "ok"), h("strong", {}, title || "Result"),
      took !== undefined ? h("span", { class: "hint" }, `${took.toFixed(0)} ms`) : null, h("span", { class: "spacer" }), copyButton),
    h("div", { class: "blocks" }, blocks.length ? blocks : h("p", { class: "hint" }, "No content."), parts,
      result._meta ? h("details", {}, h("summary", { class: "hint" }, "_meta"), jsonView(result._meta)) : null));
}

// A JSON-RPC error answer.
export function errorResult(error, title) {
  return h("section", { class: "result error", dataset: { error: "true" } },
    h("header", {}, badge(`error ${error.code ?? ""}`, "bad"), h("strong", {}, title || "Error")),
    h("div", { class: "blocks" }, h("pre", { class: "text" }, error.message || "error"), error.data !== undefined ? jsonView(error.data) : null));
}

// A prompt's messages, as a conversation.
export function promptMessages(result) {
  return h("div", { class: "messages" },
    result.description ? h("p", { class: "hint" }, result.description) : null,
    (result.messages || []).map((m) => h("div", { class: `message ${m.role}` }, h("div", { class: "role" }, m.role),
      Array.isArray(m.content) ? m.content.map(contentBlock) : contentBlock(m.content))));
}

// DOM helpers: elements are built with h(), never from HTML strings, so text from the server
// can never become markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value") el.value = value;
    else if (key === "checked") el.checked = !!value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function time(ms) {
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// A JSON value as highlighted, indented text.
export function jsonView(value, attrs = {}) {
  const pre = h("pre", { class: "json", ...attrs });
  const walk = (v, indent) => {
    if (v === null) return pre.append(h("span", { class: "z" }, "null"));
    if (Array.isArray(v)) {
      if (v.length === 0) return pre.append("[]");
      pre.append("[\n");
      v.forEach((item, i) => {
        pre.append(" ".repeat(indent + 2));
        walk(item, indent + 2);
        pre.append(i < v.length - 1 ? ",\n" : "\n");
      });
      return pre.append(" ".repeat(indent) + "]");
    }
    if (typeof v === "object") {
      const keys = Object.keys(v);
      if (keys.length === 0) return pre.append("{}");
      pre.append("{\n");
      keys.forEach((k, i) => {
        pre.append(" ".repeat(indent + 2), h("span", { class: "k" }, JSON.stringify(k)), ": ");
        walk(v[k], indent + 2);
        pre.append(i < keys.length - 1 ? ",\n" : "\n");
      });
      return pre.append(" ".repeat(indent) + "}");
    }
    const cls = typeof v === "string" ? "s" : typeof v === "number" ? "n" : "b";
    pre.append(h("span", { class: cls }, JSON.stringify(v)));
  };
  walk(value, 0);
  return pre;
}

export async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    if (button) flash(button, "Copied");
  } catch {
    if (button) flash(button, "Copy failed");
  }
}

export function flash(button, label) {
  const before = button.textContent;
  button.textContent = label;
  setTimeout(() => (button.textContent = before), 1200);
}

export function badge(text, kind = "", title) {
  return h("span", { class: `badge ${kind}`, title }, text);
}

// A tiny Markdown renderer (headings, lists, code, bold, italics, links as text) built from
// elements: enough to preview a README without ever parsing HTML.
export function markdown(text) {
  const root = h("div", { class: "markdown" });
  let list = null;
  let code = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) {
      if (code) { root.append(code); code = null; } else { code = h("pre", { class: "text" }); }
      continue;
    }
    if (code) { code.append(line + "\n"); continue; }
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (!item) list = null;
    if (heading) root.append(h(`h${heading[1].length}`, {}, inline(heading[2])));
    else if (item) {
      if (!list) { list = h("ul"); root.append(list); }
      list.append(h("li", {}, inline(item[1])));
    } else if (line.trim()) root.append(h("p", {}, inline(line)));
  }
  if (code) root.append(code);
  return root;
}

function inline(text) {
  const parts = [];
  const re = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*]+\*)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(text.slice(last, m.index));
    const t = m[0];
    if (t.startsWith("**")) parts.push(h("strong", {}, t.slice(2, -2)));
    else if (t.startsWith("`")) parts.push(h("code", {}, t.slice(1, -1)));
    else parts.push(h("em", {}, t.slice(1, -1)));
    last = m.index + t.length;
  }
  parts.push(text.slice(last));
  return parts;
}

export function bytesLabel(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

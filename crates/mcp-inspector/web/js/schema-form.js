// Forms generated from JSON Schemas (tool inputs, elicitation requests), and the checks they
// share with result validation: strings with bounds, patterns and formats, enums and oneOf
// constants with titles, bounded numbers and integers, booleans, arrays of choices, arrays of
// simple values, nested objects, nullable fields, defaults, required marks. Anything else is
// raw JSON, parsed and checked against its schema as it is typed.

import { h, clear } from "./dom.js";

let fieldCounter = 0;
const nextId = (base) => `${base}-${++fieldCounter}`;

// ---- validation -----------------------------------------------------------------------------

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected, value) {
  const actual = typeOf(value);
  return expected === actual || (expected === "number" && actual === "integer");
}

const FORMATS = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/,
};

// Checks `value` against `schema`; a list of problems, each `{path, message}`.
export function validate(schema, value, path = "") {
  const problems = [];
  const fail = (message) => problems.push({ path: path || "(value)", message });
  if (schema === true || schema === undefined || schema === null) return problems;
  if (schema === false) { fail("no value is allowed here"); return problems; }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, value))) {
      fail(`expected ${types.join(" or ")}, got ${typeOf(value)}`);
      return problems;
    }
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) fail(`must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) fail(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail(`at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`at most ${schema.maxLength} characters`);
    if (schema.pattern) { try { if (!new RegExp(schema.pattern, "u").test(value)) fail(`must match ${schema.pattern}`); } catch { /* an invalid pattern checks nothing */ } }
    if (schema.format && FORMATS[schema.format] && !FORMATS[schema.format].test(value)) fail(`not a valid ${schema.format}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`at most ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) fail(`more than ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) fail(`less than ${schema.exclusiveMaximum}`);
    if (schema.multipleOf && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9) fail(`a multiple of ${schema.multipleOf}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`at most ${schema.maxItems} items`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) fail("items must be unique");
    if (schema.items && typeof schema.items === "object") value.forEach((item, i) => problems.push(...validate(schema.items, item, `${path}[${i}]`)));
  }
  if (typeOf(value) === "object") {
    for (const key of schema.required || []) if (!(key in value)) problems.push({ path: path ? `${path}.${key}` : key, message: "is required" });
    const props = schema.properties || {};
    for (const [key, item] of Object.entries(value)) {
      const sub = path ? `${path}.${key}` : key;
      if (key in props) problems.push(...validate(props[key], item, sub));
      else if (schema.additionalProperties === false) problems.push({ path: sub, message: "is not allowed" });
      else if (typeof schema.additionalProperties === "object") problems.push(...validate(schema.additionalProperties, item, sub));
    }
  }
  if (schema.allOf) for (const s of schema.allOf) problems.push(...validate(s, value, path));
  if (schema.anyOf && !schema.anyOf.some((s) => validate(s, value, path).length === 0)) fail("matches none of the allowed shapes (anyOf)");
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((s) => validate(s, value, path).length === 0).length;
    if (matching !== 1) fail(matching === 0 ? "matches none of the allowed shapes (oneOf)" : "matches more than one shape (oneOf)");
  }
  return problems;
}

// ---- what kind of field a schema is ---------------------------------------------------------

// The schema without its null alternative, and whether null is allowed.
function unwrapNullable(schema) {
  if (!schema || typeof schema !== "object") return { schema, nullable: false };
  if (Array.isArray(schema.type) && schema.type.includes("null")) {
    const rest = schema.type.filter((t) => t !== "null");
    return { schema: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  for (const key of ["anyOf", "oneOf"]) {
    const options = schema[key];
    if (Array.isArray(options) && options.length === 2 && options.some((o) => o.type === "null")) {
      const other = options.find((o) => o.type !== "null");
      const { [key]: _, ...rest } = schema;
      return { schema: { ...rest, ...other }, nullable: true };
    }
  }
  return { schema, nullable: false };
}

// Choices of a string field: `enum` (with legacy `enumNames`), or oneOf/anyOf of consts.
function choicesOf(schema) {
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((value, i) => ({ value, title: schema.enumNames?.[i] ?? String(value), description: null }));
  }
  const options = schema.oneOf || schema.anyOf;
  if (Array.isArray(options) && options.length && options.every((o) => o && o.const !== undefined)) {
    return options.map((o) => ({ value: o.const, title: o.title ?? String(o.const), description: o.description ?? null }));
  }
  return null;
}

function kindOf(schema) {
  if (!schema || typeof schema !== "object") return "json";
  if (choicesOf(schema)) return "choice";
  const type = schema.type;
  if (type === "string") return "string";
  if (type === "integer" || type === "number") return "number";
  if (type === "boolean") return "boolean";
  if (type === "object" && schema.properties && Object.keys(schema.properties).length) return "object";
  if (type === "array" && schema.items && typeof schema.items === "object") {
    if (choicesOf(schema.items)) return "multi";
    if (["string", "number", "integer"].includes(schema.items.type) && !choicesOf(schema.items)) return "list";
  }
  return "json";
}

function typeLabel(schema) {
  const { schema: inner, nullable } = unwrapNullable(schema);
  let label = Array.isArray(inner?.type) ? inner.type.join(" | ") : inner?.type || "any";
  if (inner?.format) label += ` (${inner.format})`;
  if (label === "array" && inner.items?.type) label = `${inner.items.type}[]`;
  return nullable ? `${label} | null` : label;
}

function constraints(schema) {
  const parts = [];
  if (schema.minLength !== undefined || schema.maxLength !== undefined) parts.push(`${schema.minLength ?? 0}–${schema.maxLength ?? "∞"} characters`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? "−∞"} to ${schema.maximum ?? "∞"}`);
  if (schema.pattern) parts.push(`pattern ${schema.pattern}`);
  return parts.join(", ");
}

// ---- fields ---------------------------------------------------------------------------------

// A field for `schema`; `{el, get(), set(v), focus()}` where get() gives `{value, missing}`.
function field(name, rawSchema, { required, initial, rel, idPrefix, onChange }) {
  const { schema, nullable } = unwrapNullable(rawSchema || {});
  const kind = kindOf(schema);
  const path = `${idPrefix}.${rel}`;
  const id = nextId(`f-${path.replace(/[^a-zA-Z0-9_-]/g, "_")}`);
  const error = h("span", { class: "error", role: "alert" });
  const help = [schema.description || rawSchema?.description, constraints(schema)].filter(Boolean).join(" · ");
  const label = h("label", { for: id }, schema.title || rawSchema?.title || name,
    required ? h("span", { class: "req", title: "required", "aria-label": "required" }, "*") : null,
    h("span", { class: "type" }, typeLabel(rawSchema)));
  const start = initial !== undefined ? initial : schema.default;
  let input;
  let get;
  let set;

  if (kind === "choice") {
    const choices = choicesOf(schema);
    input = h("select", { id, name: path },
      required && start === undefined ? null : h("option", { value: "" }, required ? "" : "(none)"),
      choices.map((c, i) => h("option", { value: String(i), title: c.description || "" }, c.title === String(c.value) ? c.title : `${c.title} (${c.value})`)));
    get = () => (input.value === "" ? { missing: true } : { value: choices[Number(input.value)].value });
    set = (v) => { const i = choices.findIndex((c) => JSON.stringify(c.value) === JSON.stringify(v)); input.value = i >= 0 ? String(i) : ""; };
  } else if (kind === "string") {
    const type = { email: "email", uri: "url", date: "date", "date-time": "datetime-local" }[schema.format] || "text";
    const long = (schema.maxLength ?? 0) > 200 || /code|text|body|content|notes|message/i.test(name);
    input = long
      ? h("textarea", { id, name: path, rows: 3, maxlength: schema.maxLength })
      : h("input", { id, name: path, type, minlength: schema.minLength, maxlength: schema.maxLength, pattern: schema.pattern, autocomplete: "off" });
    get = () => (input.value === "" && !required ? { missing: true } : { value: type === "datetime-local" && input.value ? new Date(input.value).toISOString() : input.value });
    set = (v) => (input.value = v ?? "");
  } else if (kind === "number") {
    input = h("input", { id, name: path, type: "number", min: schema.minimum, max: schema.maximum, step: schema.type === "integer" ? 1 : "any" });
    get = () => {
      if (input.value === "") return { missing: true };
      const n = Number(input.value);
      return Number.isNaN(n) ? { value: input.value } : { value: n };
    };
    set = (v) => (input.value = v ?? "");
  } else if (kind === "boolean") {
    input = h("input", { id, name: path, type: "checkbox" });
    get = () => ({ value: input.checked });
    set = (v) => (input.checked = !!v);
  } else if (kind === "multi") {
    const choices = choicesOf(schema.items);
    const boxes = choices.map((c, i) => h("input", { type: "checkbox", id: `${id}-${i}`, value: String(i) }));
    input = h("div", { class: "choices", id, role: "group", "aria-labelledby": `${id}-label` },
      choices.map((c, i) => h("label", { for: `${id}-${i}`, title: c.description || "" }, boxes[i], c.title)));
    get = () => ({ value: boxes.filter((b) => b.checked).map((b) => choices[Number(b.value)].value) });
    set = (v) => boxes.forEach((b) => (b.checked = Array.isArray(v) && v.some((x) => JSON.stringify(x) === JSON.stringify(choices[Number(b.value)].value))));
    label.id = `${id}-label`;
  } else if (kind === "list") {
    const numeric = schema.items.type !== "string";
    const rows = h("div", { class: "list-editor", id });
    const addRow = (v = "") => {
      const item = h("input", { type: numeric ? "number" : "text", value: v, "aria-label": `${name} item` });
      const row = h("div", { class: "row" }, item, h("button", { type: "button", class: "ghost small", "aria-label": "Remove item", onclick: () => { row.remove(); onChange(); } }, "✕"));
      item.addEventListener("input", onChange);
      rows.insertBefore(row, addButton);
    };
    const addButton = h("button", { type: "button", class: "small", onclick: () => addRow() }, "+ Add item");
    rows.append(addButton);
    input = rows;
    get = () => ({ value: [...rows.querySelectorAll("input")].map((i) => i.value).filter((v) => v !== "").map((v) => (numeric ? Number(v) : v)) });
    set = (v) => { rows.querySelectorAll(".row").forEach((r) => r.remove()); (Array.isArray(v) ? v : []).forEach((x) => addRow(x)); };
  } else if (kind === "object") {
    const needed = schema.required || [];
    const keys = [...needed.filter((k) => k in schema.properties), ...Object.keys(schema.properties).filter((k) => !needed.includes(k))];
    const children = keys.map((key) => [key, schema.properties[key]]).map(([key, sub]) =>
      [key, field(key, sub, { required: (schema.required || []).includes(key), initial: start?.[key], rel: `${rel}.${key}`, idPrefix, onChange })]);
    const box = h("fieldset", { id }, h("legend", {}, schema.title || name, required ? h("span", { class: "req" }, "*") : null),
      schema.description ? h("span", { class: "help" }, schema.description) : null, children.map(([, f]) => f.el));
    const api = {
      el: box,
      get() {
        const value = {};
        for (const [key, f] of children) { const got = f.get(); if (!got.missing) value[key] = got.value; }
        return { value };
      },
      set(v) { for (const [key, f] of children) f.set(v?.[key]); },
      focus() { children[0]?.[1].focus(); },
      showError(problems) { for (const [, f] of children) f.showError?.(problems); },
    };
    return api;
  } else {
    input = h("textarea", { id, name: path, rows: 4, spellcheck: "false", placeholder: "JSON" });
    get = () => {
      if (input.value.trim() === "") return { missing: true };
      try { return { value: JSON.parse(input.value) }; } catch (e) { return { invalid: `not JSON: ${e.message}` }; }
    };
    set = (v) => (input.value = v === undefined ? "" : JSON.stringify(v, null, 2));
  }

  let nullBox = null;
  if (nullable) {
    nullBox = h("input", { type: "checkbox", "aria-label": `${name} is null` });
    nullBox.addEventListener("change", () => { input.toggleAttribute("disabled", nullBox.checked); onChange(); });
  }
  input.addEventListener("input", onChange);
  input.addEventListener("change", onChange);
  if (start !== undefined && start !== null) set(start);
  // A null default of an optional field means "leave it out", which an empty field does.
  if (start === null && nullBox && required) { nullBox.checked = true; input.setAttribute("disabled", ""); }

  const el = kind === "boolean"
    ? h("div", { class: "field" }, h("div", { class: "field inline" }, input, label), help ? h("span", { class: "help" }, help) : null, error)
    : h("div", { class: "field" }, label, nullBox ? h("div", { class: "row" }, input, h("label", { class: "null-toggle" }, nullBox, "null")) : input,
      help ? h("span", { class: "help" }, help) : null, error);
  el.dataset.path = path;

  return {
    el,
    get() {
      if (nullBox?.checked) return { value: null };
      return get();
    },
    set(v) {
      if (nullBox) { nullBox.checked = v === null; input.toggleAttribute("disabled", v === null); }
      if (v !== null) set(v);
    },
    focus() { (input.matches("input, select, textarea") ? input : input.querySelector("input, select, textarea"))?.focus(); },
    showError(problems) {
      const mine = problems.filter((p) => p.path === rel || p.path.startsWith(`${rel}[`));
      error.textContent = mine.map((p) => p.message).join("; ");
      const target = input.matches("input, select, textarea") ? input : null;
      target?.setAttribute("aria-invalid", mine.length ? "true" : "false");
    },
    input,
  };
}

// A form for an object schema. `onChange` is called on every edit.
export function schemaForm(schema, { initial, onChange = () => {}, idPrefix = "arg" } = {}) {
  const root = schema && typeof schema === "object" ? schema : {};
  const properties = root.properties || {};
  const required = root.required || [];
  // Required fields first, in the schema's order of `required` (the order they were declared
  // in, where properties may have lost it), then the others.
  const order = [...required.filter((k) => k in properties), ...Object.keys(properties).filter((k) => !required.includes(k))];
  const fields = order.map((key) => [key, properties[key]]).map(([key, sub]) =>
    [key, field(key, sub, { required: required.includes(key), initial: initial?.[key], rel: key, idPrefix, onChange })]);
  // Raw JSON for the whole object: always available, and the only way for an open schema.
  const raw = h("textarea", { rows: 8, spellcheck: "false", class: "raw-json", "aria-label": "Arguments as JSON" });
  const rawError = h("span", { class: "error", role: "alert" });
  const el = h("div", { class: "form" });
  let asJson = fields.length === 0 && root.additionalProperties !== false && Object.keys(properties).length === 0 && schema?.type !== "object";

  const formValue = () => {
    const value = {};
    const invalid = [];
    for (const [key, f] of fields) {
      const got = f.get();
      if (got.invalid) invalid.push({ path: key, message: got.invalid });
      else if (!got.missing) value[key] = got.value;
    }
    return { value, invalid };
  };

  function render() {
    if (asJson) {
      clear(el, h("div", { class: "field" }, raw, rawError));
    } else if (fields.length === 0) {
      clear(el, h("p", { class: "hint" }, "No arguments."));
    } else {
      clear(el, fields.map(([, f]) => f.el));
    }
  }
  raw.addEventListener("input", onChange);
  render();

  return {
    el,
    get asJson() { return asJson; },
    toggleJson() {
      if (!asJson) raw.value = JSON.stringify(formValue().value, null, 2);
      else {
        try { const v = JSON.parse(raw.value || "{}"); for (const [key, f] of fields) f.set(v[key]); } catch { /* keep the form as it was */ }
      }
      asJson = !asJson;
      render();
    },
    // {ok, value, problems}: the value, checked against the schema.
    read() {
      let value;
      let problems = [];
      if (asJson) {
        try { value = raw.value.trim() ? JSON.parse(raw.value) : {}; } catch (e) {
          rawError.textContent = `Not JSON: ${e.message}`;
          return { ok: false, problems: [{ path: "(arguments)", message: e.message }] };
        }
      } else {
        const read = formValue();
        value = read.value;
        problems = read.invalid;
      }
      problems = problems.concat(validate(root, value));
      rawError.textContent = asJson ? problems.map((p) => `${p.path}: ${p.message}`).join("\n") : "";
      for (const [, f] of fields) f.showError?.(problems);
      return { ok: problems.length === 0, value, problems };
    },
    set(value) { for (const [key, f] of fields) f.set(value?.[key]); raw.value = JSON.stringify(value ?? {}, null, 2); },
    focus() { (asJson ? raw : fields[0]?.[1])?.focus?.(); },
  };
}

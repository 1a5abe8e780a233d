// The form's writer: the same bytes as scripts/masterplan/outputs/layout.py, which declares the
// layout (key order, optional keys, free text) and hands it over in layout.json. Only the
// generic rules live here, and tests/test_cms.py runs both writers on the same values.
// No DOM: Node runs this module in the tests.

const PLAIN = /^[A-Za-z](?:[A-Za-z0-9 ._()/-]*[A-Za-z0-9._()/-])?$/;
const RESERVED = new Set(["y", "n", "yes", "no", "on", "off", "true", "false", "null"]);
// A date (review_by, a correction's date) is written bare, as YAML reads a date.
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
// eslint-disable-next-line no-control-regex
const ESCAPE = /[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/g;
const NAMED = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t" };

/** A mapping whose keys are years (targets, actuals): pairs, so a repeated year is kept
 * (and reported by the validator) rather than silently dropped. */
export class YearMap {
  constructor(pairs) {
    this.pairs = pairs;
  }
}

function quoted(text) {
  return '"' + text.replace(ESCAPE, (c) => NAMED[c] ?? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) + '"';
}

// Decimal notation, never an exponent (PyYAML reads 1e-07 as text).
function number(x) {
  if (Number.isInteger(x)) return String(x);
  const s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = m[2] + (m[3] || "");
  const exp = Number(m[4]);
  if (exp < 0) return m[1] + "0." + "0".repeat(-exp - 1) + digits;
  return m[1] + digits.padEnd(exp + 1, "0");
}

export function scalar(value, prose = false) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return number(value);
  // A date the form's YAML reader turned into a Date: the day it names, as written.
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  if (!prose && ((PLAIN.test(text) && !RESERVED.has(text.toLowerCase())) || DATE.test(text))) return text;
  return quoted(text);
}

function isNested(v) {
  return Array.isArray(v) || v instanceof YearMap || (v !== null && typeof v === "object");
}

function entries(v) {
  if (v instanceof YearMap) return v.pairs;
  return Object.entries(v);
}

function find(layout, name) {
  return layout.find((k) => k.name === name);
}

function prose(layout, name) {
  const k = find(layout, name);
  return Boolean(k && k.prose);
}

function empty(v) {
  if (v === "" || v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof YearMap) return v.pairs.length === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}

function keep(key, value) {
  return key.always || !(empty(value) || ("default" in key && value === key.default));
}

// Declared keys in their order (optional ones only when set), then any others as given; a
// mapping without a layout (a year mapping) by year.
function ordered(record, layout) {
  if (!layout || layout.length === 0) {
    return entries(record)
      .map((kv, i) => [kv, i])
      .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]))
      .map(([kv]) => kv);
  }
  const out = [];
  for (const k of layout) {
    if (Object.prototype.hasOwnProperty.call(record, k.name) && keep(k, record[k.name])) {
      out.push([k.name, record[k.name]]);
    }
  }
  for (const [k, v] of Object.entries(record)) {
    if (!find(layout, k)) out.push([k, v]);
  }
  return out;
}

function flow(value, layout) {
  if (Array.isArray(value)) return "[" + value.map((v) => scalar(v)).join(", ") + "]";
  return "{" + ordered(value, layout).map(([k, v]) => `${scalar(k)}: ${scalar(v, prose(layout, k))}`).join(", ") + "}";
}

function children(value) {
  return Array.isArray(value) ? value : entries(value).map(([, v]) => v);
}

function lines(key, value, layout, isProse, indent) {
  const head = `${indent}${scalar(key)}:`;
  if (!isNested(value)) return [`${head} ${scalar(value, isProse)}`];
  if (empty(value) || !children(value).some(isNested)) return [`${head} ${flow(value, layout)}`];
  const inner = indent + "  ";
  if (!Array.isArray(value)) {
    const out = [head];
    for (const [k, v] of ordered(value, layout)) out.push(...lines(k, v, [], prose(layout, k), inner));
    return out;
  }
  return [head, ...itemLines(value, layout, inner)];
}

function itemLines(items, layout, indent) {
  const out = [];
  for (const item of items) {
    if (!isNested(item) || Array.isArray(item) || !children(item).some(isNested)) {
      out.push(`${indent}- ${isNested(item) ? flow(item, layout) : scalar(item)}`);
      continue;
    }
    const block = [];
    for (const [k, v] of ordered(item, layout)) {
      const sub = find(layout, k);
      block.push(...lines(k, v, sub && sub.items ? sub.items : [], prose(layout, k), indent + "  "));
    }
    block[0] = `${indent}- ${block[0].slice(indent.length + 2)}`;
    out.push(...block);
  }
  return out;
}

/** Front matter as YAML text, without the fences (layout.dump). */
export function dump(front, layout) {
  const out = [];
  for (const [k, v] of ordered(front, layout)) {
    const sub = find(layout, k);
    out.push(...lines(k, v, sub && sub.items ? sub.items : [], prose(layout, k), ""));
  }
  return out.map((l) => l + "\n").join("");
}

/** A data file that is a list of records (layout.dump_list). */
export function dumpList(items, layout) {
  return itemLines(items, layout, "").map((l) => l + "\n").join("");
}

/** A whole programme page (layout.page). */
export function page(front, body, layout) {
  return "---\n" + dump(front, layout) + "---\n" + body;
}

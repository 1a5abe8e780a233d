// The validator's rules between fields (masterplan/check/rules.py), run by the form before
// it saves. The table (which field, which kind, the Indonesian words) comes from the engine
// through layout.json; each kind's check below mirrors `_check` in rules.py, and
// tests/test_form_rules.py runs both on the same records. A module of its own so that the
// tests run it in Node.js.

const TEMPLATE_MARKS = ["{{", "{%", "{#"];
const PLACEHOLDER = /\{(=?)([a-z_]+)(?::([a-z-]+))?\}/g;

const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const isMapping = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// Same rule as has_tag() in rules.py: "<" followed by an ASCII letter, "/", "!" or "?".
export function hasTag(text) {
  for (let i = text.indexOf("<"); i !== -1; i = text.indexOf("<", i + 1)) {
    const next = text.charAt(i + 1);
    if (/^[A-Za-z/!?]$/.test(next)) return true;
  }
  return false;
}

// Every [path, value] the dotted parts reach ("*": list items, "#": keys of a year mapping).
function* reach(value, parts, path) {
  if (!parts.length) {
    yield [path, value];
    return;
  }
  const [head, ...rest] = parts;
  if (head === "*") {
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* reach(value[i], rest, [...path, i]);
  } else if (head === "#") {
    if (isMapping(value)) for (const key of Object.keys(value)) yield [[...path, Number(key)], Number(key)];
  } else if (isMapping(value) && head in value) {
    yield* reach(value[head], rest, [...path, head]);
  }
}

function* texts(value, path) {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* texts(value[i], [...path, i]);
  else if (isMapping(value)) for (const [k, v] of Object.entries(value)) yield* texts(v, [...path, k]);
}

// The decree's shape of a code: 1.02.02.02.01.0001 (regional systems) is 1.02.02.2.01.0001.
export function canonicalCode(code) {
  const parts = code.split(".");
  if (parts.length >= 5 && parts[3].length === 2 && parts[3].startsWith("0")) parts[3] = parts[3].slice(1);
  return parts.join(".");
}

// Items of a list that repeat an earlier one in the fields rule.other names.
function* duplicates(rule, items) {
  if (!Array.isArray(items)) return;
  const names = rule.other.split(",");
  const first = new Map();
  for (let i = 0; i < items.length; i++) {
    if (!isMapping(items[i])) continue;
    const values = names.map((name) => (items[i][name] === undefined ? null : items[i][name]));
    const key = JSON.stringify(values);
    if (first.has(key)) {
      const shown = values.filter((v) => v !== null).map(String).join(" ");
      yield { rule, path: [rule.field, i], words: { value: shown, list: rule.field, first: first.get(key) + 1 } };
    } else {
      first.set(key, i);
    }
  }
}

// Lines of a year and source written for the whole year and per quarter (counted twice).
function* wholeAndQuarters(rule, items) {
  if (!Array.isArray(items)) return;
  const whole = new Map();
  const quarters = new Map();
  for (let i = 0; i < items.length; i++) {
    if (!isMapping(items[i])) continue;
    const values = [items[i].year ?? null, items[i].source ?? null];
    const key = JSON.stringify(values);
    const quarterly = items[i].quarter !== undefined && items[i].quarter !== null;
    const [mine, theirs] = quarterly ? [quarters, whole] : [whole, quarters];
    if (theirs.has(key)) {
      const shown = values.filter((v) => v !== null).map(String).join(" ");
      yield { rule, path: [rule.field, i], words: { value: shown, list: rule.field, first: theirs.get(key) + 1 } };
    }
    if (!mine.has(key)) mine.set(key, i);
  }
}

// The validator's name of a place: budget[1].year, indicators[0].actuals[2027].
export function keyName(path) {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : (out ? "." : "") + part;
  return out;
}

function* check(rule, record, ctx) {
  if (rule.field === "**") {
    for (const [path, text] of texts(record, [])) {
      const bad = rule.kind === "no-template" ? TEMPLATE_MARKS.some((m) => text.includes(m)) : hasTag(text);
      if (bad) yield { rule, path, words: {} };
    }
    return;
  }
  if (rule.kind === "unique") {
    yield* duplicates(rule, record[rule.field]);
    return;
  }
  if (rule.kind === "whole-or-quarters") {
    yield* wholeAndQuarters(rule, record[rule.field]);
    return;
  }
  const start = record.start_year;
  const end = record.end_year;
  const other = rule.other ? record[rule.other] : undefined;
  const [first, last] = ctx.period;
  for (let [path, value] of reach(record, rule.field.split("."), [])) {
    const words = { value, other_value: other, list: path[0] };
    let bad = false;
    if (rule.kind === "order") bad = isNumber(value) && isNumber(other) && other > value;
    else if (rule.kind === "in-period") bad = isNumber(value) && !(first <= value && value <= last);
    else if (rule.kind === "within-years") {
      Object.assign(words, { start, end });
      bad = isNumber(value) && isNumber(start) && isNumber(end) && !(start <= value && value <= end && first <= value && value <= last);
    } else if (rule.kind === "not-after-as-of") bad = isNumber(value) && value > Number(ctx.as_of.slice(0, 4));
    else if (rule.kind === "note-when") bad = value in rule.values && !(typeof other === "string" && other.trim());
    else if (rule.kind === "progress-when") {
      const expected = typeof other === "string" && other in rule.values ? rule.values[other] : undefined;
      words.expected = expected;
      bad = expected !== undefined && isNumber(value) && value !== expected;
    } else if (rule.kind === "not-in") bad = typeof value === "string" && value === other;
    else if (rule.kind === "quarter-not-after-as-of") {
      const item = isMapping(value) ? value : {};
      const current = Math.floor((Number(ctx.as_of.slice(5, 7)) - 1) / 3) + 1;
      Object.assign(words, { value: item.quarter, year: item.year, current });
      path = [...path, "quarter"];
      bad = isNumber(item.quarter) && isNumber(item.year) && item.year === Number(ctx.as_of.slice(0, 4)) && item.quarter > current;
    } else if (rule.kind === "claimed-code") {
      const holders = typeof value === "string" ? ctx.codes[canonicalCode(value)] || [] : [];
      const others = holders.filter(([page]) => page !== ctx.path);
      words.path = others.length ? others[0][0] : "";
      const shared = record.shared_sub_activities === true && others.every(([, s]) => s);
      bad = others.length > 0 && !shared;
    } else if (rule.kind === "closed-year") bad = isNumber(value) && !ctx.closed_years.includes(value);
    else if (rule.kind === "unused-id") {
      const holder = typeof value === "string" ? ctx.ids[value] : undefined;
      Object.assign(words, { path: holder, next: ctx.next_ids[String(value).split("-")[0]] ?? "" });
      bad = holder !== undefined && holder !== ctx.path;
    } else throw new Error(`unknown rule kind ${rule.kind}`);
    if (bad) yield { rule, path, words };
  }
}

// Every violation of the table's rules in one record (file shape: year mappings as
// objects), in the validator's order: a place reported once, by the first rule.
export function violations(record, rules, ctx, program) {
  const out = [];
  const seen = new Set();
  for (const rule of rules) {
    if (rule.scope === "program" && !program) continue;
    for (const v of check(rule, record, ctx)) {
      const key = keyName(v.path);
      if (rule.field !== "**" && seen.has(key)) continue;
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

// A rule's words as the form shows them: fields by their labels, coded values by theirs.
export function words(template, v, ctx) {
  const label = (name) => ctx.fields[name] ?? name;
  const shown = (name, raw) => (ctx.labels[name] && ctx.labels[name][raw]) || String(raw);
  const named = [...v.path].reverse().find((p) => typeof p === "string") ?? v.rule.field.split(".")[0];
  const base = v.rule.field.split(".")[0];
  const known = {
    field: label(v.rule.field === "**" ? named : base),
    other: label(v.rule.other),
    value: shown(base, v.words.value),
    other_value: shown(v.rule.other, v.words.other_value),
    list: label(String(v.words.list)),
    period: `${ctx.period[0]}–${ctx.period[1]}`,
    as_of: ctx.as_of,
  };
  for (const name of ["start", "end", "path", "next", "expected", "first", "year", "current"]) known[name] = v.words[name] === undefined ? "" : String(v.words[name]);
  return template.replace(PLACEHOLDER, (_, coded, name, code) => (coded ? shown(name, code) : name in known ? known[name] : label(name)));
}

// What the form says instead of saving, or "" when every rule holds.
export function refusal(record, rules, ctx, program) {
  return violations(record, rules, ctx, program)
    .map((v) => `${words(v.rule.message, v, ctx)} ${words(v.rule.hint, v, ctx)}`)
    .join(" ");
}

// Decap CMS, set up for the masterplan: the Indonesian interface, the formats that read
// and write programme pages and data files exactly as `masterplan new program` does
// (layout.js, layout.json), and a preview laid out like the programme page.
import { parse } from "./yaml/index.js";
import { YearMap, dump, dumpList } from "./layout.js";
import { readNumber, showNumber } from "./numbers.js";
import { refusal } from "./rules.js";

const CMS = window.CMS;
const LAYOUT = await (await fetch("layout.json")).json();
const YEARS = new Set(LAYOUT.years);

// --- Reading -----------------------------------------------------------------------------

// The fence rule of the engine's reader (python-frontmatter's FM_BOUNDARY).
const FENCE = /^-{3,}\s*$/gm;

function splitPage(text) {
  FENCE.lastIndex = 0;
  const first = FENCE.exec(text);
  if (!first || first.index !== 0) return { front: "", body: text };
  const closing = FENCE.exec(text);
  if (!closing) return { front: "", body: text };
  let end = closing.index + closing[0].length;
  if (text[end] === "\n") end += 1;
  return { front: text.slice(first[0].length, closing.index), body: text.slice(end) };
}

// YAML as PyYAML reads it (1.1: `yes` is a boolean, as the validator sees it).
function readYaml(text) {
  return parse(text, { version: "1.1" }) ?? {};
}

// Year mappings become rows the form can edit: {2025: 10} -> [{year: 2025, value: 10}].
function toForm(value) {
  if (Array.isArray(value)) return value.map(toForm);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      YEARS.has(k) && v && typeof v === "object" && !Array.isArray(v)
        ? Object.entries(v).map(([year, n]) => ({ year: Number(year), value: n }))
        : toForm(v);
  }
  return out;
}

// --- Writing -----------------------------------------------------------------------------

function fromForm(value) {
  if (Array.isArray(value)) return value.map(fromForm);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = YEARS.has(k) && Array.isArray(v) ? new YearMap(v.map((row) => [row.year ?? null, row.value ?? null])) : fromForm(v);
  }
  return out;
}

// A key the scaffolder always writes gets its schema default when the form left it out
// (an untouched multi-select is absent, not an empty list).
function withDefaults(record, layout) {
  const out = { ...record };
  for (const key of layout) {
    if (key.always && "default" in key && (out[key.name] === undefined || out[key.name] === null)) {
      out[key.name] = key.default;
    }
    if (key.items && Array.isArray(out[key.name])) {
      out[key.name] = out[key.name].map((item) => (item && typeof item === "object" ? withDefaults(item, key.items) : item));
    }
  }
  return out;
}

function programFile(data) {
  const { body = "", ...front } = data;
  const record = withDefaults(fromForm(front), LAYOUT.program);
  const text = body && !body.endsWith("\n") ? body + "\n" : body;
  return "---\n" + dump(record, LAYOUT.program) + "---\n" + text;
}

function leadingComments(text) {
  const lines = text.split("\n");
  let n = 0;
  while (n < lines.length && lines[n].startsWith("#")) n += 1;
  return n ? lines.slice(0, n).join("\n") + "\n" : "";
}

function listFormat(layout) {
  return {
    fromFile(content) {
      const text = content.replace(/^\ufeff/, "").replace(/\r\n/g, "\n");
      return { header: leadingComments(text), items: toForm(readYaml(text) || []) };
    },
    toFile(data) {
      const items = (data.items || []).map((item) => withDefaults(fromForm(item), layout));
      return (data.header || "") + dumpList(items, layout);
    },
  };
}

CMS.registerCustomFormat("masterplan-program", "md", {
  fromFile(content) {
    const { front, body } = splitPage(content.replace(/^\ufeff/, "").replace(/\r\n/g, "\n"));
    return { ...toForm(readYaml(front)), body };
  },
  toFile: programFile,
});
CMS.registerCustomFormat("masterplan-opd", "yml", listFormat(LAYOUT.opd));
CMS.registerCustomFormat("masterplan-rpjmd", "yml", listFormat(LAYOUT.rpjmd));

// --- Numbers as Indonesians type them -------------------------------------------------------

const MESSAGES = {
  true: "Tulis jumlah rupiah dengan angka, boleh dengan titik ribuan, mis. 1.500.000.000.",
  false: "Tulis angka dengan koma desimal, mis. 82,5.",
};

function numberWidget(money) {
  return window.createClass({
    getInitialState() {
      const value = this.props.value;
      const shown = value === null || value === undefined || value === "" ? "" : typeof value === "number" ? showNumber(value) : String(value);
      return { text: shown };
    },
    isValid() {
      const value = this.props.value;
      if (value === null || value === undefined || value === "") return true;
      if (typeof value !== "number") return { error: { message: MESSAGES[money] } };
      const low = this.props.field.get("min");
      const high = this.props.field.get("max");
      if ((low !== undefined && value < low) || (high !== undefined && value > high)) {
        return { error: { message: `Harus angka ${showNumber(low)} sampai ${showNumber(high)}.` } };
      }
      return true;
    },
    handleChange(event) {
      const text = event.target.value;
      this.setState({ text });
      const number = readNumber(text, money);
      this.props.onChange(number !== null ? number : text.trim() === "" ? null : text);
    },
    render() {
      return h("input", {
        type: "text",
        inputMode: money ? "numeric" : "decimal",
        id: this.props.forID,
        className: this.props.classNameWrapper,
        value: this.state.text,
        onChange: this.handleChange,
        onFocus: this.props.setActiveStyle,
        onBlur: this.props.setInactiveStyle,
      });
    },
  });
}

const numberPreview = ({ value }) => h("span", {}, value === null || value === undefined ? "" : String(value));
CMS.registerWidget("rupiah", numberWidget(true), numberPreview);
CMS.registerWidget("angka", numberWidget(false), numberPreview);

// --- The validator's rules, before saving ----------------------------------------------------

// Year rows back to a mapping ({2025: 10}), as the file holds them and the rules read them.
function fileShape(value) {
  if (Array.isArray(value)) return value.map(fileShape);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = YEARS.has(k) && Array.isArray(v) ? Object.fromEntries(v.map((row) => [row.year, row.value])) : fileShape(v);
  }
  return out;
}

// Decap runs this before it writes anything; an error stops the save and its text is
// shown ("Gagal menyimpan entri: ..."), in the validator's words with the form's labels.
CMS.registerEventListener({
  name: "preSave",
  handler: ({ entry }) => {
    const data = entry.get("data").toJS();
    const program = LAYOUT.collections.includes(entry.get("collection"));
    const { body, ...front } = data;
    const records = program ? [fileShape(front)] : (data.items || []).map(fileShape);
    const context = { ...LAYOUT.context, path: entry.get("path") || "" };
    const said = records.map((record) => refusal(record, LAYOUT.rules, context, program)).filter(Boolean);
    if (said.length) {
      const refused = new Error(said.join(" "));
      refused.name = ""; // the toast shows the message alone, without "Error:"
      throw refused;
    }
  },
});

// --- Preview -----------------------------------------------------------------------------

const h = window.h;
const STATUS = LAYOUT.labels.status;
const HORIZON = LAYOUT.labels.horizon;
const rupiah = (n) => "Rp" + Number(n || 0).toLocaleString("id-ID");

function rows(list) {
  return list && list.toJS ? list.toJS() : list || [];
}

// The name a select shows for a key (an OPD's name, an element's), from the form's own
// options, so the preview reads like the page.
function labelOf(collection, name, value) {
  const field = collection.get("fields").find((f) => f.get("name") === name);
  const option = field && field.get("options") && field.get("options").find((o) => o.get("value") === value);
  return option ? option.get("label") : value;
}

function ProgramPreview({ entry, widgetFor, collection }) {
  const d = entry.get("data");
  const get = (k) => d.get(k);
  const name = (field, key) => labelOf(collection, field, key);
  const budget = rows(get("budget"));
  const spending = rows(get("spending"));
  const indicators = rows(get("indicators"));
  const support = rows(get("support"));
  return h(
    "article",
    { className: "md-typeset" },
    h("h1", {}, `${get("id") || ""} ${get("title") || ""}`),
    h(
      "div",
      { className: "mp-panel" },
      h(
        "p",
        { className: "mp-badges" },
        h("span", { className: "mp-badge mp-id" }, get("id")),
        " ",
        h("span", { className: `mp-badge mp-status mp-status--${get("status")}` }, STATUS[get("status")] || get("status")),
        " ",
        h("span", { className: "mp-badge mp-horizon" }, HORIZON[get("horizon")] || get("horizon")),
      ),
      h(
        "dl",
        { className: "mp-facts" },
        h("dt", {}, "Elemen"),
        h("dd", {}, name("element", get("element"))),
        h("dt", {}, "OPD pengampu"),
        h("dd", {}, name("lead", get("lead"))),
        h("dt", {}, "OPD pendukung"),
        h("dd", {}, support.length ? support.map((k) => name("support", k)).join("; ") : "—"),
        h("dt", {}, "Tahun pelaksanaan"),
        h("dd", {}, `${get("start_year")}–${get("end_year")}`),
        h("dt", {}, "Status dan progres"),
        h("dd", {}, `${STATUS[get("status")] || ""}, ${get("progress") ?? 0}%`, get("status_note") ? ` — Keterangan: ${get("status_note")}` : ""),
      ),
    ),
    h("h2", {}, "Anggaran dan realisasi"),
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, h("th", {}, "Tahun"), h("th", {}, "Sumber"), h("th", {}, "Rencana"), h("th", {}, "Realisasi"))),
      h(
        "tbody",
        {},
        ...budget.map((b) => {
          const spent = spending.filter((s) => s.year === b.year && s.source === b.source);
          return h(
            "tr",
            {},
            h("td", {}, b.year),
            h("td", {}, b.source),
            h("td", {}, rupiah(b.amount)),
            h("td", {}, spent.length ? rupiah(spent.reduce((t, s) => t + (s.amount || 0), 0)) : "—"),
          );
        }),
      ),
    ),
    h("h2", {}, "Indikator kinerja"),
    h(
      "ul",
      {},
      ...indicators.map((i) =>
        h(
          "li",
          {},
          h("strong", {}, i.name || ""),
          ` (${i.unit || ""}), nilai awal ${i.baseline ?? "—"}; target `,
          (i.targets || []).map((t) => `${t.year}: ${t.value}`).join(", ") || "—",
        ),
      ),
    ),
    widgetFor("body"),
  );
}

CMS.registerLocale("id", window.MASTERPLAN_LOCALE_ID);
for (const href of LAYOUT.styles) CMS.registerPreviewStyle(href);
for (const collection of LAYOUT.collections) CMS.registerPreviewTemplate(collection, ProgramPreview);
CMS.init();

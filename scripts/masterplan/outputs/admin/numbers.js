// Numbers as Indonesians type them, for the form's "rupiah" and "angka" fields
// (masterplan-cms.js). A module of its own so that tests run it in Node.js.

// An amount: "1500000000", "1.500.000.000", "Rp 1.500.000.000" or "1.500.000.000,00" is
// 1500000000. A value: "82,5" is 82.5, "1.250" is 1250, "-2,8" is -2.8. Anything else is
// not a number: the form says so and saves nothing, rather than store another number.
const AMOUNT = /^(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0+)?$/i;
const DECIMAL = /^(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;

export function readNumber(text, money) {
  const typed = String(text).replace(/\u00a0/g, " ").trim();
  const found = (money ? AMOUNT : DECIMAL).exec(typed);
  if (!found) return null;
  if (money) return Number(found[1].replace(/\./g, ""));
  return Number(`${found[1]}${found[2].replace(/\./g, "")}${found[3] ? "." + found[3] : ""}`);
}

export function showNumber(value) {
  return Number(value).toLocaleString("id-ID", { maximumFractionDigits: 6 });
}

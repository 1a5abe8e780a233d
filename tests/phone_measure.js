// What tests/test_phone.py measures on a page: table cells off screen, tables wider
// than their column, words broken across lines, and the smallest chart label in CSS px.
((grids) => {
  const vw = document.documentElement.clientWidth;
  const off = [];
  const wide = [];
  for (const table of document.querySelectorAll("article table")) {
    if (table.matches(grids)) continue;
    const frame = table.parentElement.getBoundingClientRect();
    if (table.getBoundingClientRect().width > frame.width + 1) wide.push(table.caption ? table.caption.textContent : table.className);
    for (const cell of table.querySelectorAll("tbody td, tbody th, tfoot td, tfoot th")) {
      const box = cell.getBoundingClientRect();
      if (box.width > 0 && (box.right > Math.min(vw, frame.right) + 1 || box.left < frame.left - 1)) {
        off.push((cell.dataset.label || "") + " " + cell.textContent.trim().slice(0, 30));
      }
    }
  }
  const range = document.createRange();
  const split = [];
  const walker = document.createTreeWalker(document.querySelector("article"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent.closest("table, .mp-panel, .mp-cards, .mp-figures, h1, h2, h3") || parent.closest("thead, .mp-sr, svg")) continue;
    for (const word of node.data.matchAll(/\S+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
      const code = /^[A-Z]{3}-\d+/.test(word[0]);
      if (lines.size > 1 && (code || lines.size > word[0].split("-").length)) split.push(word[0]);
    }
  }
  const labels = [...document.querySelectorAll("svg.mp-chart text")].map((text) => {
    const svg = text.ownerSVGElement;
    return parseFloat(getComputedStyle(text).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  });
  return { off, wide, split, smallest: labels.length ? Math.min(...labels) : null };
})

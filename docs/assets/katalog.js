/* Katalog program: saring dan urutkan tabel. Ditulis sendiri, tanpa pustaka dan tanpa
   CDN. Tanpa JavaScript tabel tetap lengkap; skrip ini hanya menambah kontrol. */
(function () {
  "use strict";
  var root = document.getElementById("mp-catalogue");
  if (!root) return;
  var form = root.querySelector(".mp-filters");
  var table = root.querySelector("table");
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var count = root.querySelector(".mp-count");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = selects.every(function (select) {
        var want = select.value;
        var have = " " + (row.getAttribute("data-" + select.getAttribute("data-filter")) || "") + " ";
        return !want || have.indexOf(" " + want + " ") >= 0;
      });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " dari " + rows.length + " program ditampilkan";
  }

  function sortKey(row, index) {
    var cell = row.cells[index];
    return cell.getAttribute("data-value") || cell.textContent.trim();
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "mp-sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.getAttribute("data-sort") === "number" || index === 0;
      rows.sort(function (a, b) {
        var x = sortKey(a, index);
        var y = sortKey(b, index);
        var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "id");
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
    });
  });

  // ?opd=dishub&status=delayed preselects filters, so other pages can link to a view.
  var params = new URLSearchParams(window.location.search);
  selects.forEach(function (select) {
    var value = params.get(select.getAttribute("data-filter"));
    if (value) select.value = value;
  });
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  apply();
})();

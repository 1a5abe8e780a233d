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

  // The filters live in the address (?opd=dishub&status=delayed): a filtered list can be
  // shared and opened fresh, and the back button returns to the previous choice.
  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var value = params.get(select.getAttribute("data-filter")) || "";
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      select.value = known ? value : "";
    });
    apply();
  }
  function toAddress() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var name = select.getAttribute("data-filter");
      if (select.value) params.set(name, select.value); else params.delete(name);
    });
    var query = params.toString();
    var address = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (address !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.pushState(null, "", address);
    }
  }
  form.addEventListener("change", function () { apply(); toAddress(); });
  form.addEventListener("reset", function () { window.setTimeout(function () { apply(); toAddress(); }, 0); });
  window.addEventListener("popstate", fromAddress);
  form.hidden = false;
  fromAddress();
})();

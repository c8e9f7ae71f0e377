// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      var button = select.form.querySelector(".js-hide");
      var byKeyboard = false;
      // Arrow keys change a closed list option by option: going to another page on each
      // would trap keyboard users (WCAG 3.2.2). With the keyboard, the button applies it.
      select.addEventListener("keydown", function (event) {
        if (event.key === "Tab" || event.key === "Shift") { return; }
        byKeyboard = true;
        if (button) { button.hidden = false; }
      });
      select.addEventListener("change", function () {
        if (!byKeyboard) { select.form.submit(); }
      });
      if (button) { button.hidden = true; }
    });
    // Stacked tables on a phone (portal.css): each cell without a data-label gets its
    // column's header text, shown before the value.
    document.querySelectorAll("table.table-stack").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (!cell.hasAttribute("data-label") && heads[index]) {
            cell.setAttribute("data-label", heads[index]);
          }
        });
      });
    });
    // "Select all on this page" (the queue's bulk actions): checks or clears every row's
    // checkbox of the form it names, and shows "some" (mixed) when only some are checked.
    // Hidden in the markup: without this script it could do nothing.
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var rows = document.querySelectorAll(
        "input[type=checkbox][form='" + all.dataset.selectAll + "'][name=number]"
      );
      if (!rows.length) { return; }
      function sync() {
        var checked = Array.prototype.filter.call(rows, function (box) { return box.checked; });
        all.checked = checked.length === rows.length;
        all.indeterminate = checked.length > 0 && checked.length < rows.length;
      }
      all.addEventListener("change", function () {
        rows.forEach(function (box) { box.checked = all.checked; });
        all.indeterminate = false;
      });
      rows.forEach(function (box) { box.addEventListener("change", sync); });
      var wrapper = all.closest("[hidden]");
      if (wrapper) { wrapper.hidden = false; }
      sync();
    });
    // A failed form: the error summary takes focus so screen readers announce it, and
    // each of its links moves focus to the field it names.
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      summary.querySelectorAll("a[href^='#']").forEach(function (link) {
        link.addEventListener("click", function (event) {
          var target = document.getElementById(link.getAttribute("href").slice(1));
          if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({block: "center"}); }
        });
      });
    }
  });
})();

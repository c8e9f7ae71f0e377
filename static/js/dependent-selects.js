// Dependent drop-downs: when a <select data-chain-child="..."> changes, load the
// children of the chosen node into the next list and clear the lists below it.
(function () {
  "use strict";
  function clearFrom(form, name) {
    while (name) {
      var select = form.querySelector('[name="' + name + '"]');
      if (!select) { return; }
      while (select.options.length > 1) { select.remove(1); }
      select.value = "";
      name = select.getAttribute("data-chain-child");
    }
  }
  function onChange(event) {
    var select = event.target;
    var childName = select.getAttribute("data-chain-child");
    var form = select.form;
    clearFrom(form, childName);
    if (!select.value) { return; }
    var chosen = select.value;
    var url = select.getAttribute("data-children-url").replace("__id__", encodeURIComponent(chosen));
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { children: [] }; })
      .then(function (data) {
        // Arrow keys change a list option by option: drop the answer for an earlier one.
        if (select.value !== chosen) { return; }
        clearFrom(form, childName);
        var child = form.querySelector('[name="' + childName + '"]');
        data.children.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.id;
          option.textContent = item.label;
          child.appendChild(option);
        });
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var selects = document.querySelectorAll("select[data-chain-child]");
    selects.forEach(function (select) { select.addEventListener("change", onChange); });
    if (selects.length) {
      document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
    }
  });
})();

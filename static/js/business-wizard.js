// Support for Business wizard (progressive enhancement; every step works without it):
// the version list follows the product, self-help follows product and category,
// and the 24/7 option is offered only with severity A.
(function () {
  "use strict";
  function fillVersions(select) {
    var form = select.form;
    var target = form.querySelector('[name="' + select.getAttribute("data-versions-target") + '"]');
    if (!target) { return; }
    while (target.options.length > 1) { target.remove(1); }
    target.value = "";
    if (!select.value) { return; }
    var chosen = select.value;
    var url = select.getAttribute("data-versions-url").replace("__id__", encodeURIComponent(chosen));
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { children: [] }; })
      .then(function (data) {
        // Arrow keys change a list option by option: drop the answer for an earlier one.
        if (select.value !== chosen) { return; }
        while (target.options.length > 1) { target.remove(1); }
        data.children.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.id;
          option.textContent = item.label;
          target.appendChild(option);
        });
      });
  }
  function showArticles(category) {
    var box = document.getElementById("suggested-articles");
    if (!box) { return; }
    var list = box.querySelector("[data-articles-list]");
    var product = category.form.querySelector('[name="' + category.getAttribute("data-articles-product") + '"]');
    var url = category.getAttribute("data-articles-url") + "?product=" + encodeURIComponent(product ? product.value : "") +
      "&category=" + encodeURIComponent(category.value);
    category.setAttribute("data-articles-for", url);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { articles: [] }; })
      .then(function (data) {
        if (category.getAttribute("data-articles-for") !== url) { return; }  // a later choice won
        while (list.firstChild) { list.removeChild(list.firstChild); }
        data.articles.forEach(function (article) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = article.url;
          a.rel = "noopener noreferrer";
          a.target = "_blank";
          a.textContent = article.title;
          li.appendChild(a);
          if (article.summary) {
            var span = document.createElement("span");
            span.className = "small text-muted";
            span.textContent = " — " + article.summary;
            li.appendChild(span);
          }
          list.appendChild(li);
        });
        box.classList.toggle("d-none", data.articles.length === 0);
      });
  }
  function syncTwentyFourSeven(checkbox) {
    var name = checkbox.getAttribute("data-only-severity-a");
    var chosen = checkbox.form.querySelector('[name="' + name + '"]:checked');
    var wrapper = checkbox.closest("[data-only-severity-a-wrapper]") || checkbox.parentNode;
    var isA = chosen && chosen.value === "A";
    wrapper.hidden = !isA;
    if (!isA) { checkbox.checked = false; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-versions-target]").forEach(function (select) {
      select.addEventListener("change", function () {
        fillVersions(select);
        var box = document.getElementById("suggested-articles");
        if (box) { box.classList.add("d-none"); }
      });
    });
    document.querySelectorAll("select[data-articles-url]").forEach(function (category) {
      category.addEventListener("change", function () { showArticles(category); });
    });
    document.querySelectorAll("input[data-only-severity-a]").forEach(function (checkbox) {
      var name = checkbox.getAttribute("data-only-severity-a");
      checkbox.form.querySelectorAll('[name="' + name + '"]').forEach(function (radio) {
        radio.addEventListener("change", function () { syncTwentyFourSeven(checkbox); });
      });
      syncTwentyFourSeven(checkbox);
    });
  });
})();

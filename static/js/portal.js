// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
      var button = select.form.querySelector(".js-hide");
      if (button) { button.hidden = true; }
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

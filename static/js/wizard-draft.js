// Saved drafts (issue 17): what was typed on the current wizard step is saved when the
// user leaves the page without pressing Continue or Back (e.g. a click on "My benefits"),
// so that coming back finds it. Files are not sent here (they are kept when a step is
// posted); without this script every step is still saved when posted.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var marker = document.querySelector("input[name$='-current_step']");
    var form = marker && marker.form;
    if (!form || !navigator.sendBeacon) { return; }
    var dirty = false;
    var submitting = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { submitting = true; });

    function save() {
      if (!dirty || submitting) { return; }
      var data = new FormData(form);
      Array.from(data.keys()).forEach(function (key) {
        if (data.get(key) instanceof File) { data.delete(key); }
      });
      data.set("wizard_save_draft", "1");
      if (navigator.sendBeacon(form.action || window.location.href, data)) { dirty = false; }
    }
    window.addEventListener("pagehide", save);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(); }
    });
  });
})();

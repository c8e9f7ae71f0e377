// A character counter under every text box with a length limit (issue 14).
// The limit itself is the field's maxlength attribute, set by the Django form
// from its max_length; the server checks it again. Shows "used / limit" and is
// read with the field (aria-describedby). No inline script or style (CSP).
(function () {
  "use strict";
  var MIN_LIMIT = 100; // short codes and IDs need no counter

  function attach(field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    // data-counter="off": a box whose limit is no writing aid (a search box).
    if (!limit || limit < MIN_LIMIT || field.dataset.counter) { return; }
    field.dataset.counter = "on";
    var counter = document.createElement("div");
    counter.className = "form-text text-end char-counter";
    counter.id = (field.id || field.name) + "-counter";
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    field.insertAdjacentElement("afterend", counter);
    function update() {
      var used = field.value.length;
      counter.textContent = used.toLocaleString() + " / " + limit.toLocaleString();
      counter.classList.toggle("text-danger", used >= limit);
    }
    field.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document
      .querySelectorAll("textarea[maxlength], input[type=text][maxlength]")
      .forEach(attach);
  });
})();

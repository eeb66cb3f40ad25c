// Small progressive touches for the adviser dashboard; every page works without them.
(function () {
  "use strict";

  // Ask before a form marked data-confirm is sent (closing a lead).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A link in an error summary puts the focus in its field, with the field's label in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });

  // Show how many characters are left in a text area with a maximum length.
  function addCounter(area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!max) { return; }
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.id = area.id + "-counter";
    counter.setAttribute("aria-live", "polite");
    var update = function () {
      var left = max - area.value.length;
      counter.textContent = left + " character" + (left === 1 ? "" : "s") + " left";
    };
    area.insertAdjacentElement("afterend", counter);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-counter]"), addCounter);
    // Move focus to an error summary so that keyboard and screen reader users hear it.
    var summary = document.querySelector("[data-focus]");
    if (summary) { summary.focus(); }
  });
}());

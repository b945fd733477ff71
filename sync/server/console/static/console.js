// The console works without this file: every page is plain links and forms. It adds comforts:
// - focus on the first error after a refused form;
// - a confirmation before the changes marked data-confirm;
// - nothing typed is lost when a session ends while a form is open: what is typed in a
//   form that changes something is kept in this tab's sessionStorage until the change is
//   done (the next page shows its notice), and put back when the form is shown again (after
//   signing in again, the console comes back to the form's page). Signing out forgets it all.
"use strict";
(function () {
  var PREFIX = "perisai-draft:";
  var PENDING = "perisai-draft-pending";
  var store;
  try { store = window.sessionStorage; } catch (e) { store = null; }

  function kept(form) {
    return form.method.toLowerCase() === "post" && !form.hasAttribute("data-no-draft");
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      return el.name && el.name !== "csrf_token" && type !== "password" && type !== "hidden" &&
        type !== "submit" && type !== "button" && type !== "checkbox" && type !== "radio" &&
        type !== "file";
    });
  }
  function key(form, el) { return PREFIX + form.getAttribute("action") + "#" + el.name; }
  function forget(action) {
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX + action + "#") === 0) { store.removeItem(name); }
    }
  }

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
    if (!store) { return; }
    var pending = store.getItem(PENDING);
    if (pending && document.querySelector("p.notice[data-done]")) {
      forget(pending);  // the change went through
      store.removeItem(PENDING);
    }
    document.querySelectorAll("form").forEach(function (form) {
      if (form.getAttribute("action") === "/console/sign-out") {
        form.addEventListener("submit", function () { store.clear(); });
        return;
      }
      if (!kept(form)) { return; }
      fields(form).forEach(function (el) {
        var saved = store.getItem(key(form, el));
        if (saved !== null && !el.value) { el.value = saved; }
        el.addEventListener("input", function () { store.setItem(key(form, el), el.value); });
        el.addEventListener("change", function () { store.setItem(key(form, el), el.value); });
      });
      form.addEventListener("submit", function () {
        store.setItem(PENDING, form.getAttribute("action"));
      });
    });
  });
})();

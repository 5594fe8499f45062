// Small behaviours of the calculator page; htmx does the live updates.
(function () {
  "use strict";

  // Mark fields whose message the last response filled in, so assistive
  // technology hears "invalid" and the advanced section opens on its errors.
  function syncErrors() {
    document.querySelectorAll(".field__error").forEach(function (error) {
      var name = error.id.replace(/-error$/, "");
      var input = document.querySelector('[name="' + name + '"]');
      if (!input) return;
      var bad = error.textContent.trim() !== "";
      if (bad) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      input.closest(".field").classList.toggle("field--error", bad);
      var details = input.closest("details");
      if (bad && details) details.open = true;
    });
    var stale = document.getElementById("stale");
    var anyBad = document.querySelector(".field--error") !== null;
    if (stale && !anyBad) stale.hidden = true;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // A printed report shows every assumption, the advanced ones included.
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(
      document.querySelectorAll("details.advanced"), function (d) { return !d.open; });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });

  // "Where do you advertise?": a platform's box shows its fieldset, and its
  // fields send nothing while it is unchecked, so the link leaves them out.
  // In the capture phase, so the fields are set before htmx sends the form.
  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-platform-toggle]");
    if (!box) return;
    var group = document.querySelector('[data-platform="' + box.value + '"]');
    if (!group) return;
    group.hidden = !box.checked;
    group.querySelectorAll("input, select").forEach(function (control) {
      control.disabled = !box.checked;
    });
  }, true);

  // A unit that is the currency follows the currency select at once; the
  // answer to the change then brings the typical costs, converted to it.
  function showCurrency(code) {
    document.querySelectorAll("[data-currency]").forEach(function (unit) {
      unit.textContent = code;
    });
  }

  // A cost field's typical-cost sentence arrives with each answer, in the
  // currency and for the integration chosen; its field's placeholder (the
  // figure an empty field uses) follows it.
  function showTypicalCost(source) {
    if (!source || source.dataset.typical === undefined) return;
    var input = document.getElementById("id_" + source.id.replace(/-source$/, ""));
    if (input) input.placeholder = source.dataset.typical;
  }

  // The form's live line is for when the answer is out of sight: while the
  // verdict is in view, the line (and its bar) would only say it twice.
  var verdictObserver = null;
  function watchVerdict() {
    var verdict = document.getElementById("verdict");
    var form = document.getElementById("inputs");
    if (!verdict || !form || !window.IntersectionObserver) return;
    if (verdictObserver) verdictObserver.disconnect();
    verdictObserver = new IntersectionObserver(function (entries) {
      form.classList.toggle("calc--answer-in-view", entries[entries.length - 1].isIntersecting);
    });
    verdictObserver.observe(verdict);
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_currency") showCurrency(event.target.value);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("inputs");
    if (form) shown = inputsOf(form);
    syncErrors(); watchVerdict();
  });
  // The inputs the results show. Leaving a field fires "change" after its
  // typing has already been answered: the same inputs need no second answer,
  // and its swap would replace the results (and a lead form being sent) under
  // the visitor's next click.
  function inputsOf(form) { return new URLSearchParams(new FormData(form)).toString(); }
  var shown = null;
  var asked = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.id === "inputs") {
      asked = inputsOf(form);
      if (asked === shown) { event.preventDefault(); return; }
    }
    var results = document.getElementById("results");
    if (results) results.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.id === "inputs") shown = event.detail.successful ? asked : null;
    var results = document.getElementById("results");
    if (results) results.removeAttribute("aria-busy");
  });
  // The language switcher leads to the same result in another language: after
  // a live update it takes the address bar's new query (the result's link).
  function syncLanguages() {
    if (!location.search) return;
    document.querySelectorAll(".languages a[hreflang]").forEach(function (link) {
      var target = new URL(link.href);
      target.search = location.search;
      link.href = target.toString();
    });
  }

  document.addEventListener("htmx:afterSettle", function () { syncErrors(); watchVerdict(); });
  document.addEventListener("htmx:replacedInHistory", syncLanguages);
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    syncErrors();
    showTypicalCost(event.target);
  });
})();

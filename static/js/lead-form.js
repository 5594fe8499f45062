// The lead form under an embed's results ("Email me this report"). The results
// are redrawn on every recalculation, the form with them, so this keeps the
// two from undoing each other when a visitor edits an input and sends at once.
(function () {
  "use strict";
  var KEPT = ["email", "name", "consent"];
  var typed = null;
  var kept = null;

  // 503: the database could not take the lead; the form says to try again later.
  var REFUSALS = [400, 403, 429, 503];

  function current() { return document.getElementById("lead-form"); }

  function fromTheForm(event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    return Boolean(source && source.id === "lead-form");
  }

  // With DEBUG on, django-htmx shows a 400 or 403 answer as a whole page (for
  // Django's error pages). The form's refusals are answers to swap in: they
  // stop here, before its listener, and htmx goes on as it does in production.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (fromTheForm(event) && REFUSALS.indexOf(event.detail.xhr.status) !== -1) {
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("htmx:beforeSwap", function (event) {
    var lead = current();
    if (fromTheForm(event)) {
      // A refusal (400, 403, 429, 503) answers the form with its message: swap it
      // in place like a success, so the visitor reads why and the results stay.
      if (REFUSALS.indexOf(event.detail.xhr.status) !== -1) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
      return;
    }
    if (!lead || !event.detail.target.contains(lead)) return;
    if (lead.tagName !== "FORM" || lead.classList.contains("htmx-request")) {
      // "Report on its way", or a form being sent: it stays on screen, so
      // the answer has somewhere to go.
      kept = lead;
    } else {
      // A new form for the new result: keep what the visitor typed.
      typed = {};
      KEPT.forEach(function (name) {
        var field = lead.elements[name];
        if (field) typed[name] = field.type === "checkbox" ? field.checked : field.value;
      });
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    var lead = current();
    if (!lead || lead.tagName !== "FORM" || lead === kept) return;
    var sending = kept && kept.tagName === "FORM";
    if (kept && (sending || kept.getAttribute("data-q") === lead.elements.q.value)) {
      lead.replaceWith(kept);
    } else if (typed) {
      KEPT.forEach(function (name) {
        var field = lead.elements[name];
        if (!field || !(name in typed)) return;
        if (field.type === "checkbox") field.checked = typed[name];
        else if (!field.value) field.value = typed[name];
      });
    }
    typed = null;
    kept = null;
  });
})();

// The embed builder's copy button. Without this script the form still works
// (Update) and the snippet can be selected and copied by hand.
(function () {
  "use strict";
  var shared = window.capiRoi; // common.js
  var words = shared.words;

  function checkClipboard(root) {
    shared.dropCopyButtons(root, "[data-copy]");
  }

  document.addEventListener("DOMContentLoaded", function () {
    checkClipboard(document);
  });
  document.addEventListener("htmx:load", function (event) {
    checkClipboard(event.target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector("[role=status]");
    shared.copy(Promise.resolve(field.value)).then(
      function () {
        status.textContent = words("copiedSnippet", "Copied the snippet.");
      },
      function () {
        field.select();
        status.textContent = words("snippetBlocked", "Copying is blocked here: the snippet is selected, copy it with your keyboard.");
      }
    );
  });
})();

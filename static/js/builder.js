// The embed builder's copy button. Without this script the form still works
// (Update) and the snippet can be selected and copied by hand.
(function () {
  "use strict";

  function revealCopy(root) {
    if (!navigator.clipboard) {
      return;
    }
    root.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    revealCopy(document);
  });
  document.addEventListener("htmx:load", function (event) {
    revealCopy(event.target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector("[role=status]");
    navigator.clipboard.writeText(field.value).then(
      function () {
        status.textContent = "Copied the snippet.";
      },
      function () {
        field.select();
        status.textContent = "Copying is blocked here: the snippet is selected, copy it with your keyboard.";
      }
    );
  });
})();

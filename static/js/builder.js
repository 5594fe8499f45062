// The embed builder's copy button. Without this script the form still works
// (Update) and the snippet can be selected and copied by hand.
(function () {
  // The page's words for the scripts' messages (templates/_js_messages.html),
  // with {name} placeholders; English when the page has none.
  function words(key, fallback, values) {
    var holder = document.getElementById("js-messages");
    var text = (holder && holder.dataset[key]) || fallback;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name]);
    });
    return text;
  }

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
        status.textContent = words("copiedSnippet", "Copied the snippet.");
      },
      function () {
        field.select();
        status.textContent = words("snippetBlocked", "Copying is blocked here: the snippet is selected, copy it with your keyboard.");
      }
    );
  });
})();

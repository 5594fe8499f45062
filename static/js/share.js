// The share panel's copy buttons. Without this script the panel still works:
// the link field can be selected and copied by hand, and the share links are
// plain links. The query comes from the panel's data attribute, not from
// location: inside an embed's iframe, location is the embed's own address.
(function () {
  "use strict";

  var shared = window.capiRoi; // common.js
  var words = shared.words;
  var copy = shared.copy;
  var shortLinks = new Map(); // canonical query -> promise of the short URL

  function checkClipboard(root) {
    shared.dropCopyButtons(root, ".share [data-share-copy]");
  }

  function say(panel, text) {
    var status = panel.querySelector(".share__status");
    // Emptied first so that the same words twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function shortLink(panel) {
    var query = panel.dataset.shareQuery;
    if (!shortLinks.has(query)) {
      var request = fetch(panel.dataset.shareApi, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        // The short link opens the result in the language of this page.
        body: JSON.stringify({ query: query, language: document.documentElement.lang || "en" }),
        credentials: "omit",
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var messages = Object.values(body.errors || {})[0] || [];
            throw new Error(messages[0] || words("shortFailed", "The short link could not be made."));
          }
          return body.url;
        });
      });
      // A failure is not remembered: the next click tries again.
      request.catch(function () {
        shortLinks.delete(query);
      });
      shortLinks.set(query, request);
    }
    return shortLinks.get(query);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".share [data-share-copy]");
    if (!button) {
      return;
    }
    var panel = button.closest(".share");
    var field = panel.querySelector(".share__link");
    // While an input is invalid the panel still holds the last valid result:
    // copying it would share figures the form no longer shows.
    if (document.querySelector('#verdict[data-state="stale"]')) {
      say(panel, words("staleShare", "Fix the marked values first: this link is for your last valid inputs."));
      return;
    }
    if (button.dataset.shareCopy === "link") {
      copy(Promise.resolve(field.value)).then(
        function () {
          say(panel, words("copiedLink", "Copied the link to this result."));
        },
        function () {
          field.select();
          say(panel, words("linkBlocked", "Copying is blocked here: the link is selected, copy it with your keyboard."));
        }
      );
      return;
    }
    var url = shortLink(panel);
    copy(url).then(
      function (text) {
        say(panel, words("copiedShort", "Copied the short link: {url}", { url: text }));
      },
      function (problem) {
        url.then(
          function (text) {
            say(panel, words("shortBlocked", "Copying is blocked here. The short link is {url}", { url: text }));
          },
          function () {
            say(panel, problem.message || words("shortFailed", "The short link could not be made."));
          }
        );
      }
    );
  });

  checkClipboard(document);
  // htmx announces new content with htmx:load; panels swapped in are checked too.
  document.addEventListener("htmx:load", function (event) {
    checkClipboard(event.target);
  });
})();

// What the site's scripts share: the page's words for their messages, copy
// buttons shown only where the clipboard works, and copying itself.
(function () {
  "use strict";

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

  // Copy buttons show wherever scripts run (the stylesheet leaves them out
  // where none do). Without the clipboard (an insecure page or an old
  // browser) they go: the field can still be selected and copied by hand.
  function dropCopyButtons(root, selector) {
    if (navigator.clipboard) {
      return;
    }
    root.querySelectorAll(selector).forEach(function (button) {
      button.hidden = true;
    });
  }

  // Safari allows a copy only during the click itself, so the text is handed
  // over as a promise when the browser accepts one; otherwise after it arrives.
  // Answers the text copied.
  function copy(textPromise) {
    if (window.ClipboardItem && navigator.clipboard.write) {
      var blob = textPromise.then(function (text) {
        return new Blob([text], { type: "text/plain" });
      });
      return navigator.clipboard
        .write([new ClipboardItem({ "text/plain": blob })])
        .then(function () {
          return textPromise;
        });
    }
    return textPromise.then(function (text) {
      return navigator.clipboard.writeText(text).then(function () {
        return text;
      });
    });
  }

  window.capiRoi = { words: words, dropCopyButtons: dropCopyButtons, copy: copy };
})();

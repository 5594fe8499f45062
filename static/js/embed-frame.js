// Inside the embed's iframe: tells the host page the content's height and
// each result's figures. Without a loader on the host nothing listens, and
// the frame keeps the height its snippet gave it (and scrolls inside).
(function () {
  "use strict";
  if (window.parent === window) {
    return; // opened on its own: there is no host to tell
  }
  // The frame's id as the server accepted it (FRAME_ID in calculator/embeds/display.py):
  // the form carries it as a hidden field, or leaves it out when invalid.
  var field = document.querySelector('#inputs input[name="frame"]');
  var frameId = field ? field.value : null;
  // The host's origin when the browser tells it (Chromium, WebKit); otherwise
  // any, as the messages carry nothing but what the visitor sees on screen.
  var ancestors = window.location.ancestorOrigins;
  var target = ancestors && ancestors.length && ancestors[0] !== "null" ? ancestors[0] : "*";
  var lastHeight = 0;

  function post(message) {
    message.frameId = frameId;
    window.parent.postMessage(message, target);
  }

  // The document's own height: html and body are height:auto and nothing
  // uses vh, so the iframe's height never feeds back into this number.
  function measure(force) {
    if (window.innerWidth === 0 || document.visibilityState === "hidden") {
      return; // a hidden frame lays out at zero width: its height means nothing
    }
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height <= 0) {
      return;
    }
    if (force || Math.abs(height - lastHeight) >= 1) {
      lastHeight = height;
      post({ type: "capi-roi:resize", height: height });
    }
  }

  // The figures the server rendered into the results, never recomputed here.
  function announce() {
    var node = document.querySelector("#results [data-figures]");
    if (!node) {
      return;
    }
    var d = node.dataset;
    post({
      type: "capi-roi:calculated",
      figures: JSON.parse(d.figures), // as calculator/summary.py's figures_message words them
      // The verdict as the page words it, for a host that shows it elsewhere.
      verdict: d.verdict || null,
      headline: d.headline || null,
    });
  }

  if (window.ResizeObserver) {
    var observer = new ResizeObserver(function () {
      measure(false);
    });
    observer.observe(document.documentElement);
  }
  // A frame that starts in a closed tab reports nothing until it is shown;
  // showing it resizes its viewport, and a revisited tab may have been resized.
  window.addEventListener("resize", function () {
    measure(false);
  });
  document.addEventListener("visibilitychange", function () {
    measure(true);
  });
  window.addEventListener("load", function () {
    measure(true);
  });
  document.addEventListener("DOMContentLoaded", function () {
    measure(true);
    announce();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "results") {
      announce();
    }
    measure(false);
  });
})();

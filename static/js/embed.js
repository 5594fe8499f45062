// The CAPI ROI calculator's embed loader, served at a stable /embed.js.
// It sizes each <iframe data-capi-roi> to its content, using the messages the
// frame posts:
//   {type: "capi-roi:resize", frameId, height}
//   {type: "capi-roi:calculated", frameId, figures: {...}}
// The second is re-dispatched on the iframe as a "capi-roi:calculated" DOM
// event (bubbling, detail = the message) for the host's own analytics.
// It tells each frame this page's address (host=), so that a profile's embed
// links a result to this page, and hands on the inputs of a result this
// page was opened with.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.capiRoiLoader) {
    return; // pasted twice: the first copy serves every frame
  }
  var origin = new URL(script.src, window.location.href).origin;
  var valid = /^[A-Za-z0-9_-]{1,64}$/; // FRAME_ID in calculator/embeds/display.py, test-checked
  // A result's inputs and model version: calculator/forms.py's FORM_KEYS and
  // "v", test-checked (tests/test_embed.py).
  var RESULT_KEYS = [
    "spend", "conversions", "orders", "aov", "margin", "currency", "consent", "att", "adblock",
    "safari", "itp", "connectivity", "match_before", "match_after", "integration", "setup", "acr",
    "lift_slope", "cpa_gain", "mode", "ramp", "setup_cost", "monthly_cost", "months", "discount",
    "holdout_weeks", "holdout_share", "server_ip", "lift_share", "google_spend",
    "google_conversions", "google_match_before", "google_match_after", "google_modelled",
    "google_route", "google_lift_share", "google_cpa_gain", "tiktok_spend", "tiktok_conversions",
    "tiktok_match_before", "tiktok_match_after", "tiktok_route", "tiktok_lift_share",
    "tiktok_cpa_gain", "v"
  ];
  var frames = new Map(); // frame id -> iframe
  var counter = 0;
  window.capiRoiLoader = { origin: origin, frames: frames };

  function newId() {
    counter += 1;
    return "capi-roi-" + counter + "-" + Math.random().toString(36).slice(2, 8);
  }

  function setUp(iframe) {
    var url;
    try {
      url = new URL(iframe.getAttribute("src") || "", window.location.href);
    } catch (error) {
      return;
    }
    if (url.origin !== origin) {
      return; // another site's frame: not ours to size
    }
    iframe.dataset.capiRoiReady = "1";
    // A host page whose CSP forbids style attributes ignores the snippet's
    // style (its width:100% and border:0); set through the CSSOM, which CSP
    // allows, each declaration holds.
    (iframe.getAttribute("style") || "").split(";").forEach(function (declaration) {
      var parts = declaration.split(":");
      var name = parts[0].trim();
      if (parts.length === 2 && /^[a-z-]+$/.test(name) && !iframe.style.getPropertyValue(name)) {
        iframe.style.setProperty(name, parts[1].trim());
      }
    });
    var before = url.href;
    var id = url.searchParams.get("frame");
    if (!id || !valid.test(id) || (frames.has(id) && frames.get(id) !== iframe)) {
      // A frame needs its own id to tell its messages apart.
      id = newId();
      url.searchParams.set("frame", id);
    }
    onThisPage(url);
    if (url.href !== before) {
      iframe.setAttribute("src", url.href); // the new address loads again
    }
    frames.set(id, iframe);
  }

  // This page, as a profile's embed links to a result: its address without
  // the fragment or a result's inputs, which the embed appends itself.
  function hostPage() {
    var page = new URL(window.location.href);
    page.hash = "";
    RESULT_KEYS.forEach(function (key) {
      page.searchParams.delete(key);
    });
    return page.href;
  }

  // Links to a result made in the embed open this page with the result's
  // inputs: they go on to the frame, so the visitor sees that result.
  function onThisPage(url) {
    if (!/^https?:$/.test(window.location.protocol) || url.pathname === "/embed/") {
      return; // a file:// page has no address; the site's own embed links to the site
    }
    var here = new URLSearchParams(window.location.search);
    var given = RESULT_KEYS.filter(function (key) {
      return here.has(key);
    });
    if (given.length) {
      RESULT_KEYS.forEach(function (key) {
        url.searchParams.delete(key);
      });
      given.forEach(function (key) {
        here.getAll(key).forEach(function (value) {
          url.searchParams.append(key, value);
        });
      });
    }
    url.searchParams.set("host", hostPage());
  }

  function scan() {
    frames.forEach(function (iframe, id) {
      if (!iframe.isConnected) {
        frames.delete(id);
      }
    });
    document.querySelectorAll("iframe[data-capi-roi]:not([data-capi-roi-ready])").forEach(setUp);
  }

  // A sandboxed frame without allow-same-origin posts from the origin "null";
  // it is still ours when the message comes from that very frame.
  function opaque(iframe) {
    var sandbox = iframe.getAttribute("sandbox");
    return sandbox !== null && !/(^|\s)allow-same-origin(\s|$)/.test(sandbox);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || typeof data.type !== "string") {
      return;
    }
    if (data.type.indexOf("capi-roi:") !== 0) {
      return;
    }
    var iframe = frames.get(data.frameId);
    if (!iframe || event.source !== iframe.contentWindow) {
      return;
    }
    if (event.origin !== origin && !(event.origin === "null" && opaque(iframe))) {
      return;
    }
    if (data.type === "capi-roi:resize") {
      var height = Math.ceil(Number(data.height));
      // Zero comes from a frame that is hidden; keep the last real height.
      if (!(height > 0 && height < 100000)) {
        return;
      }
      if (String(height) !== iframe.getAttribute("height")) {
        iframe.setAttribute("height", String(height));
      }
    } else if (data.type === "capi-roi:calculated") {
      iframe.dispatchEvent(new CustomEvent("capi-roi:calculated", { bubbles: true, detail: data }));
    }
  });

  scan();
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
})();

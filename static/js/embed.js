// The CAPI ROI calculator's embed loader, served at a stable /embed.js.
// It sizes each <iframe data-capi-roi> to its content, using the messages the
// frame posts:
//   {type: "capi-roi:resize", frameId, height}
//   {type: "capi-roi:calculated", frameId, figures: {...}}
// The second is re-dispatched on the iframe as a "capi-roi:calculated" DOM
// event (bubbling, detail = the message) for the host's own analytics.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.capiRoiLoader) {
    return; // pasted twice: the first copy serves every frame
  }
  var origin = new URL(script.src, window.location.href).origin;
  var valid = /^[A-Za-z0-9_-]{1,64}$/; // FRAME_ID in calculator/embeds/display.py, test-checked
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
    var id = url.searchParams.get("frame");
    if (!id || !valid.test(id) || (frames.has(id) && frames.get(id) !== iframe)) {
      // A frame needs its own id to tell its messages apart; the new address
      // loads again, so snippets from the builder carry an id already.
      id = newId();
      url.searchParams.set("frame", id);
      iframe.setAttribute("src", url.href);
    }
    frames.set(id, iframe);
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

/* A readable stand-in for a remote image that does not load.
 *
 * The Markdown renderer writes an image from another site as
 * <a class="image-link external" href="URL"><img src="URL" alt="…"
 * data-fallback="words"></a> (without the link when the author's own link
 * holds the image). Offline, on an intranet host the reader cannot reach,
 * or from a page opened over file:// without a network, the browser would
 * show a thin broken strip. This script puts in its place a box with the
 * alt text, the data-fallback words ("The image did not load. Open it:")
 * and a real link to the image's address, shortened to its host and file
 * name. Without JavaScript the image's own link to its address is there.
 *
 * Images that failed before the script ran are found by
 * `complete && naturalWidth === 0`, confirmed by decode() (an SVG without a
 * size also has no natural width, yet decodes); later failures by `error`
 * events, caught in the capture phase on the document (they do not
 * bubble). A classic script with no inline code: it runs under
 * `Content-Security-Policy: script-src 'self'` and from file://. */
(function () {
  "use strict";

  function isCandidate(node) {
    return node && node.tagName === "IMG" && node.hasAttribute("data-fallback");
  }

  /* host/…/name.png: enough to recognise, short enough for a phone. */
  function shortAddress(src) {
    var match = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/?#]+)([^?#]*)/i.exec(src);
    if (!match) return src;
    var segments = match[2].split("/").filter(Boolean);
    if (segments.length === 0) return match[1];
    var last = segments[segments.length - 1];
    try {
      last = decodeURIComponent(last);
    } catch (e) {
      /* keep it as written */
    }
    return match[1] + (segments.length > 1 ? "/…/" : "/") + last;
  }

  function fallback(img) {
    if (!img.isConnected || !isCandidate(img)) return;
    var src = img.getAttribute("src") || "";
    var wrapper = img.parentElement;
    var ownLink = wrapper && wrapper.classList.contains("image-link");
    var box = document.createElement("span");
    box.className = "image-fallback";
    var alt = img.getAttribute("alt") || "";
    if (alt) {
      var name = document.createElement("span");
      name.className = "image-fallback-alt";
      name.textContent = alt;
      box.appendChild(name);
    }
    var line = document.createElement("span");
    line.className = "image-fallback-note";
    line.appendChild(document.createTextNode(img.getAttribute("data-fallback") + " "));
    /* Inside the author's link, a second link would nest: the address is
       text, and the author's link stays around the box. */
    var address = document.createElement(ownLink || !img.closest("a") ? "a" : "span");
    address.className = "image-fallback-link";
    address.textContent = shortAddress(src);
    if (address.tagName === "A") {
      address.href = src;
      address.rel = "external noopener";
      address.classList.add("external");
      if (ownLink) {
        var hidden = wrapper.querySelector(".visually-hidden");
        if (hidden) address.appendChild(hidden.cloneNode(true));
      }
    }
    line.appendChild(address);
    box.appendChild(line);
    (ownLink ? wrapper : img).replaceWith(box);
  }

  document.addEventListener(
    "error",
    function (event) {
      if (isCandidate(event.target)) fallback(event.target);
    },
    true
  );

  var images = document.querySelectorAll("img[data-fallback]");
  for (var i = 0; i < images.length; i++) {
    var img = images[i];
    if (!img.complete || img.naturalWidth !== 0) continue;
    if (typeof img.decode === "function") {
      img.decode().catch(fallback.bind(null, img));
    } else {
      fallback(img);
    }
  }
})();

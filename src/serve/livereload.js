// Live reload for `offboard-site serve`. The dev server adds this script to
// the pages it serves; it is never part of a built site.
//
// It listens to the server's events: `reload` reloads the page (and puts the
// scroll position back afterwards), `css` swaps the stylesheets in place,
// `broken` shows the build error over the page, and `hello` (on every
// connection) reloads a page that missed a change while it was disconnected.
// Error text goes into the page with textContent only.
(() => {
  "use strict";

  const script = document.currentScript;
  let servedGeneration = script ? script.dataset.generation : undefined;
  const scrollKey = "offboard-serve:scroll:" + location.pathname;
  const overlayId = "offboard-serve-overlay";

  function restoreScroll() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
      sessionStorage.removeItem(scrollKey);
    } catch {
      return;
    }
    if (!saved || typeof saved.x !== "number" || typeof saved.y !== "number") {
      return;
    }
    const apply = () => window.scrollTo(saved.x, saved.y);
    apply();
    window.addEventListener("load", apply, { once: true });
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch {
      // Private mode or storage full: reload without keeping the position.
    }
    location.reload();
  }

  function swapStylesheets() {
    const stamp = String(Date.now());
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) {
        continue;
      }
      url.searchParams.set("offboard-reload", stamp);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove(), { once: true });
      fresh.addEventListener("error", () => fresh.remove(), { once: true });
      link.after(fresh);
    }
  }

  function element(tag, text, styles) {
    const node = document.createElement(tag);
    if (text !== undefined) {
      node.textContent = text;
    }
    Object.assign(node.style, styles || {});
    return node;
  }

  function hideOverlay() {
    const overlay = document.getElementById(overlayId);
    if (overlay) {
      overlay.remove();
    }
  }

  function place(error) {
    let where = error.file || "";
    if (error.line) {
      where += ":" + error.line + (error.column ? ":" + error.column : "");
    }
    return where;
  }

  function showOverlay(report) {
    hideOverlay();
    const overlay = element("div", undefined, {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(24, 24, 27, 0.96)", color: "#f4f4f5", padding: "2rem",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    });
    overlay.id = overlayId;
    overlay.setAttribute("role", "alert");
    const head = element("div", undefined, {
      display: "flex", justifyContent: "space-between", gap: "1rem", alignItems: "baseline",
    });
    const errors = Array.isArray(report.errors) ? report.errors : [];
    const count = errors.length === 1 ? "1 error" : errors.length + " errors";
    head.append(element("strong", "Build failed (" + count + "). Fix and save: the page updates by itself.", {
      color: "#fca5a5", fontSize: "15px",
    }));
    const close = element("button", "×", {
      font: "inherit", fontSize: "20px", lineHeight: "1", background: "none",
      color: "inherit", border: "1px solid #52525b", borderRadius: "4px", cursor: "pointer",
    });
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", hideOverlay);
    head.append(close);
    overlay.append(head);
    for (const error of errors) {
      const item = element("section", undefined, {
        marginTop: "1.25rem", paddingTop: "1rem", borderTop: "1px solid #3f3f46",
      });
      item.className = "offboard-serve-error";
      if (place(error)) {
        item.append(element("div", place(error), { color: "#93c5fd", fontWeight: "bold" }));
      }
      item.append(element("div", error.message || "", { whiteSpace: "pre-wrap" }));
      if (error.source) {
        const caret = error.column ? " ".repeat(Math.max(0, error.column - 1)) + "^" : "";
        item.append(element("pre", error.source + (caret ? "\n" + caret : ""), {
          margin: "0.5rem 0", padding: "0.5rem", background: "#27272a", whiteSpace: "pre-wrap",
        }));
      }
      if (error.hint) {
        item.append(element("div", "hint: " + error.hint, { color: "#86efac", whiteSpace: "pre-wrap" }));
      }
      overlay.append(item);
    }
    (document.body || document.documentElement).append(overlay);
  }

  function data(event) {
    try {
      return JSON.parse(event.data);
    } catch {
      return {};
    }
  }

  restoreScroll();
  const events = new EventSource("/__offboard/events");
  events.addEventListener("hello", (event) => {
    const generation = data(event).generation;
    if (servedGeneration !== undefined && String(generation) !== servedGeneration) {
      reload();
    }
  });
  events.addEventListener("reload", reload);
  events.addEventListener("css", (event) => {
    servedGeneration = String(data(event).generation);
    swapStylesheets();
  });
  events.addEventListener("broken", (event) => showOverlay(data(event)));
})();

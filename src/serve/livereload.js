// Live reload for `offboard-site serve`. The dev server adds this script to
// the pages it serves; it is never part of a built site.
//
// It listens to the server's events: `reload` with the list of changed
// output files patches the page in place when it is among them (see
// `patch`), otherwise, or without a list, reloads the page (and puts the
// scroll position back afterwards); `css` swaps the stylesheets in place,
// `broken` shows the build error over the page, and `hello` (on every
// connection) reloads a page that missed a change while it was disconnected.
// Error text goes into the page with textContent only.
//
// A patch takes the page's new HTML from the event (the server sends it to
// the pages it changed: each names its path when it connects), or fetches
// it, and morphs the DOM to it with
// idiomorph (served beside this script), so the scroll position, focus,
// open <details>, what the reader typed or ticked and the page's scripts'
// state stay; then it dispatches `offboard:patched` on the document, for
// the page's scripts to apply themselves to the changed elements again.
// Data scripts of the page that changed (the checklist's step files) run
// again first. It reloads instead when the page is gone, its stylesheets or
// scripts are not the same ones, or anything fails.
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

  // The output path of a same-origin URL as the server names it
  // (`a/b/index.html`); null for another origin or a bad path.
  function outputKey(url) {
    try {
      const parsed = new URL(url, location.href);
      if (parsed.origin !== location.origin) {
        return null;
      }
      let path = decodeURIComponent(parsed.pathname).replace(/^\/+/, "");
      if (path === "" || path.endsWith("/")) {
        path += "index.html";
      }
      return path;
    } catch {
      return null;
    }
  }

  // The stylesheets or the scripts a document loads, by their address
  // (without the marks this script adds; not this server's own).
  function assets(doc, selector) {
    const list = new Set();
    for (const node of doc.querySelectorAll(selector)) {
      const url = new URL(node.getAttribute("href") || node.getAttribute("src") || "", location.href);
      url.searchParams.delete("offboard-reload");
      url.searchParams.delete("offboard-patch");
      if (!url.pathname.startsWith("/__offboard/")) {
        list.add(url.href);
      }
    }
    return list;
  }

  // Whether the new page loads the stylesheets the page has and no script
  // it has not run: a morph cannot bring others in. (The page may have
  // more scripts: the ones its scripts added, such as search's.)
  function sameAssets(fresh) {
    // A page served for a missing path (the 404 page) has a <base>: its
    // links mean something else in the page that now exists there.
    const base = (doc) => doc.querySelector("base[href]")?.getAttribute("href") || "";
    if (base(document) !== base(fresh)) {
      return false;
    }
    const styles = 'link[rel~="stylesheet"][href]';
    const before = assets(document, styles);
    const after = assets(fresh, styles);
    if (before.size !== after.size || [...after].some((url) => !before.has(url))) {
      return false;
    }
    const scripts = assets(document, "script[src]");
    return [...assets(fresh, "script[src]")].every((url) => scripts.has(url));
  }

  // Runs a data script of the page again (its file changed) and waits
  // until it has; the script element goes once it ran.
  function runAgain(script, generation) {
    return new Promise((resolve, reject) => {
      const url = new URL(script.src, location.href);
      url.searchParams.set("offboard-patch", generation);
      const fresh = document.createElement("script");
      fresh.src = url.href;
      fresh.addEventListener("load", () => {
        fresh.remove();
        resolve();
      }, { once: true });
      fresh.addEventListener("error", () => {
        fresh.remove();
        reject(new Error("cannot load " + url.href));
      }, { once: true });
      document.head.append(fresh);
    });
  }

  // What the reader changed stays: open <details> and dialogs, the text of
  // fields and ticked boxes (the page's scripts set those again from what
  // they keep), and the search box with its results.
  const morphOptions = {
    morphStyle: "outerHTML",
    restoreFocus: true,
    callbacks: {
      beforeAttributeUpdated(name, node) {
        if (name === "open" && (node.localName === "details" || node.localName === "dialog")) {
          return false;
        }
        const field = node.localName === "input" || node.localName === "textarea";
        return !(field && (name === "value" || name === "checked"));
      },
      beforeNodeMorphed(node) {
        return !(node.id === "search" || node.id === overlayId);
      },
    },
  };

  // Patches the page to the site of `info.generation`, whose changed output
  // files are `info.changed`. Resolves when done; rejects when the page
  // must reload instead.
  async function patch(info) {
    const generation = String(info.generation);
    const changed = new Set(info.changed);
    const own = outputKey(location.href);
    const scripts = Array.from(document.querySelectorAll("script[src]")).filter((script) =>
      changed.has(outputKey(script.src))
    );
    if (!changed.has(own) && !scripts.length) {
      servedGeneration = generation;
      return;
    }
    if (typeof Idiomorph === "undefined") {
      throw new Error("no morph library");
    }
    // The changed data scripts run while the page is fetched: if the page
    // then cannot be patched, it reloads anyway.
    const ran = Promise.all(scripts.map((script) => runAgain(script, generation)));
    ran.catch(() => {});
    // The server sends the page's new HTML with the event when it knows
    // the page (it said which when it connected); otherwise it is fetched.
    let html = info.html;
    if (typeof html !== "string") {
      const response = await fetch(location.href, { cache: "no-store" });
      if (!response.ok || response.redirected) {
        throw new Error("the page answered " + response.status);
      }
      html = await response.text();
    }
    const fresh = new DOMParser().parseFromString(html, "text/html");
    if (!sameAssets(fresh)) {
      throw new Error("other stylesheets or scripts");
    }
    await ran;
    hideOverlay();
    document.title = fresh.title;
    document.documentElement.lang = fresh.documentElement.lang;
    Idiomorph.morph(document.body, fresh.body, morphOptions);
    servedGeneration = generation;
    document.dispatchEvent(new CustomEvent("offboard:patched", { detail: { generation: info.generation } }));
  }

  // Patches run one at a time, in the order the saves came.
  let patching = Promise.resolve();
  function onReload(event) {
    const info = data(event);
    if (!Array.isArray(info.changed)) {
      reload();
      return;
    }
    patching = patching.then(() => patch(info)).catch((error) => {
      console.info("offboard-site serve: reloading instead of patching:", error && error.message);
      reload();
    });
  }

  restoreScroll();
  const events = new EventSource("/__offboard/events?page=" + encodeURIComponent(location.pathname));
  events.addEventListener("hello", (event) => {
    const generation = data(event).generation;
    if (servedGeneration !== undefined && String(generation) !== servedGeneration) {
      reload();
    }
  });
  events.addEventListener("reload", onReload);
  events.addEventListener("css", (event) => {
    servedGeneration = String(data(event).generation);
    swapStylesheets();
  });
  events.addEventListener("broken", (event) => showOverlay(data(event)));
})();

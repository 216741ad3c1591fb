/* The checklist on every page: ticks saved and restored, steps of other
 * roles dimmed or hidden, notices on steps whose requirements are not done,
 * progress figures (this page, whole guide, each phase, beside each sidebar
 * entry, whose figure it adds to the link) and a live region announcing
 * changes. Works from the page's own markup plus window.offboardManifest
 * (checklist/steps.js). On a large site
 * that is a summary (each page's step ids by phase and role) and each
 * top-level entry's step details arrive in window.offboardDetails, from
 * `checklist/<entry>/steps.js`: the page's own entry's as a script of the
 * page, the others on demand (loadAll). Other files add to it through
 * window.offboard.extensions (role filter, record tools). */
(function () {
  "use strict";
  const ns = (window.offboard = window.offboard || {});
  ns.extensions = ns.extensions || [];

  // A small element builder: attributes, `text`, then children.
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((name) => {
      const value = attrs[name];
      if (name === "text") node.textContent = value;
      else if (value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach((child) => child && node.append(child));
    return node;
  }

  // A split manifest's summary and details are read by the store script
  // (checklist-store.js), which knows their shape.
  const expand = (manifest) => ns.expandManifest(manifest);
  const merge = (manifest) => ns.mergeDetails(manifest);

  function start() {
    const manifest = window.offboardManifest;
    if (!manifest || manifest.version !== 1 || !ns.createStore) return;
    expand(manifest);
    merge(manifest);
    const store = ns.createStore(manifest, ns.openStorage());
    const body = document.body;
    const root = body.dataset.root || "";
    const steps = new Map();
    const pageOf = new Map();
    function index() {
      manifest.pages.forEach((page) =>
        page.steps.forEach((step) => {
          steps.set(step.key, step);
          pageOf.set(step.key, page);
        })
      );
    }
    index();
    // Every step's details (for the completion record): the missing parts'
    // files are added as scripts (no fetch: the site works from file://).
    // `then` runs once they have arrived or failed.
    function loadAll(then) {
      const missing = (manifest.parts || []).map((src, part) => part).filter((part) => !manifest.loaded.has(part));
      let waiting = missing.length;
      if (!waiting) return then();
      const arrived = () => {
        waiting -= 1;
        if (waiting) return;
        merge(manifest);
        index();
        then();
      };
      missing.forEach((part) => {
        const script = document.createElement("script");
        script.src = root + manifest.parts[part];
        script.onload = arrived;
        script.onerror = arrived;
        document.head.append(script);
      });
    }
    const words = (key, vars) =>
      (manifest.words[key] || key).replace(/\{(\w+)\}/g, (all, name) =>
        vars && name in vars ? vars[name] : all
      );
    // Step text inside a sentence: without its own closing full stop.
    const plain = (text) => text.trim().replace(/[。.]$/, "");
    const label = (list, id) => (list.find((item) => item.id === id) || {}).label || "";
    // A step's text: from its details, else from this page's markup (its
    // own item, or a requirement link to it).
    function textOf(key) {
      const step = steps.get(key);
      if (step && step.text) return step.text;
      const quoted = CSS.escape(key);
      const node =
        document.querySelector('li.step[data-key="' + quoted + '"] .step-label') ||
        document.querySelector('a[data-requires-key="' + quoted + '"]');
      return node ? node.textContent.trim() : key;
    }

    const live = el("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    body.append(live);
    let liveTimer = 0;
    function announce(message) {
      live.textContent = "";
      clearTimeout(liveTimer);
      liveTimer = setTimeout(() => (live.textContent = message), 120);
    }

    const inScope = (step) => !store.role() || !step.role || step.role === store.role();
    // Ticks per page and phase, counted in one pass over the steps after
    // each change (not once per figure): { pageKey: { phase: [done, total] } }.
    let counts = null;
    store.onChange(() => (counts = null));
    function pageCounts() {
      if (counts) return counts;
      counts = new Map();
      manifest.pages.forEach((page) => {
        const byPhase = new Map();
        page.steps.forEach((step) => {
          if (!inScope(step)) return;
          const phase = step.phase || "";
          const entry = byPhase.get(phase) || [0, 0];
          entry[1] += 1;
          if (store.doneAt(step.key)) entry[0] += 1;
          byPhase.set(phase, entry);
        });
        counts.set(page.key, byPhase);
      });
      return counts;
    }
    // "checklist" (every step), "@PHASE", "PAGE@PHASE" or "PAGE@*" (one
    // page's own steps), "FOLDER/*@PHASE", or "PAGE": a page, or a section (`…/_index`) with
    // everything under it, as the sidebar shows it.
    function tally(spec) {
      const [page = "", phase = "*"] = spec === "checklist" ? [] : spec.split("@");
      // "FOLDER/*@PHASE": everything under a folder (a split overview's part).
      const folder = page.endsWith("/*")
        ? page.slice(0, -1)
        : !spec.includes("@") && page.endsWith("_index")
          ? page.slice(0, -6)
          : null;
      let done = 0;
      let total = 0;
      const add = (byPhase) =>
        byPhase.forEach((entry, id) => {
          if (phase !== "*" && id !== phase) return;
          done += entry[0];
          total += entry[1];
        });
      const all = pageCounts();
      if (page && folder === null) {
        if (all.has(page)) add(all.get(page));
      } else {
        all.forEach((byPhase, owner) => {
          if (!page || owner.startsWith(folder)) add(byPhase);
        });
      }
      return { done, total };
    }
    // Where a step is: on this page if it is here, else on its own page.
    function stepHref(key) {
      const here = document.querySelector('li.step[data-key="' + CSS.escape(key) + '"]');
      if (here && here.id) return "#" + here.id;
      return root + pageOf.get(key).url + "#" + steps.get(key).id;
    }

    const items = Array.from(document.querySelectorAll("li.step[data-key]"));
    const pageKey = body.dataset.pageKey;
    const pageSpec = manifest.pages.some((page) => page.key === pageKey) ? pageKey + "@*" : "checklist";
    const hooks = [];
    const api = { manifest, store, words, label, el, announce, tally, stepHref, textOf, loadAll, root, onRender: (fn) => hooks.push(fn) };

    function renderNotice(item, done) {
      const missing = done
        ? []
        : (item.dataset.requires || "").split(" ").filter((key) => steps.has(key) && !store.doneAt(key));
      const signature = missing.join(" ");
      const old = item.querySelector(":scope > .step-notice");
      item.classList.toggle("is-blocked", missing.length > 0);
      if ((old ? old.dataset.missing : "") === signature) return;
      if (old) old.remove();
      if (!missing.length) return;
      const text = el("span", { class: "step-notice-text", text: words("blocked_text") });
      missing.forEach((key, index) => {
        if (index) text.append(manifest.separator);
        text.append(el("a", { href: stepHref(key), text: textOf(key) }));
        const page = pageOf.get(key);
        if (page.key !== item.dataset.key.split("#")[0]) text.append(manifest.brackets.replace("{}", page.title));
      });
      const notice = el("div", { class: "step-notice", "data-missing": signature }, [
        el("strong", { class: "step-status", text: words("blocked_status") }),
        " ",
        text,
      ]);
      const head = item.querySelector(":scope > .step-head");
      if (head) head.after(notice);
    }

    // The sidebar's links come bare: each gets its progress figure here,
    // filled in by renderFigures.
    document.querySelectorAll(".site-nav a[data-key]").forEach((link) =>
      link.append(el("span", { class: "nav-progress", "data-progress-for": link.dataset.key }))
    );

    function renderFigures() {
      document.querySelectorAll("[data-progress-for]").forEach((node) => {
        const { done, total } = tally(node.dataset.progressFor);
        const shown = total ? done + "/" + total : "";
        node.classList.toggle("is-complete", total > 0 && done === total);
        const chip = node.closest(".progress-chips > li");
        if (chip) chip.hidden = !total;
        if (node.dataset.shown === shown) return;
        node.dataset.shown = shown;
        node.replaceChildren();
        if (!total) return;
        node.append(
          el("span", { "aria-hidden": "true", text: words("progress_count", { done, total }) }),
          el("span", { class: "visually-hidden", text: " " + words("progress_count_long", { done, total }) })
        );
      });
    }

    const panel = buildPanel();
    function buildPanel() {
      const slot = document.querySelector("[data-page-progress]");
      if (!slot || !steps.size) return null;
      const figure = el("span", { class: "progress-figure" });
      const bar = el("progress", { class: "progress-bar", max: "1", value: "0", "aria-hidden": "true" });
      const note = el("p", { class: "progress-note" });
      const warning = el("p", { class: "progress-warning", role: "alert", hidden: true, text: words("storage_unavailable") });
      const overview = root + "checklist/index.html";
      const chip = (href, name, spec) =>
        el("li", {}, [el("a", { href }, [el("span", { class: "chip-name", text: name }), " ", el("span", { class: "chip-figure", "data-progress-for": spec })])]);
      const chips = [];
      if (pageSpec !== "checklist") chips.push(chip(overview, words("progress_guide"), "checklist"));
      // A guide page shows the phases of its own steps; the home page and
      // the overview show them all.
      const here = pageSpec === "checklist" ? Array.from(steps.values()) : manifest.pages.find((page) => page.key === pageKey).steps;
      manifest.phases
        .filter((phase) => here.some((step) => step.phase === phase.id))
        .forEach((phase) => chips.push(chip(overview + "#phase-" + phase.id, phase.label, "@" + phase.id)));
      if (manifest.phases.length && here.some((step) => !step.phase))
        chips.push(chip(overview + "#phase-other", words("unphased"), "@"));
      slot.replaceChildren(
        el("div", { class: "progress-head" }, [
          el("span", { class: "progress-title", text: words(pageSpec === "checklist" ? "progress_guide" : "progress_page") }),
          figure,
        ]),
        bar,
        note,
        chips.length ? el("ul", { class: "progress-chips" }, chips) : null,
        warning
      );
      slot.hidden = false;
      return { figure, bar, note, warning };
    }

    function renderPanel() {
      if (!panel) return;
      const { done, total } = tally(pageSpec);
      const complete = total > 0 && done === total;
      const role = label(manifest.roles, store.role());
      let figure = words("progress_count_long", { done, total });
      if (complete) figure = words("progress_complete") + " · " + words("progress_count", { done, total });
      else if (!total) figure = words("progress_none_for_role", { role });
      panel.figure.textContent = figure;
      panel.figure.classList.toggle("is-complete", complete);
      panel.bar.hidden = !total;
      panel.bar.max = Math.max(total, 1);
      panel.bar.value = done;
      panel.note.textContent = role && total ? words("progress_for_role", { role }) : "";
      panel.note.hidden = !panel.note.textContent;
      panel.warning.hidden = store.saved();
    }

    function render() {
      const role = store.role();
      const hide = store.hide() && Boolean(role);
      body.classList.toggle("has-role", Boolean(role));
      items.forEach((item) => {
        const done = Boolean(store.doneAt(item.dataset.key));
        const box = item.querySelector(":scope > .step-head > .step-check");
        if (box) box.checked = done;
        item.classList.toggle("is-done", done);
        const other = Boolean(role && item.dataset.role && item.dataset.role !== role);
        item.classList.toggle("is-dimmed", other);
        item.hidden = other && hide;
        renderNotice(item, done);
      });
      document.querySelectorAll("a[data-requires-key]").forEach((link) => {
        link.classList.toggle("is-met", Boolean(store.doneAt(link.dataset.requiresKey)));
      });
      // Overview groups, pages and parts whose every step is hidden go too.
      document.querySelectorAll(".checklist-part[data-part-for]").forEach((part) => {
        part.hidden = hide && !tally(part.dataset.partFor).total;
      });
      document.querySelectorAll(".checklist-page, .checklist-group").forEach((block) => {
        block.hidden = hide && !block.querySelector("li.step:not([hidden]), .checklist-part:not([hidden])");
      });
      renderFigures();
      renderPanel();
      hooks.forEach((hook) => hook());
    }

    document.addEventListener("change", (event) => {
      const box = event.target;
      if (!box.matches || !box.matches(".step-check")) return;
      const item = box.closest("li.step[data-key]");
      if (!item) return;
      const blocked = items.filter((other) => other.classList.contains("is-blocked"));
      store.setDone(item.dataset.key, box.checked);
      const text = plain(textOf(item.dataset.key));
      const { done, total } = tally(pageSpec);
      const messages = [
        words(box.checked ? "live_done" : "live_undone", { step: text }),
        words("live_progress", {
          scope: words(pageSpec === "checklist" ? "progress_guide" : "progress_page"),
          count: words("progress_count_long", { done, total }),
        }),
      ];
      blocked
        .filter((other) => !other.classList.contains("is-blocked") && !other.classList.contains("is-done") && steps.has(other.dataset.key))
        .forEach((other) => messages.push(words("live_unblocked", { step: plain(textOf(other.dataset.key)) })));
      announce(messages.join(" "));
    });

    store.onChange(render);
    ns.extensions.forEach((extend) => extend(api));
    render();
    body.classList.add("checklist-ready");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

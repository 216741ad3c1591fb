/* The checklist on every page: ticks saved and restored, steps that do not
 * apply to the reader (another role, or a condition their answers rule out)
 * marked "not applicable" or hidden, a status in words on every step and
 * page (cannot start yet, with links to what is missing; to do; done; not
 * applicable), a confirmation before an irreversible step is ticked while
 * its requirements are open, a notice on a ticked step whose text changed
 * since, progress figures (this page, whole guide, each phase, beside each
 * sidebar entry, whose figure it adds to the link) and a live region
 * announcing changes. Progress counts units: a step, or one group of
 * alternatives (`choice`), done by any one of its members; optional steps
 * and steps that do not apply are never counted, so 100 % is reachable. Works from the page's own markup plus window.offboardManifest
 * (checklist/steps.js). On a large site
 * that is a summary (each page's step ids by phase, role and branching) and each
 * top-level entry's step details arrive in window.offboardDetails, from
 * `checklist/<entry>/steps.js`: the page's own entry's as a script of the
 * page, the others on demand (loadAll). Other files add to it through
 * window.offboard.extensions (role filter, record tools).
 *
 * After the dev server patches the page in place (it morphs the DOM to the
 * page's new HTML and dispatches `offboard:patched` on the document), the
 * checklist applies itself again: to the same manifest only what is tied
 * to the page's elements (decorate), to a manifest whose script ran again
 * everything, after undoing the listeners of the old one; details that
 * arrived again are merged anew. Ticks live in localStorage, so nothing of
 * the reader's is lost either way. */
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

  // "account=sub&verified=yes,no" -> { account: ["sub"], verified: ["yes", "no"] }.
  function parseWhen(text) {
    const when = {};
    new URLSearchParams(text).forEach((value, question) => (when[question] = value.split(",")));
    return when;
  }

  // Fills in a step's condition, group and flags from its item's data
  // attributes where the manifest did not give them; its text's hash is
  // the markup's (after a patch, the step's text may be new).
  function adoptMarkup(step, data) {
    if (!step) return;
    if (!step.when && data.when) step.when = parseWhen(data.when);
    if (!step.choice && data.choice) step.choice = data.choice;
    if (data.hash) step.hash = data.hash;
    if ("optional" in data) step.optional = true;
    if ("irreversible" in data) step.irreversible = true;
  }

  // Step text inside a short link or sentence: its first clause, at most
  // about twenty characters, without its closing full stop.
  function brief(text) {
    const plain = text.trim().replace(/[。.]$/, "");
    if (plain.length <= 20) return plain;
    const cut = plain.slice(4, 21).search(/[，,：:；;（(。]/);
    if (cut >= 0) return plain.slice(0, cut + 4);
    return plain.slice(0, 18) + "…";
  }

  // A split manifest's summary and details are read by the store script
  // (checklist-store.js), which knows their shape.
  const expand = (manifest) => ns.expandManifest(manifest);
  // How many step details had arrived when they were last merged: more
  // since (a details script ran again after a patch) are merged anew.
  let detailsMerged = 0;
  const merge = (manifest) => {
    ns.mergeDetails(manifest);
    detailsMerged = (window.offboardDetails || []).length;
  };

  // The checklist running on the page: its manifest, `decorate` (apply it
  // to the page's elements again) and `stop` (undo its listeners and the
  // elements it added outside the page's markup).
  let running = null;

  function start() {
    const manifest = window.offboardManifest;
    if (!manifest || manifest.version !== 1 || !ns.createStore) return;
    // Listeners of this manifest's checklist, and of its current
    // decoration of the page (undone and made again after a patch).
    const lifetime = new AbortController();
    let decoration = new AbortController();
    expand(manifest);
    merge(manifest);
    const store = ns.createStore(manifest, ns.openStorage(), lifetime.signal);
    const body = document.body;
    const root = body.dataset.root || "";
    // Steps by key, the page of each and the members of each group of
    // alternatives (choice key -> step keys), indexed a page at a time as
    // they are asked for: a large site's pages make their steps only then
    // (checklist-store.js), so a page pays for the pages it names.
    const byKey = new Map(manifest.pages.map((page) => [page.key, page]));
    const stepIndex = new Map();
    const pageIndex = new Map();
    const choiceIndex = new Map();
    const indexed = new Set();
    const pageKeyOf = (key) => key.slice(0, key.indexOf("#") >>> 0);
    function indexPage(page) {
      if (!page || indexed.has(page)) return;
      indexed.add(page);
      page.steps.forEach((step) => {
        stepIndex.set(step.key, step);
        pageIndex.set(step.key, page);
        if (!step.choice) return;
        if (!choiceIndex.has(step.choice)) choiceIndex.set(step.choice, []);
        choiceIndex.get(step.choice).push(step.key);
      });
    }
    const indexOf = (key) => indexPage(byKey.get(pageKeyOf(key)));
    const indexAll = () => manifest.pages.forEach(indexPage);
    const steps = {
      get: (key) => (indexOf(key), stepIndex.get(key)),
      has: (key) => (indexOf(key), stepIndex.has(key)),
      values: () => (indexAll(), stepIndex.values()),
    };
    const pageOf = { get: (key) => (indexOf(key), pageIndex.get(key)) };
    const choices = { get: (choice) => (indexOf(choice), choiceIndex.get(choice)) };
    // After the details or the markup changed steps: index again as asked.
    function index() {
      indexed.clear();
      stepIndex.clear();
      pageIndex.clear();
      choiceIndex.clear();
    }
    // This page's steps: found again after a patch (decorate).
    let items = [];
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

    // Whether a step applies to this reader: their role (if chosen) and
    // every answered question of its condition allow it.
    function applies(step) {
      const role = store.role();
      if (role && step.role && step.role !== role) return false;
      const when = step.when;
      if (!when) return true;
      return Object.keys(when).every((question) => {
        const answer = store.answer(question);
        return !answer || when[question].includes(answer);
      });
    }
    // Done, or (for a member of a group of alternatives) another member is.
    function met(key) {
      if (store.doneAt(key)) return true;
      const step = steps.get(key);
      return Boolean(step && step.choice && (choices.get(step.choice) || []).some((other) => store.doneAt(other)));
    }
    // Requirements of a step not yet met ([] when none or not known).
    const missingFor = (step, fromMarkup) =>
      (fromMarkup !== undefined ? fromMarkup.split(" ").filter(Boolean) : step.requires || []).filter(
        (key) => steps.has(key) && !met(key)
      );
    // Counted units per page and phase, counted in one pass over the steps
    // after each change (not once per figure): { pageKey: { phase: [done,
    // total, steps (counted or not)] } }; and per page [done, total, open
    // units that cannot start].
    let counts = null;
    let states = null;
    // Each figure's tally, kept until the next change: a page patched in
    // place shows the same figures without counting them again.
    let tallies = new Map();
    // Each folder's sums by phase ("" for the whole site), made once per
    // change when a folder's figure is first asked for: the sidebar asks
    // for every section's, and a large site has thousands of pages.
    let folders = null;
    store.onChange(() => {
      counts = null;
      folders = null;
      tallies = new Map();
    });
    function pageCounts() {
      if (counts) return counts;
      counts = new Map();
      states = new Map();
      const ticked = new Set(store.doneKeys().map(pageKeyOf));
      manifest.pages.forEach((page) => {
        const byPhase = new Map();
        const state = [0, 0, 0];
        const groups = new Map();
        const entryOf = (phase) => {
          if (!byPhase.has(phase)) byPhase.set(phase, [0, 0, 0]);
          return byPhase.get(phase);
        };
        const count = (phase, done, blocked) => {
          const entry = entryOf(phase);
          entry[1] += 1;
          if (done) entry[0] += 1;
          state[1] += 1;
          if (done) state[0] += 1;
          else if (blocked) state[2] += 1;
        };
        // A page of a large site nobody looked at and with no ticks is
        // counted from its runs, as its steps would be: none is done,
        // and a summary names no requirements, so none is blocked.
        if (page.runs && !page.expanded && !ticked.has(page.key)) {
          page.runs.forEach((run) => {
            entryOf(run.phase)[2] += run.count;
            if (run.optional || !applies(run)) return;
            if (!run.choice) {
              for (let n = 0; n < run.count; n += 1) count(run.phase, false, false);
              return;
            }
            if (!groups.has(run.choice)) groups.set(run.choice, { phase: run.phase, done: false, blocked: false });
          });
        } else page.steps.forEach((step) => {
          entryOf(step.phase || "")[2] += 1;
          if (step.optional || !applies(step)) return;
          const done = Boolean(store.doneAt(step.key));
          const blocked = !done && missingFor(step).length > 0;
          if (!step.choice) return count(step.phase || "", done, blocked);
          // A group: done by any applying member; it cannot start only
          // when none of its applying members can.
          const group = groups.get(step.choice) || { phase: step.phase || "", done: false, blocked: true };
          group.done = group.done || done;
          group.blocked = group.blocked && blocked;
          groups.set(step.choice, group);
        });
        groups.forEach((group) => count(group.phase, group.done, group.blocked));
        counts.set(page.key, byPhase);
        states.set(page.key, state);
      });
      return counts;
    }
    function folderCounts() {
      if (folders) return folders;
      folders = new Map();
      const addTo = (folder, byPhase) => {
        if (!folders.has(folder)) folders.set(folder, new Map());
        const sums = folders.get(folder);
        byPhase.forEach((entry, phase) => {
          const sum = sums.get(phase) || [0, 0, 0];
          sums.set(phase, [sum[0] + entry[0], sum[1] + entry[1], sum[2] + entry[2]]);
        });
      };
      pageCounts().forEach((byPhase, owner) => {
        addTo("", byPhase);
        for (let at = owner.indexOf("/"); at >= 0; at = owner.indexOf("/", at + 1)) {
          addTo(owner.slice(0, at + 1), byPhase);
        }
      });
      return folders;
    }
    // A page's status: "na", "done", "blocked" (nothing done and nothing
    // can start) or "todo".
    function pageStatus(key) {
      pageCounts();
      const [done, total, blocked] = states.get(key) || [0, 0, 0];
      if (!total) return "na";
      if (done === total) return "done";
      return !done && blocked === total ? "blocked" : "todo";
    }
    // "checklist" (every step), "@PHASE", "PAGE@PHASE" or "PAGE@*" (one
    // page's own steps), "FOLDER/*@PHASE", or "PAGE": a page, or a section (`…/_index`) with
    // everything under it, as the sidebar shows it.
    function tally(spec) {
      if (!tallies.has(spec)) tallies.set(spec, countFor(spec));
      return tallies.get(spec);
    }
    function countFor(spec) {
      const [page = "", phase = "*"] = spec === "checklist" ? [] : spec.split("@");
      // "FOLDER/*@PHASE": everything under a folder (a split overview's part).
      const folder = page.endsWith("/*")
        ? page.slice(0, -1)
        : !spec.includes("@") && page.endsWith("_index")
          ? page.slice(0, -6)
          : null;
      let done = 0;
      let total = 0;
      let listed = 0;
      const add = (byPhase) =>
        byPhase.forEach((entry, id) => {
          if (phase !== "*" && id !== phase) return;
          done += entry[0];
          total += entry[1];
          listed += entry[2];
        });
      if (page && folder === null) {
        const all = pageCounts();
        if (all.has(page)) add(all.get(page));
      } else {
        const sums = folderCounts().get(page ? folder : "");
        if (sums) add(sums);
      }
      return { done, total, listed };
    }
    // Where a step is: on this page if it is here, else on its own page.
    function stepHref(key) {
      const here = document.querySelector('li.step[data-key="' + CSS.escape(key) + '"]');
      if (here && here.id) return "#" + here.id;
      return root + pageOf.get(key).url + "#" + steps.get(key).id;
    }

    const pageKey = body.dataset.pageKey;
    const pageSpec = manifest.pages.some((page) => page.key === pageKey) ? pageKey + "@*" : "checklist";
    const hooks = [];
    const api = {
      manifest,
      store,
      words,
      label,
      el,
      announce,
      tally,
      stepHref,
      textOf,
      loadAll,
      root,
      applies,
      met,
      choices,
      steps,
      pageStatus,
      brief,
      progressMessage: () => progressMessage(),
      onRender: (fn) => hooks.push(fn),
    };

    function renderNotice(item, done) {
      const missing = done ? [] : missingFor(steps.get(item.dataset.key) || {}, item.dataset.requires || "");
      const signature = missing.join(" ");
      const old = item.querySelector(":scope > .step-notice");
      item.classList.toggle("is-blocked", missing.length > 0);
      if ((old ? old.dataset.missing : "") === signature) return;
      if (old) old.remove();
      if (!missing.length) return;
      // Steps above on this numbered list read as order ("完成第 1 步后
      // 开始"); the others are linked, with their page when elsewhere.
      const numbers = [];
      const linked = missing.filter((key) => {
        const number = numberOnList(item, key);
        if (number) numbers.push(number);
        return !number;
      });
      const text = el("span", { class: "step-notice-text" });
      if (numbers.length)
        text.append(words("blocked_after_steps", { steps: numbers.join(words("blocked_steps_joiner")) }));
      if (linked.length) text.append((numbers.length ? manifest.separator : "") + words("blocked_text"));
      linked.forEach((key, index) => {
        if (index) text.append(manifest.separator);
        text.append(el("a", { href: stepHref(key), text: brief(textOf(key)) }));
        const page = pageOf.get(key);
        const asides = [];
        if (steps.get(key).choice) asides.push(words("or_alternative"));
        if (page.key !== item.dataset.key.split("#")[0]) asides.push(page.title);
        if (asides.length) text.append(manifest.brackets.replace("{}", asides.join(manifest.separator)));
      });
      const notice = el("div", { class: "step-notice", "data-missing": signature }, [
        el("strong", { class: "step-status", text: words("blocked_status") }),
        " ",
        text,
      ]);
      const head = item.querySelector(":scope > .step-head");
      if (head) head.after(notice);
    }

    // The number a reader sees beside the step `key` when it is on the same
    // numbered list (<ol>) as `item`; 0 when it is not.
    function numberOnList(item, key) {
      const list = item.parentElement;
      if (!list || list.tagName !== "OL") return 0;
      const items = Array.from(list.children).filter((child) => child.matches("li.step"));
      const at = items.findIndex((child) => child.dataset.key === key);
      if (at < 0) return 0;
      return (Number(list.getAttribute("start")) || 1) + at;
    }

    // The sidebar's links come bare: each gets its progress figure here,
    // filled in by renderFigures (once: a patch keeps the links it left).
    function addNavFigures() {
      document.querySelectorAll(".site-nav a[data-key]").forEach((link) => {
        if (link.querySelector(":scope > .nav-progress")) return;
        link.append(el("span", { class: "nav-progress", "data-progress-for": link.dataset.key }));
      });
    }

    function renderFigures() {
      document.querySelectorAll("[data-progress-for]").forEach((node) => {
        const { done, total, listed } = tally(node.dataset.progressFor);
        // A sidebar entry whose steps all do not apply says so.
        const na = !total && listed > 0 && Boolean(node.closest(".site-nav"));
        const shown = total ? done + "/" + total : na ? "na" : "";
        node.classList.toggle("is-complete", total > 0 && done === total);
        const chip = node.closest(".progress-chips > li");
        if (chip) chip.hidden = !total;
        if (node.dataset.shown === shown) return;
        node.dataset.shown = shown;
        node.replaceChildren();
        node.classList.toggle("is-na", na);
        if (na) node.append(el("span", { class: "nav-na", text: words("status_na") }));
        if (!total) return;
        node.append(
          el("span", { "aria-hidden": "true", text: words("progress_count", { done, total }) }),
          el("span", { class: "visually-hidden", text: " " + words("progress_count_long", { done, total }) })
        );
      });
    }

    let panel = null;
    function buildPanel() {
      const slot = document.querySelector("[data-page-progress]");
      if (!slot || !manifest.pages.length) return null;
      const written = slot.querySelector(":scope > .progress-head > .progress-figure");
      if (written) return fillWritten(slot, written);
      const figure = el("span", { class: "progress-figure" });
      const bar = el("progress", { class: "progress-bar", max: "1", value: "0", "aria-hidden": "true" });
      const note = el("p", { class: "progress-note" });
      const status = el("p", { class: "progress-status", hidden: pageSpec === "checklist" });
      const warning = el("p", { class: "progress-warning", role: "alert", hidden: true, text: words("storage_unavailable") });
      const chips = progressChips();
      slot.replaceChildren(
        el("div", { class: "progress-head" }, [
          el("span", { class: "progress-title", text: words(pageSpec === "checklist" ? "progress_guide" : "progress_page") }),
          figure,
        ]),
        bar,
        status,
        note,
        chips.length ? el("ul", { class: "progress-chips" }, chips) : null,
        warning
      );
      slot.hidden = false;
      return { figure, bar, note, warning, status };
    }

    // The panel the template wrote, its line boxes already in place so that
    // nothing moves: only its words, bar and chips are filled in.
    function fillWritten(slot, figure) {
      const chips = slot.querySelector(":scope > .progress-chips");
      if (chips) chips.replaceChildren(...progressChips());
      const status = slot.querySelector(":scope > .progress-status") || el("p", { hidden: true });
      return {
        figure,
        bar: slot.querySelector(":scope > .progress-bar"),
        note: slot.querySelector(":scope > .progress-note"),
        warning: slot.querySelector(":scope > .progress-warning"),
        status,
        written: true,
      };
    }

    // The chips of the progress panel: the whole guide (from a guide page)
    // and the phases of the page's steps (all of them on the home page and
    // the overview).
    function progressChips() {
      const overview = root + "checklist/index.html";
      const chip = (href, name, spec) =>
        el("li", {}, [el("a", { href }, [el("span", { class: "chip-name", text: name }), " ", el("span", { class: "chip-figure", "data-progress-for": spec })])]);
      const chips = [];
      if (pageSpec !== "checklist") chips.push(chip(overview, words("progress_guide"), "checklist"));
      // The phases of the steps here (a large site's pages say theirs by runs).
      const here = new Set();
      (pageSpec === "checklist" ? manifest.pages : [byKey.get(pageKey)]).forEach((page) =>
        (page.runs && !page.expanded ? page.runs : page.steps).forEach((step) => here.add(step.phase || ""))
      );
      manifest.phases
        .filter((phase) => here.has(phase.id))
        .forEach((phase) => chips.push(chip(overview + "#phase-" + phase.id, phase.label, "@" + phase.id)));
      if (manifest.phases.length && here.has(""))
        chips.push(chip(overview + "#phase-other", words("unphased"), "@"));
      return chips;
    }

    function renderPanel() {
      if (!panel) return;
      const { done, total } = tally(pageSpec);
      const complete = total > 0 && done === total;
      const role = label(manifest.roles, store.role());
      let figure = words("progress_count_long", { done, total });
      if (complete) figure = words("progress_complete") + " · " + words("progress_count", { done, total });
      else if (!total) figure = role ? words("progress_none_for_role", { role }) : words("progress_none_applies");
      panel.figure.textContent = figure;
      panel.figure.classList.toggle("is-complete", complete);
      panel.bar.hidden = !total;
      panel.bar.max = Math.max(total, 1);
      panel.bar.value = done;
      if (pageSpec !== "checklist") {
        const state = pageStatus(pageKey);
        // The template writes the words and an empty badge; only the badge changes.
        let badge = panel.status.querySelector(".page-state");
        if (!badge) {
          badge = el("strong", { class: "page-state" });
          panel.status.replaceChildren(el("span", { class: "progress-status-key", text: words("page_status") }), " ", badge);
        }
        badge.dataset.state = state;
        badge.textContent = words("status_" + state);
      }
      const notes = [];
      if (role && total) notes.push(words("progress_for_role", { role }));
      if (store.hasAnswers() && total) notes.push(words("progress_for_answers"));
      panel.note.textContent = notes.join(" ");
      // A panel the template wrote keeps the note's line, empty or not.
      panel.note.hidden = !panel.note.textContent && !panel.written;
      panel.warning.hidden = store.saved();
    }

    // A step's status in words, at the end of its head: blocked steps say
    // theirs in their notice instead.
    function renderState(item, state) {
      const head = item.querySelector(":scope > .step-head");
      if (!head) return;
      let node = head.querySelector(":scope > .step-state");
      if (!node) {
        node = el("span", { class: "step-state" });
        // Before the overview's link back to the step.
        head.insertBefore(node, head.querySelector(":scope > .step-goto"));
      }
      if (node.dataset.state === state) return;
      node.dataset.state = state;
      node.hidden = state === "blocked";
      node.textContent = words("status_" + state);
    }

    // "This step has changed since you ticked it", with a re-confirm button.
    function renderChanged(item, done) {
      const step = steps.get(item.dataset.key);
      const now = item.dataset.hash || (step && step.hash) || "";
      const then = done ? store.hashAt(item.dataset.key) : "";
      const changed = Boolean(now && then && now !== then);
      const old = item.querySelector(":scope > .step-changed");
      item.classList.toggle("is-changed", changed);
      if (!changed) return old && old.remove();
      if (old) return;
      const notice = el("div", { class: "step-changed", role: "note" }, [
        el("strong", { class: "step-changed-text", text: words("changed_text") }),
        " ",
        el("button", { type: "button", class: "button button-small", "data-reconfirm": now, text: words("changed_confirm") }),
      ]);
      const head = item.querySelector(":scope > .step-head");
      if (head) head.after(notice);
    }

    function render() {
      const role = store.role();
      const hide = store.hide() && Boolean(role || store.hasAnswers());
      body.classList.toggle("has-role", Boolean(role));
      items.forEach((item) => {
        const key = item.dataset.key;
        const step = steps.get(key) || { key };
        const done = Boolean(store.doneAt(key));
        const box = item.querySelector(":scope > .step-head > .step-check");
        if (box) box.checked = done;
        item.classList.toggle("is-done", done);
        const na = !applies(step);
        item.classList.toggle("is-dimmed", na);
        item.classList.toggle("is-na", na);
        item.hidden = na && hide;
        const byOther = !done && !na && Boolean(step.choice) && met(key);
        item.classList.toggle("is-choice-met", byOther);
        renderNotice(item, done || na || byOther);
        renderChanged(item, done);
        let state = "todo";
        if (na) state = "na";
        else if (done) state = "done";
        else if (byOther) state = "other";
        else if (item.classList.contains("is-blocked")) state = "blocked";
        renderState(item, state);
      });
      // The overview's pages say their status beside their figure.
      document.querySelectorAll(".checklist-page-title").forEach((title) => {
        const figure = title.querySelector("[data-progress-for]");
        if (!figure) return;
        let node = title.querySelector(":scope > .page-state");
        if (!node) {
          node = el("span", { class: "page-state" });
          title.append(node);
        }
        const state = pageStatus(figure.dataset.progressFor.split("@")[0]);
        if (node.dataset.state === state) return;
        node.dataset.state = state;
        node.textContent = words("status_" + state);
      });
      document.querySelectorAll("a[data-requires-key]").forEach((link) => {
        link.classList.toggle("is-met", met(link.dataset.requiresKey));
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

    // "This page: 2 of 6 steps done." for the live region.
    function progressMessage() {
      const { done, total } = tally(pageSpec);
      return words("live_progress", {
        scope: words(pageSpec === "checklist" ? "progress_guide" : "progress_page"),
        count: words("progress_count_long", { done, total }),
      });
    }

    // An irreversible step ticked while its requirements are open: ask
    // first, in a modal <dialog> (window.confirm where there is none).
    let dialog = null;
    function confirmIrreversible(item, then) {
      const missing = missingFor(steps.get(item.dataset.key) || {}, item.dataset.requires || "");
      const text = words("irreversible_text", {
        step: brief(textOf(item.dataset.key)),
        steps: missing.map((key) => brief(textOf(key))).join(manifest.separator),
      });
      if (!dialog) dialog = buildDialog();
      if (!dialog.showModal) {
        if (window.confirm(text)) then();
        return;
      }
      dialog.querySelector(".dialog-text").textContent = text;
      dialog.returnValue = "";
      dialog.onclose = () => {
        dialog.onclose = null;
        if (dialog.returnValue === "tick") then();
        const box = item.querySelector(".step-check");
        if (box) box.focus();
      };
      dialog.showModal();
    }
    function buildDialog() {
      const node = el("dialog", { class: "confirm-dialog", "aria-labelledby": "irreversible-title", "aria-describedby": "irreversible-text" }, [
        el("form", { method: "dialog" }, [
          el("h2", { class: "dialog-title", id: "irreversible-title", text: words("irreversible_title") }),
          el("p", { class: "dialog-text", id: "irreversible-text" }),
          el("div", { class: "dialog-actions" }, [
            el("button", { type: "submit", class: "button button-danger", value: "tick", text: words("irreversible_confirm") }),
            el("button", { type: "submit", class: "button", value: "cancel", autofocus: true, text: words("cancel") }),
          ]),
        ]),
      ]);
      body.append(node);
      return node;
    }

    const forLifetime = { signal: lifetime.signal };
    document.addEventListener("click", (event) => {
      const button = event.target.closest && event.target.closest("[data-reconfirm]");
      const item = button && button.closest("li.step[data-key]");
      if (!item) return;
      store.setHashes({ [item.dataset.key]: button.dataset.reconfirm }, false);
      announce(words("live_reconfirmed", { step: brief(textOf(item.dataset.key)) }));
      const box = item.querySelector(".step-check");
      if (box) box.focus();
    }, forLifetime);

    document.addEventListener("change", (event) => {
      const box = event.target;
      if (!box.matches || !box.matches(".step-check")) return;
      const item = box.closest("li.step[data-key]");
      if (!item) return;
      const step = steps.get(item.dataset.key) || {};
      if (box.checked && item.hasAttribute("data-irreversible") && item.classList.contains("is-blocked")) {
        box.checked = false;
        return confirmIrreversible(item, () => tick(item, true, step));
      }
      tick(item, box.checked, step);
    }, forLifetime);

    function tick(item, checked, step) {
      const blocked = items.filter((other) => other.classList.contains("is-blocked"));
      store.setDone(item.dataset.key, checked, item.dataset.hash || step.hash);
      const text = plain(textOf(item.dataset.key));
      const messages = [words(checked ? "live_done" : "live_undone", { step: text }), progressMessage()];
      blocked
        .filter((other) => !other.classList.contains("is-blocked") && !other.classList.contains("is-done") && steps.has(other.dataset.key))
        .forEach((other) => messages.push(words("live_unblocked", { step: plain(textOf(other.dataset.key)) })));
      announce(messages.join(" "));
    }

    // A link such as `?account=sub&role=admin` sets the reader's answers and
    // role (values the site does not know are ignored); the applied
    // parameters then leave the address, so a reload keeps later changes.
    function applyLink() {
      const params = new URLSearchParams(window.location.search);
      const answers = {};
      // Every parameter of ours leaves the address, valid or not.
      const used = [];
      (manifest.questions || []).forEach((question) => {
        const value = params.get(question.id);
        if (value === null) return;
        used.push(question.id);
        if (question.answers.some((answer) => answer.id === value)) answers[question.id] = value;
      });
      if (Object.keys(answers).length) store.setAnswers(answers);
      const role = params.get("role");
      if (role !== null && (manifest.roles.length || used.length)) {
        used.push("role");
        if (manifest.roles.some((known) => known.id === role)) store.setRole(role);
      }
      if (!used.length) return;
      used.forEach((name) => params.delete(name));
      const search = params.toString();
      try {
        window.history.replaceState(window.history.state, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
      } catch (error) {
        // A file:// page may refuse; the link then simply applies again.
      }
    }

    // Ticks saved before steps had hashes take the current text as seen.
    function adoptHashes() {
      const hashes = {};
      store.doneKeys().forEach((key) => {
        const step = steps.get(key);
        if (step && step.hash && !store.hashAt(key)) hashes[key] = step.hash;
      });
      store.setHashes(hashes, true);
    }

    // Everything tied to the page's elements: on load, and again after a
    // patch replaced or reset some of them. Idempotent: the extensions'
    // listeners of the last round are undone first (api.signal), elements
    // this script added are added once.
    function decorate() {
      if ((window.offboardDetails || []).length !== detailsMerged && manifest.loaded) {
        manifest.loaded.clear();
        merge(manifest);
      }
      decoration.abort();
      decoration = new AbortController();
      items = Array.from(document.querySelectorAll("li.step[data-key]"));
      // This page's markup says what a summary manifest may leave out.
      items.forEach((item) => adoptMarkup(steps.get(item.dataset.key), item.dataset));
      if (items.some((item) => item.dataset.choice)) index();
      if (!live.isConnected) body.append(live);
      if (dialog && !dialog.isConnected) body.append(dialog);
      addNavFigures();
      panel = buildPanel();
      hooks.length = 0;
      const round = Object.assign({}, api, { signal: decoration.signal });
      ns.extensions.forEach((extend) => extend(round));
      render();
      body.classList.add("checklist-ready");
    }

    applyLink();
    adoptHashes();
    store.onChange(render);
    decorate();
    running = {
      manifest,
      decorate,
      stop() {
        lifetime.abort();
        decoration.abort();
        live.remove();
        if (dialog) dialog.remove();
      },
    };
  }

  // After the dev server patched the page: the same manifest is applied to
  // the page again, with the step details that arrived again merged anew
  // (titles and texts); a manifest whose script ran again starts the
  // checklist anew.
  function refresh() {
    if (running && window.offboardManifest === running.manifest) return running.decorate();
    if (running) running.stop();
    running = null;
    start();
  }
  document.addEventListener("offboard:patched", refresh);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Reader progress in localStorage: one versioned record per site, validated
 * on every read. It holds the ticks (with their times and the text hash of
 * each ticked step), the reader's role, answers to the site's questions,
 * "hide what does not apply" and name. A version 1 record (ticks without
 * hashes, no answers) is read as it is and written back as version 2, so
 * no progress is lost. Corrupt or foreign data is reported with
 * console.warn and ignored; steps, questions and answers the site no
 * longer has are dropped quietly. Other tabs' writes arrive through the
 * `storage` event. Nothing leaves the browser. */
(function () {
  "use strict";
  const ns = (window.offboard = window.offboard || {});
  const VERSION = 2;
  // Versions this script reads (1: before answers and hashes).
  const READABLE = [1, 2];
  const HASH = /^[0-9a-f]{8}$/;

  const isObject = (value) =>
    value !== null && typeof value === "object" && !Array.isArray(value);

  function blank() {
    return {
      v: VERSION,
      done: Object.create(null),
      hashes: Object.create(null),
      answers: Object.create(null),
      role: "",
      hide: false,
      name: "",
    };
  }

  // Turns saved text into a record, keeping only what is valid and known.
  // `questions`: Map of question id -> Set of its answer ids.
  function parse(text, known, roles, questions, warn) {
    let raw;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      warn("is not valid JSON; it is ignored");
      return blank();
    }
    if (!isObject(raw) || !READABLE.includes(raw.v) || !isObject(raw.done)) {
      warn("is not a version " + READABLE.join(" or ") + " progress record; it is ignored");
      return blank();
    }
    const record = blank();
    let invalid = 0;
    for (const key of Object.keys(raw.done)) {
      const at = raw.done[key];
      if (typeof at !== "string" || Number.isNaN(Date.parse(at))) invalid += 1;
      else if (known.has(key)) record.done[key] = at;
    }
    if (invalid) warn("has " + invalid + " entries without a valid time; they are dropped");
    if (isObject(raw.hashes)) {
      Object.keys(raw.hashes).forEach((key) => {
        if (record.done[key] && typeof raw.hashes[key] === "string" && HASH.test(raw.hashes[key]))
          record.hashes[key] = raw.hashes[key];
      });
    }
    if (isObject(raw.answers)) {
      Object.keys(raw.answers).forEach((question) => {
        const allowed = questions.get(question);
        if (allowed && allowed.has(raw.answers[question])) record.answers[question] = raw.answers[question];
      });
    }
    if (roles.includes(raw.role)) record.role = raw.role;
    record.hide = raw.hide === true;
    if (typeof raw.name === "string") record.name = raw.name.slice(0, 200);
    return record;
  }

  // The URL of a page the summary does not name: its key as a folder.
  const urlOf = (key) => {
    const folder = key.replace(/_index$/, "");
    return folder + (folder === "" || folder.endsWith("/") ? "" : "/") + "index.html";
  };

  // "a b{1-3}" -> ["a", "b1", "b2", "b3"] (ids hold no spaces or braces).
  function expandIds(text) {
    const ids = [];
    text.split(" ").forEach((token) => {
      const run = /^(.*)\{(\d+)-(\d+)\}$/.exec(token);
      if (!run) return void ids.push(token);
      for (let n = Number(run[2]); n <= Number(run[3]); n += 1) ids.push(run[1] + n);
    });
    return ids;
  }

  // How many ids "a b{1-3}" stands for (4), without listing them.
  function countIds(text) {
    let count = 0;
    let from = 0;
    while (from <= text.length) {
      let end = text.indexOf(" ", from);
      if (end < 0) end = text.length;
      const open = text.indexOf("{", from);
      if (open >= 0 && open < end) {
        const dash = text.indexOf("-", open);
        count += Number(text.slice(dash + 1, end - 1)) - Number(text.slice(open + 1, dash)) + 1;
      } else count += 1;
      from = end + 1;
    }
    return count;
  }

  // The page key of a step key ("page#step" -> "page").
  const pageKeyOf = (key) => key.slice(0, key.indexOf("#") >>> 0);

  const idIn = (list, at) => (at === null || !list[at] ? "" : list[at].id);

  // One page of a summary. Its runs, steps and (unless the summary names
  // it) URL are made when first asked for, on the prototype rather than
  // as closures per page: a site of 10,000 pages makes 10,000 of these on
  // every page view, and most are only ever counted.
  class SummaryPage {
    constructor(manifest, key, part, raw, title, url) {
      this.key = key;
      this.title = title;
      this.part = part;
      this.texts = undefined;
      this._manifest = manifest;
      this._raw = raw;
      this._url = url;
      this._runs = null;
      this._steps = null;
    }
    get url() {
      return this._url || (this._url = urlOf(this.key));
    }
    set url(value) {
      this._url = value;
    }
    // { phase, role, when, choice, optional, irreversible, ids, count } per run.
    get runs() {
      if (this._runs) return this._runs;
      const { phases, roles } = this._manifest;
      this._runs = this._raw.map(([phase, role, ids, branch]) => {
        const shared = isObject(branch) ? branch : {};
        return {
          phase: idIn(phases, phase),
          role: idIn(roles, role),
          when: isObject(shared.when) ? shared.when : undefined,
          choice: typeof shared.choice === "string" ? this.key + "#" + shared.choice : undefined,
          optional: shared.optional === true,
          irreversible: shared.irreversible === true,
          ids,
          count: countIds(ids),
        };
      });
      return this._runs;
    }
    get expanded() {
      return this._steps !== null;
    }
    get steps() {
      if (!this._steps) this._steps = expandRuns(this.key, this.runs, this.texts);
      return this._steps;
    }
  }

  // A large site's manifest is a summary: each page as [key, part, runs],
  // its key without its part's folder (`folders`), a run being [phase,
  // role, ids] or [phase, role, ids, branch] (indexes into phases and
  // roles; branch: { when, choice (its id on the page), optional,
  // irreversible }, what the run's steps share). Gives it the shape of a
  // whole manifest (pages with key, title, url and steps { id, key, phase,
  // role, when, choice, optional, irreversible }), so that every figure
  // counts as on a smaller site; texts and titles arrive with the details
  // (mergeDetails), but the pages other parts need to name are in `names`.
  // A page's steps are made when first asked for (`page.steps`), so that a
  // page pays for the pages it looks at, not for the whole site: until
  // then `page.runs` ({ phase, role, when, choice, optional, count }) is
  // enough to count it (see pageCounts in checklist.js).
  ns.expandManifest = function (manifest) {
    if (!manifest.parts || manifest.loaded) return;
    manifest.loaded = new Set();
    const names = manifest.names || {};
    const folders = manifest.folders || [];
    manifest.pages = manifest.pages.map(([written, part, raw]) => {
      const key = (part === null ? "" : folders[part] || "") + written;
      const named = names[key];
      return new SummaryPage(manifest, key, part, raw, named ? named[0] : "", named ? named[1] : null);
    });
    const byKey = new Map(manifest.pages.map((page) => [page.key, page]));
    manifest.pageByKey = (key) => byKey.get(key);
    // Whether the site has the step `key`: only its own page is made.
    manifest.hasStep = (key) => {
      const page = byKey.get(pageKeyOf(key));
      return Boolean(page && page.steps.some((step) => step.key === key));
    };
  };

  // A summary page's steps from its runs (and texts, once they are here).
  function expandRuns(key, runs, texts) {
    const steps = [];
    runs.forEach((run) =>
      expandIds(run.ids).forEach((id) => {
        const step = { id, key: key + "#" + id };
        if (run.phase) step.phase = run.phase;
        if (run.role) step.role = run.role;
        if (run.when) step.when = run.when;
        if (run.choice) step.choice = run.choice;
        if (run.optional) step.optional = true;
        if (run.irreversible) step.irreversible = true;
        if (texts && typeof texts[steps.length] === "string") step.text = texts[steps.length];
        steps.push(step);
      })
    );
    return steps;
  }

  // Puts the details that have arrived (window.offboardDetails, one entry
  // per part: pages as [key, title, texts, url?]) into a summary's pages;
  // a page whose steps are not made yet gets its texts when they are. A
  // part whose script ran again (after a patch) is there twice: the latest
  // entry is taken.
  ns.mergeDetails = function (manifest) {
    if (!manifest.loaded) return;
    (window.offboardDetails || []).slice().reverse().forEach((detail) => {
      if (manifest.loaded.has(detail.part)) return;
      manifest.loaded.add(detail.part);
      detail.pages.forEach(([key, title, texts, url]) => {
        const page = manifest.pageByKey(key);
        if (!page) return;
        page.title = title;
        if (url) page.url = url;
        page.texts = texts;
        if (!page.expanded) return;
        page.steps.forEach((step, at) => {
          if (typeof texts[at] === "string") step.text = texts[at];
        });
      });
    });
  };

  // localStorage, or a memory stand-in where the browser refuses it.
  ns.openStorage = function () {
    try {
      const storage = window.localStorage;
      storage.getItem("offboard-site");
      return storage;
    } catch (error) {
      const items = new Map();
      return {
        unavailable: true,
        getItem: (key) => (items.has(key) ? items.get(key) : null),
        setItem: (key, value) => items.set(key, String(value)),
        removeItem: (key) => items.delete(key),
      };
    }
  };

  // `signal` (optional) ends its listening to other tabs.
  ns.createStore = function (manifest, storage, signal) {
    const key = "offboard-site:" + manifest.site;
    // The steps the site has: a summary manifest answers per page, so that
    // reading the progress costs the pages ticked, not the site.
    let known = null;
    if (manifest.hasStep) known = { has: manifest.hasStep };
    else {
      known = new Set();
      manifest.pages.forEach((page) => page.steps.forEach((step) => known.add(step.key)));
    }
    const roles = manifest.roles.map((role) => role.id);
    const questions = new Map(
      (manifest.questions || []).map((question) => [question.id, new Set(question.answers.map((answer) => answer.id))])
    );
    const listeners = [];
    let saved = !storage.unavailable;
    const warn = (problem) =>
      console.warn("offboard-site: the progress saved in localStorage[\"" + key + "\"] " + problem + ".");

    // The saved text last read: its problems are reported once, not again
    // at each read-change-write of the same text.
    let lastRead = null;
    function load() {
      let text = null;
      try {
        text = storage.getItem(key);
      } catch (error) {
        saved = false;
      }
      if (text === null) return blank();
      const seen = text === lastRead;
      lastRead = text;
      return parse(text, known, roles, questions, seen ? () => {} : warn);
    }

    let record = load();
    const emit = (fromOtherTab) => listeners.forEach((listener) => listener(fromOtherTab));

    // Read, change, write: another tab may have written since we last read.
    function update(change) {
      record = load();
      change(record);
      try {
        storage.setItem(key, JSON.stringify(record));
      } catch (error) {
        saved = false;
        console.warn("offboard-site: progress could not be saved:", error);
      }
      emit(false);
    }

    window.addEventListener(
      "storage",
      (event) => {
        if (event.key === key || event.key === null) {
          record = load();
          emit(true);
        }
      },
      { signal }
    );

    return {
      key,
      saved: () => saved,
      doneAt: (step) => record.done[step] || null,
      // The text hash the step had when it was ticked ("" if not known).
      hashAt: (step) => record.hashes[step] || "",
      // Keys of every ticked step.
      doneKeys: () => Object.keys(record.done),
      role: () => record.role,
      // The reader's answer to a question ("" when not answered).
      answer: (question) => record.answers[question] || "",
      hasAnswers: () => Object.keys(record.answers).length > 0,
      hide: () => record.hide,
      name: () => record.name,
      // Ticks or unticks a step; a tick keeps the step's text hash.
      setDone: (step, done, hash) =>
        update((r) => {
          if (!done) {
            delete r.done[step];
            delete r.hashes[step];
            return;
          }
          if (!r.done[step]) r.done[step] = new Date().toISOString();
          if (hash && HASH.test(hash)) r.hashes[step] = hash;
        }),
      // Records the current hashes of ticked steps ({ key: hash }): `adopt`
      // only fills in those missing (older records), otherwise they replace
      // (the reader confirmed a changed step). Writes only on a change.
      setHashes(hashes, adopt) {
        const wanted = Object.keys(hashes).filter(
          (step) => record.done[step] && HASH.test(hashes[step]) && record.hashes[step] !== hashes[step] && !(adopt && record.hashes[step])
        );
        if (!wanted.length) return;
        update((r) =>
          wanted.forEach((step) => {
            if (r.done[step] && !(adopt && r.hashes[step])) r.hashes[step] = hashes[step];
          })
        );
      },
      // Sets answers ({ question: answer or "" }); unknown ones are ignored.
      setAnswers: (answers) =>
        update((r) =>
          Object.keys(answers).forEach((question) => {
            const allowed = questions.get(question);
            if (!allowed) return;
            if (allowed.has(answers[question])) r.answers[question] = answers[question];
            else if (answers[question] === "") delete r.answers[question];
          })
        ),
      setRole: (role) => update((r) => (r.role = roles.includes(role) ? role : "")),
      setHide: (hide) => update((r) => (r.hide = Boolean(hide))),
      setName: (name) => update((r) => (r.name = String(name).slice(0, 200))),
      reset() {
        record = blank();
        try {
          storage.removeItem(key);
        } catch (error) {
          saved = false;
        }
        emit(false);
      },
      onChange: (listener) => listeners.push(listener),
    };
  };
})();

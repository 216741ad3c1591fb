/* Reader progress in localStorage: one versioned record per site, validated
 * on every read. Corrupt or foreign data is reported with console.warn and
 * ignored; steps the site no longer has are dropped quietly. Other tabs'
 * writes arrive through the `storage` event. Nothing leaves the browser. */
(function () {
  "use strict";
  const ns = (window.offboard = window.offboard || {});
  const VERSION = 1;

  const isObject = (value) =>
    value !== null && typeof value === "object" && !Array.isArray(value);

  function blank() {
    return { v: VERSION, done: Object.create(null), role: "", hide: false, name: "" };
  }

  // Turns saved text into a record, keeping only what is valid and known.
  function parse(text, known, roles, warn) {
    let raw;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      warn("is not valid JSON; it is ignored");
      return blank();
    }
    if (!isObject(raw) || raw.v !== VERSION || !isObject(raw.done)) {
      warn("is not a version " + VERSION + " progress record; it is ignored");
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
    if (roles.includes(raw.role)) record.role = raw.role;
    record.hide = raw.hide === true;
    if (typeof raw.name === "string") record.name = raw.name.slice(0, 200);
    return record;
  }

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

  ns.createStore = function (manifest, storage) {
    const key = "offboard-site:" + manifest.site;
    const known = new Set();
    manifest.pages.forEach((page) => page.steps.forEach((step) => known.add(step.key)));
    const roles = manifest.roles.map((role) => role.id);
    const listeners = [];
    let saved = !storage.unavailable;
    const warn = (problem) =>
      console.warn("offboard-site: the progress saved in localStorage[\"" + key + "\"] " + problem + ".");

    function load() {
      let text = null;
      try {
        text = storage.getItem(key);
      } catch (error) {
        saved = false;
      }
      return text === null ? blank() : parse(text, known, roles, warn);
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

    window.addEventListener("storage", (event) => {
      if (event.key === key || event.key === null) {
        record = load();
        emit(true);
      }
    });

    return {
      key,
      saved: () => saved,
      doneAt: (step) => record.done[step] || null,
      role: () => record.role,
      hide: () => record.hide,
      name: () => record.name,
      setDone: (step, done) =>
        update((r) => {
          if (!done) delete r.done[step];
          else if (!r.done[step]) r.done[step] = new Date().toISOString();
        }),
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

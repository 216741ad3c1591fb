/* The overview page's tools: the reader's name, the completion record as a
 * JSON file (a Blob download: nothing is uploaded) and as a printable
 * section (who, with their role and answers; which steps, when each was
 * ticked, alternatives said as such and optional ones marked; what is
 * still open, a group of alternatives as one entry; the steps that do not
 * apply, apart), and reset after confirmation in a <dialog>. */
(function () {
  "use strict";
  const ns = (window.offboard = window.offboard || {});
  (ns.extensions = ns.extensions || []).push(function recordTools(api) {
    const tools = document.querySelector("[data-checklist-tools]");
    if (!tools) return;
    const { manifest, store, words, label, el, announce, textOf, loadAll, applies, met, choices, steps, tally } = api;
    // Ends these listeners when the checklist wires the page again.
    const once = { signal: api.signal };
    const questions = manifest.questions || [];
    const colon = manifest.language.toLowerCase().startsWith("zh") ? "：" : ": ";
    const find = (selector) => document.querySelector(selector);
    const nameInput = find("[data-reader-name]");
    const record = find("[data-record]");
    const dialog = find("[data-reset-dialog]");
    const resetButton = find("[data-reset]");
    const printButton = find("[data-print-record]");
    const when = (iso) =>
      new Date(iso).toLocaleString(manifest.language, { dateStyle: "medium", timeStyle: "short" });
    const readerName = () => nameInput.value.trim();

    // Every step of the site, in reading order, with its state.
    function entries() {
      const list = [];
      manifest.pages.forEach((page) =>
        page.steps.forEach((step) => list.push({ page, step, at: store.doneAt(step.key) }))
      );
      return list;
    }

    // The reader's answers, as { question, question_label, answer, answer_label }.
    const answers = () =>
      questions
        .filter((question) => store.answer(question.id))
        .map((question) => ({
          question: question.id,
          question_label: question.label,
          answer: store.answer(question.id),
          answer_label: label(question.answers, store.answer(question.id)),
        }));

    // A condition in words: "question: answer or answer、…".
    function conditionWords(step) {
      const parts = [];
      // The role only where it is what rules the step out.
      if (step.role && store.role() && step.role !== store.role())
        parts.push(words("role") + colon + label(manifest.roles, step.role));
      Object.keys(step.when || {}).forEach((id) => {
        const question = questions.find((known) => known.id === id);
        if (!question) return;
        const allowed = step.when[id].map((answer) => label(question.answers, answer)).join(" " + words("record_or") + " ");
        parts.push(question.label + colon + allowed);
      });
      return parts.join(manifest.separator);
    }

    function data() {
      const list = entries();
      return {
        format: "offboard-site completion record",
        version: 2,
        site: { title: manifest.title, key: manifest.site },
        exported_at: new Date().toISOString(),
        reader: { name: readerName(), role: store.role(), role_label: label(manifest.roles, store.role()), answers: answers() },
        // Counted as the progress is: units that apply to this reader.
        summary: (({ done, total }) => ({ done, total }))(tally("checklist")),
        steps: list.map(({ page, step, at }) => ({
          key: step.key,
          id: step.id,
          text: step.text || textOf(step.key),
          page: page.title,
          page_url: page.url,
          role: step.role || "",
          role_label: label(manifest.roles, step.role),
          phase: step.phase || "",
          phase_label: label(manifest.phases, step.phase),
          applies: applies(step),
          optional: Boolean(step.optional),
          choice: step.choice || "",
          irreversible: Boolean(step.irreversible),
          done: Boolean(at),
          ticked_at: at,
        })),
      };
    }

    function download() {
      store.setName(readerName());
      const json = JSON.stringify(data(), null, 2) + "\n";
      const link = el("a", {
        href: URL.createObjectURL(new Blob([json], { type: "application/json" })),
        download: "completion-record-" + new Date().toISOString().slice(0, 10) + ".json",
        hidden: true,
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    }

    function table(rows, columns) {
      if (!rows.length) return el("p", { class: "record-empty", text: words("record_none") });
      return el("table", { class: "record-table" }, [
        el("thead", {}, [el("tr", {}, columns.map((column) => el("th", { scope: "col", text: words(column) })))]),
        el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell) => el("td", { text: cell }))))),
      ]);
    }

    // The texts of a group's members that apply, "A 或 B".
    const groupText = (choice) =>
      (choices.get(choice) || [])
        .map((key) => steps.get(key))
        .filter((step) => applies(step))
        .map((step) => step.text || textOf(step.key))
        .join(" " + words("record_or") + " ");
    const aside = (text) => manifest.brackets.replace("{}", text);

    // A done step's text, marked when optional or one of alternatives.
    function doneText(step) {
      if (step.optional) return step.text + aside(words("record_optional"));
      if (step.choice) return step.text + aside(words("record_choice") + colon + groupText(step.choice));
      return step.text;
    }

    // Open units that apply: a step, or a group as one row; optional
    // steps are not to do.
    function openRows(list) {
      const rows = [];
      const seen = new Set();
      list.forEach((step) => {
        if (!step.applies || step.optional || step.done) return;
        if (!step.choice) return rows.push([step.text, step.page, step.role_label, step.phase_label]);
        if (seen.has(step.choice) || met(step.key)) return;
        seen.add(step.choice);
        rows.push([groupText(step.choice) + aside(words("record_choice")), step.page, step.role_label, step.phase_label]);
      });
      return rows;
    }

    function fillRecord() {
      const all = data();
      const done = all.steps.filter((step) => step.done && step.applies);
      const open = openRows(all.steps);
      const na = all.steps.filter((step) => !step.applies);
      const fact = (term, value) => el("div", {}, [el("dt", { text: term }), el("dd", { text: value || "—" })]);
      const count = (key, n) => words(key) + manifest.brackets.replace("{}", n);
      find("[data-record-body]").replaceChildren(
        el("dl", { class: "record-facts" }, [
          fact(words("record_guide"), manifest.title),
          fact(words("record_name"), all.reader.name),
          fact(words("role"), all.reader.role_label || words("role_everyone")),
          ...questions.map((question) =>
            fact(question.label, label(question.answers, store.answer(question.id)) || words("answer_none"))
          ),
          fact(words("record_generated"), when(all.exported_at)),
          fact(words("progress"), words("progress_count_long", all.summary)),
        ]),
        el("h3", { class: "record-heading", text: count("record_done", done.length) }),
        table(
          done.map((step) => [doneText(step), step.page, step.role_label, when(step.ticked_at)]),
          ["record_step", "record_page", "role", "record_ticked"]
        ),
        el("h3", { class: "record-heading", text: count("record_open", open.length) }),
        table(open, ["record_step", "record_page", "role", "phase"]),
        na.length ? el("h3", { class: "record-heading", text: count("record_na", na.length) }) : null,
        na.length
          ? table(
              na.map((step) => [step.text + (step.done ? aside(words("status_done")) : ""), step.page, conditionWords(steps.get(step.key) || {})]),
              ["record_step", "record_page", "record_condition"]
            )
          : null,
        el("div", { class: "record-sign" }, [
          el("p", { text: words("record_received") }),
          el("p", { text: words("record_date") }),
        ]),
        el("p", { class: "record-actions" }, [
          el("button", { type: "button", class: "button button-primary", "data-record-print": true, text: words("print") }),
          el("button", { type: "button", class: "button", "data-record-close": true, text: words("close_record") }),
        ])
      );
    }

    function showRecord() {
      store.setName(readerName());
      fillRecord();
      record.hidden = false;
      document.body.classList.add("show-record");
      record.focus();
    }

    function hideRecord() {
      record.hidden = true;
      document.body.classList.remove("show-record");
      printButton.focus();
    }

    tools.hidden = false;
    nameInput.value = store.name();
    nameInput.addEventListener("change", () => store.setName(readerName()), once);
    // A large site's record needs every part's step details first.
    find("[data-export-json]").addEventListener("click", () => loadAll(download), once);
    printButton.addEventListener(
      "click",
      () =>
        loadAll(() => {
          showRecord();
          window.print();
        }),
      once
    );
    record.addEventListener(
      "click",
      (event) => {
        if (event.target.closest("[data-record-print]")) window.print();
        if (event.target.closest("[data-record-close]")) hideRecord();
      },
      once
    );

    resetButton.addEventListener("click", () => {
      const text = words("reset_text", { done: entries().filter((entry) => entry.at).length });
      if (!dialog.showModal) {
        if (window.confirm(text)) dialog.dispatchEvent(new Event("confirm"));
        return;
      }
      find("[data-reset-text]").textContent = text;
      dialog.returnValue = "";
      dialog.showModal();
    }, once);
    const reset = () => {
      store.reset();
      nameInput.value = "";
      announce(words("live_reset"));
    };
    dialog.addEventListener("confirm", reset, once);
    dialog.addEventListener(
      "close",
      () => {
        if (dialog.returnValue === "reset") reset();
        resetButton.focus();
      },
      once
    );

    api.onRender(() => {
      if (document.activeElement !== nameInput) nameInput.value = store.name();
      if (!record.hidden) fillRecord();
    });
  });
})();

/* Who the reader is and what applies to them. The role filter ("I am ...")
 * is built from the site's roles into every [data-role-filter] slot: the
 * reader's choice is remembered, shown as a checked radio button, and undone
 * by choosing "Everyone". The answers panels ([data-answers], written by the
 * templates from the site's questions, disabled until this script runs)
 * set the reader's answers, kept with the progress. One setting, "hide
 * steps that do not apply to me", hides instead of marking the steps of
 * other roles and those the answers rule out; it is offered in the role
 * filter's slot once a role or an answer is chosen. Listeners end with
 * api.signal: after a patch of the page, the checklist wires it again. */
(function () {
  "use strict";
  const ns = (window.offboard = window.offboard || {});

  // The role radios and the "hide" box in the sidebar slot.
  function roleFilter(api) {
    const { manifest, store, words, label, el, announce, signal } = api;
    const questions = manifest.questions || [];
    if (!manifest.roles.length && !questions.length) return;
    document.querySelectorAll("[data-role-filter]").forEach((slot, index) => {
      const written = slot.querySelector(".role-choice");
      if (written) return void enableWritten(api, slot, written);
      const hide = el("input", { type: "checkbox", class: "role-hide-check" });
      const hideRow = el("label", { class: "role-hide" }, [hide, el("span", { text: words("role_hide_others") })]);
      hide.addEventListener("change", () => store.setHide(hide.checked), { signal });
      let radios = [];
      if (manifest.roles.length) {
        const options = [{ id: "", label: words("role_everyone") }].concat(manifest.roles);
        radios = options.map((role) =>
          el("input", { type: "radio", name: "offboard-role-" + index, value: role.id, class: "role-radio" })
        );
        slot.replaceChildren(
          el("fieldset", { class: "role-choice" }, [
            el("legend", { class: "role-legend", text: words("role_legend") }),
            el(
              "div",
              { class: "role-options" },
              options.map((role, at) => el("label", { class: "role-option" }, [radios[at], el("span", { text: role.label })]))
            ),
            hideRow,
          ])
        );
      } else {
        slot.replaceChildren(hideRow);
      }
      radios.forEach((radio) =>
        radio.addEventListener(
          "change",
          () => {
            store.setRole(radio.value);
            const role = label(manifest.roles, radio.value);
            announce(role ? words("live_role", { role }) : words("live_role_everyone"));
          },
          { signal }
        )
      );
      api.onRender(() => {
        radios.forEach((radio) => (radio.checked = radio.value === store.role()));
        hide.checked = store.hide();
        hideRow.hidden = !store.role() && !store.hasAnswers();
        // Without roles the slot holds only the box: it goes with it.
        slot.hidden = !radios.length && hideRow.hidden;
      });
      slot.hidden = !radios.length;
    });
  }

  // A role filter the template wrote (so that nothing moves when it is
  // enabled): its radios and "hide" box are wired like built ones; the box
  // keeps its line while there is nothing to hide.
  function enableWritten(api, slot, fieldset) {
    const { manifest, store, words, label, announce, signal } = api;
    const radios = Array.from(fieldset.querySelectorAll(".role-radio"));
    const hide = fieldset.querySelector(".role-hide-check");
    const hideRow = fieldset.querySelector(".role-hide");
    fieldset.disabled = false;
    hide?.addEventListener("change", () => store.setHide(hide.checked), { signal });
    radios.forEach((radio) =>
      radio.addEventListener(
        "change",
        () => {
          store.setRole(radio.value);
          const role = label(manifest.roles, radio.value);
          announce(role ? words("live_role", { role }) : words("live_role_everyone"));
        },
        { signal }
      )
    );
    // The folded filter's summary (on a phone) says the current choice.
    const current = slot.querySelector("[data-role-current]");
    api.onRender(() => {
      radios.forEach((radio) => (radio.checked = radio.value === store.role()));
      if (current) current.textContent = chosenLabel(radios);
      if (!hide) return;
      hide.checked = store.hide();
      const inactive = !store.role() && !store.hasAnswers();
      hideRow.classList.toggle("is-inactive", inactive);
      hide.disabled = inactive;
    });
    slot.hidden = false;
  }

  // The server-written answers panels: enabled, kept in step with the
  // saved answers (also when another tab changes them).
  function answersPanels(api) {
    const { store, words, announce, signal } = api;
    document.querySelectorAll("[data-answers] fieldset[data-question]").forEach((fieldset) => {
      const question = fieldset.dataset.question;
      const radios = Array.from(fieldset.querySelectorAll("input[type=radio]"));
      fieldset.disabled = false;
      fieldset.addEventListener(
        "change",
        (event) => {
          if (!radios.includes(event.target)) return;
          store.setAnswers({ [question]: event.target.value });
          announce(words("live_answers") + " " + api.progressMessage());
        },
        { signal }
      );
      api.onRender(() => radios.forEach((radio) => (radio.checked = radio.value === store.answer(question))));
    });
    // A folded panel's summary (on a phone) says the answers given, or
    // that there are none ("not sure").
    document.querySelectorAll("[data-answers]").forEach((panel) => {
      const current = panel.querySelector("[data-answers-current]");
      if (!current) return;
      const unset = current.textContent;
      api.onRender(() => {
        const given = Array.from(panel.querySelectorAll(".answer-radio:checked"))
          .filter((radio) => radio.value)
          .map((radio) => radio.closest("label").textContent.trim());
        current.textContent = given.length ? given.join(" · ") : unset;
      });
    });
    document.querySelectorAll("[data-answers]").forEach((panel) => panel.classList.add("is-ready"));
  }

  // The words of the checked radio button's label.
  function chosenLabel(radios) {
    const checked = radios.find((radio) => radio.checked) || radios[0];
    return checked ? checked.closest("label").textContent.trim() : "";
  }

  (ns.extensions = ns.extensions || []).push(roleFilter, answersPanels);
})();

/* The role filter ("I am ..."), built from the site's roles into every
 * [data-role-filter] slot: the reader's choice is remembered, shown as a
 * checked radio button, and undone by choosing "Everyone". Other roles'
 * steps are dimmed, or hidden when the reader asks. */
(function () {
  "use strict";
  const ns = (window.offboard = window.offboard || {});
  (ns.extensions = ns.extensions || []).push(function roleFilter(api) {
    const { manifest, store, words, label, el, announce } = api;
    if (!manifest.roles.length) return;
    document.querySelectorAll("[data-role-filter]").forEach((slot, index) => {
      const options = [{ id: "", label: words("role_everyone") }].concat(manifest.roles);
      const radios = options.map((role) =>
        el("input", { type: "radio", name: "offboard-role-" + index, value: role.id, class: "role-radio" })
      );
      const hide = el("input", { type: "checkbox", class: "role-hide-check" });
      const hideRow = el("label", { class: "role-hide" }, [hide, el("span", { text: words("role_hide_others") })]);
      const fieldset = el("fieldset", { class: "role-choice" }, [
        el("legend", { class: "role-legend", text: words("role_legend") }),
        el(
          "div",
          { class: "role-options" },
          options.map((role, at) => el("label", { class: "role-option" }, [radios[at], el("span", { text: role.label })]))
        ),
        hideRow,
      ]);
      slot.replaceChildren(fieldset);
      slot.hidden = false;
      radios.forEach((radio) =>
        radio.addEventListener("change", () => {
          store.setRole(radio.value);
          const role = label(manifest.roles, radio.value);
          announce(role ? words("live_role", { role }) : words("live_role_everyone"));
        })
      );
      hide.addEventListener("change", () => store.setHide(hide.checked));
      api.onRender(() => {
        radios.forEach((radio) => (radio.checked = radio.value === store.role()));
        hide.checked = store.hide();
        hideRow.hidden = !store.role();
      });
    });
  });
})();

/* Search box loader, on every page. The box is in the page's HTML (so
 * nothing moves when this runs; a page without script hides it by CSS);
 * for a theme whose header has only an empty #search it draws the box
 * (labelled from its data- attributes). It makes `/` focus it; the
 * search itself (assets/search/engine.js) and the index (search/*.js) load
 * with a <script src> when the reader first focuses or types in the box, so
 * nothing else weighs on page load and it works from file:// and under
 * `script-src 'self'`. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    return node;
  }

  var input = document.getElementById("search-input") || drawBox();

  /* The box for a theme that leaves #search empty; returns its input. */
  function drawBox() {
    var label = el("label", { for: "search-input", class: "visually-hidden", text: box.dataset.label || "Search" });
    var field = el("div", { class: "search-field" });
    var input = el("input", {
      id: "search-input",
      // Text, not search: a combobox is allowed on a text input only.
      type: "text",
      role: "combobox",
      "aria-expanded": "false",
      "aria-controls": "search-listbox",
      "aria-autocomplete": "list",
      "aria-keyshortcuts": "/",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      enterkeyhint: "search",
      placeholder: box.dataset.placeholder || "",
    });
    var key = el("kbd", { class: "search-key", "aria-hidden": "true", text: "/" });
    var panel = el("div", { class: "search-panel", id: "search-panel", hidden: "" });
    var listbox = el("div", { id: "search-listbox", role: "listbox", "aria-label": box.dataset.label || "Search" });
    field.append(input, key);
    panel.append(listbox);
    box.append(label, field, panel);
    return input;
  }

  var requested = false;
  function load() {
    if (requested) return;
    requested = true;
    var script = el("script", { src: (document.body.dataset.assets || document.body.dataset.root || "") + "assets/search/engine.js" });
    script.onerror = function () {
      requested = false;
    };
    document.head.append(script);
  }
  input.addEventListener("focus", load);
  input.addEventListener("input", load);

  /* Whether a key press there types text (a step's checkbox does not). */
  function typing(target) {
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)) return true;
    return target.tagName === "INPUT" &&
      !/^(checkbox|radio|button|submit|reset|range|color|file|image)$/.test(target.type);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typing(event.target)) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
})();

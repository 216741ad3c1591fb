/* Copy buttons on code blocks.
 *
 * The Markdown renderer writes every code block as
 * <div class="code-block"><pre><code>…</code></pre></div>. This script adds
 * to each a <div class="code-tools"> holding a <button class="code-copy">
 * and an empty <span class="code-copy-status" role="status">, so a page
 * read without JavaScript shows no button that cannot work. A click (or
 * Enter/Space, the button's own keys) copies the block's text and says so
 * in words in the status region, which screen readers announce. The words
 * come from the <body>'s data-copy, data-copied and data-copy-failed (the
 * site's language), in English when a theme leaves them out. When the
 * browser refuses (no clipboard access), the script selects the code and
 * says data-copy-failed instead.
 * A classic script with no inline code: it runs under
 * `Content-Security-Policy: script-src 'self'` and from file://. */
(function () {
  "use strict";

  var CLEAR_AFTER_MS = 2000;

  function word(name, fallback) {
    return (document.body && document.body.getAttribute(name)) || fallback;
  }

  function codeOf(block) {
    return block.querySelector("pre code") || block.querySelector("pre");
  }

  function say(tools, words) {
    var status = tools.querySelector(".code-copy-status");
    status.textContent = words;
    clearTimeout(tools.offboardClear);
    tools.offboardClear = setTimeout(function () {
      status.textContent = "";
    }, CLEAR_AFTER_MS);
  }

  function selectCode(block) {
    var code = codeOf(block);
    if (!code || !window.getSelection) return;
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyWithSelection(block) {
    // The older way, for pages where navigator.clipboard is missing
    // (plain http from another machine): copy the selected code.
    selectCode(block);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(block, tools) {
    var code = codeOf(block);
    var text = code ? code.textContent : "";
    var done = function () {
      say(tools, word("data-copied", "Copied"));
    };
    var failed = function () {
      if (copyWithSelection(block)) {
        done();
      } else {
        selectCode(block);
        say(tools, word("data-copy-failed", "Copy failed; select the text"));
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  function addTools(block) {
    var tools = document.createElement("div");
    tools.className = "code-tools";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy";
    button.textContent = word("data-copy", "Copy");
    var status = document.createElement("span");
    status.className = "code-copy-status";
    status.setAttribute("role", "status");
    tools.appendChild(button);
    tools.appendChild(status);
    block.appendChild(tools);
    button.addEventListener("click", function () {
      copy(block, tools);
    });
  }

  function init() {
    var blocks = document.querySelectorAll(".code-block");
    for (var i = 0; i < blocks.length; i++) {
      if (!blocks[i].querySelector(".code-tools")) addTools(blocks[i]);
    }
  }

  // The dev server's patch of the page may bring new code blocks.
  document.addEventListener("offboard:patched", init);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

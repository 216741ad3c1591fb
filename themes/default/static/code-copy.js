/* Copy buttons on code blocks.
 *
 * The Markdown renderer writes, after every <pre> of a code block, a hidden
 * <div class="code-tools"> with a <button class="code-copy"> and an empty
 * <span class="code-copy-status" role="status">. This script shows them and,
 * on a click (or Enter/Space, the button's own keys), copies the block's
 * text and says so in words ("已复制" / "Copied", from data-copied) in the
 * status region, which screen readers announce. When the browser refuses
 * (no clipboard access), it selects the code and says data-failed instead.
 * A classic script with no inline code: it runs under
 * `Content-Security-Policy: script-src 'self'` and from file://. */
(function () {
  "use strict";

  var CLEAR_AFTER_MS = 2000;

  function codeOf(button) {
    var block = button.closest(".code-block");
    var code = block && block.querySelector("pre code");
    return code ? code.textContent : "";
  }

  function say(button, words) {
    var status = button.parentNode.querySelector(".code-copy-status");
    if (!status) return;
    status.textContent = words;
    clearTimeout(button.offboardClear);
    button.offboardClear = setTimeout(function () {
      status.textContent = "";
    }, CLEAR_AFTER_MS);
  }

  function selectCode(button) {
    var block = button.closest(".code-block");
    var code = block && block.querySelector("pre code");
    if (!code || !window.getSelection) return;
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyWithSelection(button) {
    // The older way, for pages where navigator.clipboard is missing
    // (plain http from another machine): copy the selected code.
    selectCode(button);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(button) {
    var text = codeOf(button);
    var done = function () {
      say(button, button.getAttribute("data-copied") || "Copied");
    };
    var failed = function () {
      if (copyWithSelection(button)) {
        done();
      } else {
        selectCode(button);
        say(button, button.getAttribute("data-failed") || "Copy failed");
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  function init() {
    var tools = document.querySelectorAll(".code-block > .code-tools");
    for (var i = 0; i < tools.length; i++) {
      tools[i].hidden = false;
    }
    document.addEventListener("click", function (event) {
      var target = event.target;
      var button = target && target.closest ? target.closest(".code-copy") : null;
      if (button) copy(button);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

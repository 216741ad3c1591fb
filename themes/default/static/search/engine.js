/* The search, loaded by search.js when a reader starts searching.
 *
 * The index is made at build time (src/search/) into classic scripts under
 * search/: index.js (sizes and interface words), s{n}.js (terms → weighted
 * postings; a term is in shard `(c1 * 31 + c2) % shards` of its first two
 * code points) and t{n}.js (page titles and block texts). Each pushes its data onto self.offboardSearch;
 * they are fetched with <script src>, which works from file:// too.
 *
 * Segmentation and ranking mirror src/search/tokens.rs and rank.rs line for
 * line, so that tests/search-cases.json holds for both. Results are built
 * from DOM nodes and text only, never from HTML strings. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-panel");
  var listbox = document.getElementById("search-listbox");
  if (!box || !input || !panel || !listbox || box.dataset.engine) return;
  box.dataset.engine = "ready";

  var ROOT = document.body.dataset.root || "";
  var BASE = ROOT + "search/";
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = {};
  for (var d = 0; d < 64; d++) DIGIT[ALPHABET[d]] = d;
  var RERANK = 24;
  var PREFIX_MIN = 2;
  var MAX_WORD = 40;
  var DEBOUNCE_MS = 90;
  var SNIPPET = 96;

  /* ------------------------------------------------------------ loading */

  var received = {}; // "kind:n" → data
  var waiting = {}; // "kind:n" → [resolve, reject][]
  var requested = {};

  /* A step stored as kind 3 has its text without its title, which it
   * starts with (src/search/emit.rs, `stored`): put the title back. */
  function expand(chunk) {
    chunk.blocks.forEach(function (block) {
      if (block[1] === 3) {
        block[1] = 2;
        block[4] = block[3] + block[4];
      }
    });
  }
  function receive(entry) {
    if (entry[0] === "t") expand(entry[2]);
    var id = entry[0] + ":" + entry[1];
    received[id] = entry[2];
    (waiting[id] || []).forEach(function (pair) { pair[0](entry[2]); });
    delete waiting[id];
  }
  var queue = self.offboardSearch;
  self.offboardSearch = { push: receive };
  if (Array.isArray(queue)) queue.forEach(receive);

  function need(kind, n, file) {
    var id = kind + ":" + n;
    if (id in received) return Promise.resolve(received[id]);
    return new Promise(function (resolve, reject) {
      (waiting[id] = waiting[id] || []).push([resolve, reject]);
      if (requested[id]) return;
      requested[id] = true;
      var script = document.createElement("script");
      script.src = BASE + file;
      script.onerror = function () {
        delete requested[id];
        (waiting[id] || []).forEach(function (pair) { pair[1](new Error(file)); });
        delete waiting[id];
      };
      document.head.append(script);
    });
  }

  var meta = null;
  function loadMeta() {
    return need("index", 0, "index.js").then(function (data) {
      if (!meta) listbox.setAttribute("aria-label", (data.words && data.words.results_label) || "");
      meta = data;
      return data;
    });
  }
  function shardOf(text) {
    var chars = Array.from(text);
    var key = chars.length > 1 ? chars[0].codePointAt(0) * 31 + chars[1].codePointAt(0) : chars[0].codePointAt(0);
    return key % Math.max(1, meta.shards);
  }
  function loadShard(n) { return need("s", n, "s" + n + ".js"); }
  function chunkOf(block) {
    var c = 0;
    while (c + 1 < meta.chunks.length && meta.chunks[c + 1] <= block) c++;
    return c;
  }
  function loadChunk(n) { return need("t", n, "t" + n + ".js"); }
  /* [page, stored block] for a block id, once its chunk is loaded. */
  function blockOf(id) {
    var c = chunkOf(id);
    var chunk = received["t:" + c];
    if (!chunk) return null;
    var block = chunk.blocks[id - meta.chunks[c]];
    return block ? [chunk.pages[block[0]], block] : null;
  }

  /* ------------------------------------------------------- segmentation */

  var WORD = /[\p{Alphabetic}\p{N}]/u;
  var CJK = 1, WORDS = 2, SPACE = 0;

  function normalizeChar(ch) {
    var code = ch.codePointAt(0);
    if (code >= 0xff01 && code <= 0xff5e) ch = String.fromCodePoint(code - 0xfee0);
    else if (code === 0x3000) ch = " ";
    var lower = ch.toLowerCase();
    return Array.from(lower).length === 1 ? lower : ch;
  }
  function isCjk(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
  }
  function classOf(ch) {
    if (isCjk(ch)) return CJK;
    return WORD.test(ch) ? WORDS : SPACE;
  }
  function runs(text) {
    var out = [];
    var current = null;
    for (var ch of text) {
      var c = normalizeChar(ch);
      var cls = classOf(c);
      if (cls === SPACE) current = null;
      else if (current && current.cls === cls) current.chars.push(c);
      else out.push((current = { cls: cls, chars: [c] }));
    }
    return out;
  }
  function queryTerms(query) {
    var chars = Array.from(query);
    var last = chars[chars.length - 1];
    var openEnd = last !== undefined && classOf(normalizeChar(last)) !== SPACE;
    var found = runs(query);
    var terms = [];
    found.forEach(function (run, n) {
      var fresh = [];
      if (run.cls === WORDS) {
        fresh.push({
          text: run.chars.slice(0, MAX_WORD).join(""),
          prefix: n + 1 === found.length && openEnd && run.chars.length >= PREFIX_MIN &&
            run.chars.length < MAX_WORD,
        });
      } else if (run.chars.length === 1) {
        fresh.push({ text: run.chars[0], prefix: false });
      } else {
        for (var i = 0; i + 1 < run.chars.length; i++) {
          fresh.push({ text: run.chars[i] + run.chars[i + 1], prefix: false });
        }
      }
      fresh.forEach(function (term) {
        if (!terms.some(function (known) { return known.text === term.text; })) terms.push(term);
      });
    });
    return terms;
  }
  function compact(text) {
    var out = "";
    for (var ch of text) {
      var c = normalizeChar(ch);
      if (classOf(c) !== SPACE) out += c;
    }
    return out;
  }
  function isBigram(term) {
    var chars = Array.from(term.text);
    return chars.length === 2 && chars.every(isCjk);
  }

  /* ------------------------------------------------------------ ranking */

  /* Calls each(id, weight) for postings written by src/search/postings.rs:
   * per posting a varint (5 bits a character, 32 set while more follow,
   * low bits first) of gap * 4 + w, where w 0-2 picks a COMMON weight and
   * 3 says a weight character follows. */
  var COMMON = [4, 5, 24];
  function decode(text, each) {
    var id = 0;
    for (var i = 0; i < text.length; ) {
      var number = 0;
      var scale = 1;
      var value;
      do {
        value = DIGIT[text[i++]];
        number += (value % 32) * scale;
        scale *= 32;
      } while (value >= 32 && i < text.length);
      var w = number % 4;
      id += (number - w) / 4;
      each(id, w < 3 ? COMMON[w] : DIGIT[text[i++]]);
    }
  }
  function postings(term) {
    var shard = received["s:" + shardOf(term.text)] || {};
    var found = new Map();
    function add(text) {
      decode(text, function (id, weight) {
        found.set(id, Math.max(found.get(id) || 0, weight));
      });
    }
    if (term.prefix) {
      Object.keys(shard).forEach(function (key) {
        if (key.startsWith(term.text)) add(shard[key]);
      });
    } else if (Object.prototype.hasOwnProperty.call(shard, term.text)) {
      add(shard[term.text]);
    }
    return found;
  }
  function byScore(a, b) {
    return b.score - a.score || a.block - b.block;
  }
  function phraseBonus(phrase, page, block) {
    if (!phrase) return 1;
    var title = block[1] === 0 ? page.title : block[3];
    if (compact(title).includes(phrase)) return 2;
    if (compact(block[4]).includes(phrase)) return 1.5;
    return 1;
  }
  /* Resolves to { total, hits: [{ block, score }] } with the text chunks
   * of the hits loaded. Mirrors SearchData::search in src/search/rank.rs. */
  function search(query) {
    var terms = queryTerms(query);
    if (!terms.length) return Promise.resolve({ total: 0, hits: [] });
    var shards = [];
    terms.forEach(function (term) {
      var n = shardOf(term.text);
      if (shards.indexOf(n) < 0) shards.push(n);
    });
    return Promise.all(shards.map(loadShard)).then(function () {
      var lists = terms.map(postings);
      var bigrams = terms.filter(isBigram).length;
      var needBigrams = bigrams - Math.floor(bigrams / 3);
      var others = terms.length - bigrams;
      var candidates = new Map();
      terms.forEach(function (term, i) {
        var list = lists[i];
        var idf = Math.log(1 + meta.blocks / Math.max(1, list.size));
        var bigram = isBigram(term);
        list.forEach(function (weight, id) {
          var entry = candidates.get(id);
          if (!entry) candidates.set(id, (entry = { score: 0, bigrams: 0, others: 0 }));
          entry.score += weight * idf;
          if (bigram) entry.bigrams += 1;
          else entry.others += 1;
        });
      });
      var hits = [];
      candidates.forEach(function (entry, id) {
        if (entry.others !== others || entry.bigrams < needBigrams) return;
        var share = (entry.bigrams + entry.others) / terms.length;
        hits.push({ block: id, score: entry.score * share * share });
      });
      var total = hits.length;
      hits.sort(byScore);
      hits = hits.slice(0, RERANK);
      var chunks = [];
      hits.forEach(function (hit) {
        var c = chunkOf(hit.block);
        if (chunks.indexOf(c) < 0) chunks.push(c);
      });
      return Promise.all(chunks.map(loadChunk)).then(function () {
        var phrase = compact(query);
        hits.forEach(function (hit) {
          var found = blockOf(hit.block);
          if (found) hit.score *= phraseBonus(phrase, found[0], found[1]);
          hit.score = Math.round(hit.score * 1e6) / 1e6;
        });
        hits.sort(byScore);
        return { total: total, hits: hits };
      });
    });
  }

  /* ----------------------------------------------------------- snippets */

  /* The text lower-cased and folded, the same length as the original so
   * that positions carry over. */
  function foldForMatch(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      var code = ch.charCodeAt(0);
      if (code >= 0xff01 && code <= 0xff5e) ch = String.fromCharCode(code - 0xfee0);
      var lower = ch.toLowerCase();
      out += lower.length === 1 ? lower : ch;
    }
    return out;
  }
  /* What to mark: the whole query where the text has it (spaces between
   * its parts optional); elsewhere its parts: each run, the bigrams of its
   * longer CJK runs, and lone characters only when nothing else is asked. */
  function needles(query) {
    var found = runs(query);
    var parts = [];
    found.forEach(function (run) {
      parts.push({ text: run.chars.join(""), word: run.cls === WORDS });
      if (run.cls === CJK && run.chars.length > 2) {
        for (var i = 0; i + 1 < run.chars.length; i++) {
          parts.push({ text: run.chars[i] + run.chars[i + 1], word: false });
        }
      }
    });
    var longer = parts.filter(function (part) { return part.word || part.text.length > 1; });
    var escape = function (text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); };
    var phrase = found.map(function (run) { return escape(run.chars.join("")); }).join("\\s*");
    return {
      phrase: parts.length > 1 ? new RegExp(phrase, "g") : null,
      parts: longer.length && longer.length < parts.length ? longer : parts,
    };
  }
  /* Sorted, merged [start, end) ranges to mark in text. */
  function ranges(text, list) {
    var folded = foldForMatch(text);
    var found = [];
    if (list.phrase) {
      list.phrase.lastIndex = 0;
      var match;
      while ((match = list.phrase.exec(folded))) {
        if (!match[0]) break;
        found.push([match.index, match.index + match[0].length]);
      }
    }
    if (!found.length) {
      list.parts.forEach(function (needle) {
        var at = folded.indexOf(needle.text);
        while (at >= 0) {
          var before = at > 0 ? folded[at - 1] : " ";
          if (!needle.word || classOf(before) !== WORDS) found.push([at, at + needle.text.length]);
          at = folded.indexOf(needle.text, at + 1);
        }
      });
    }
    found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    found.forEach(function (range) {
      var last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range.slice());
    });
    return merged;
  }
  /* Appends text to node with the ranges wrapped in <mark>. */
  function appendMarked(node, text, marks, offset) {
    var at = 0;
    marks.forEach(function (range) {
      var start = Math.max(range[0] - offset, 0);
      var end = Math.min(range[1] - offset, text.length);
      if (end <= start || start < at) return;
      if (start > at) node.append(document.createTextNode(text.slice(at, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      node.append(mark);
      at = end;
    });
    if (at < text.length) node.append(document.createTextNode(text.slice(at)));
  }
  /* A window of the text around its longest match, starting at a clause
   * boundary where one is near. */
  function snippetWindow(text, marks) {
    var best = marks[0];
    marks.forEach(function (range) {
      if (range[1] - range[0] > best[1] - best[0]) best = range;
    });
    var start = best ? Math.max(0, best[0] - 24) : 0;
    if (start > 0) {
      var head = text.slice(start, best[0]);
      var cut = Math.max(head.lastIndexOf("，"), head.lastIndexOf("。"), head.lastIndexOf("；"),
        head.lastIndexOf("："), head.lastIndexOf(". "), head.lastIndexOf(", "));
      if (cut >= 0) start += cut + 1;
      while (start < text.length && /\s/.test(text[start])) start++;
    }
    return [start, Math.min(text.length, start + SNIPPET)];
  }

  /* -------------------------------------------------------------- words */

  function word(key, values) {
    var text = (meta && meta.words && meta.words[key]) || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name]);
    });
    return text;
  }

  /* ------------------------------------------------------------ display */

  var status = document.createElement("p");
  status.className = "search-status";
  status.setAttribute("role", "status");
  var hint = document.createElement("p");
  hint.className = "search-hint";
  hint.setAttribute("aria-hidden", "true");
  panel.prepend(status);
  panel.append(hint);

  var options = [];
  var active = -1;

  function open() {
    if (!input.value.trim()) return;
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
    box.classList.add("is-open");
  }
  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    box.classList.remove("is-open");
    setActive(-1);
  }
  function setActive(n) {
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = n;
    if (n >= 0 && options[n]) {
      options[n].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[n].id);
      options[n].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function href(page, block) {
    return ROOT + page.url + "index.html" + (block[2] ? "#" + block[2] : "");
  }
  function option(hit, n, query, list) {
    var found = blockOf(hit.block);
    var page = found[0];
    var block = found[1];
    var isPage = block[1] === 0;
    var link = document.createElement("a");
    link.className = "search-result" + (block[1] === 2 ? " is-step" : "");
    link.id = "search-option-" + n;
    link.href = href(page, block);
    link.setAttribute("role", "option");
    link.setAttribute("aria-selected", "false");
    link.tabIndex = -1;
    if (!isPage) {
      var where = document.createElement("span");
      where.className = "search-result-page";
      where.textContent = page.title;
      link.append(where);
    }
    var title = isPage ? page.title : block[3];
    var head = document.createElement("span");
    head.className = "search-result-title";
    if (block[1] === 2) {
      var kind = document.createElement("span");
      kind.className = "search-result-kind";
      kind.textContent = word("step");
      head.append(kind, document.createTextNode(" "));
    }
    appendMarked(head, title, ranges(title, list), 0);
    link.append(head);
    var text = block[4];
    if (block[1] === 2 && text.indexOf(title) === 0) text = text.slice(title.length).trim();
    if (text) {
      var marks = ranges(text, list);
      var span = snippetWindow(text, marks);
      var snippet = document.createElement("span");
      snippet.className = "search-result-snippet";
      if (span[0] > 0) snippet.append(document.createTextNode("…"));
      appendMarked(snippet, text.slice(span[0], span[1]), marks, span[0]);
      if (span[1] < text.length) snippet.append(document.createTextNode("…"));
      link.append(snippet);
    }
    link.addEventListener("click", close);
    return link;
  }

  function render(query, result) {
    var list = needles(query);
    options = result.hits.map(function (hit, n) { return option(hit, n, query, list); });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    listbox.replaceChildren.apply(listbox, options);
    shownQuery = query;
    box.dataset.shown = query;
    if (options.length) {
      status.textContent = options.length < result.total
        ? word("results_more", { shown: String(options.length), count: String(result.total) })
        : word("results", { count: String(result.total) });
      hint.textContent = word("hint");
      panel.classList.remove("is-empty");
    } else {
      status.textContent = word("no_results", { query: query.trim() });
      hint.textContent = "";
      panel.classList.add("is-empty");
    }
    open();
  }

  var latest = 0;
  var timer = 0;
  var shownQuery = null;
  function run() {
    clearTimeout(timer);
    var query = input.value;
    var ticket = ++latest;
    if (!query.trim()) {
      options = [];
      listbox.replaceChildren();
      close();
      return;
    }
    loadMeta()
      .then(function () { return search(query); })
      .then(function (result) {
        if (ticket === latest) render(query, result);
      })
      .catch(function () {
        if (ticket !== latest) return;
        shownQuery = null;
        status.textContent = box.dataset.error || "The search index could not be loaded.";
        listbox.replaceChildren();
        options = [];
        open();
      });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  var composing = false;
  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; later(); });
  input.addEventListener("input", function (event) {
    if (!composing && !event.isComposing) later();
  });
  input.addEventListener("focus", function () {
    if (input.value.trim() && options.length) open();
  });
  input.addEventListener("keydown", function (event) {
    if (event.isComposing || composing) return;
    var count = options.length;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        event.preventDefault();
        if (panel.hidden) open();
        if (!count) return;
        if (event.key === "ArrowDown") setActive(active + 1 >= count ? 0 : active + 1);
        else setActive(active <= 0 ? count - 1 : active - 1);
        break;
      case "Enter":
        if (input.value !== shownQuery || !count || panel.hidden) {
          event.preventDefault();
          if (input.value.trim()) run();
          return;
        }
        event.preventDefault();
        var chosen = options[active >= 0 ? active : 0];
        close();
        chosen.click();
        break;
      case "Escape":
        if (!panel.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          run();
        }
        break;
      case "Tab":
        close();
        break;
      default:
    }
  });
  document.addEventListener("pointerdown", function (event) {
    if (!box.contains(event.target)) close();
  });
  /* The reader typed before this file arrived. */
  if (document.activeElement === input || input.value) {
    loadMeta().then(function () {
      hint.textContent = word("hint");
      if (input.value.trim()) run();
    }, function () {});
  } else {
    loadMeta().catch(function () {});
  }
})();

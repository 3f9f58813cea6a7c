/* attache · briefing theme · client-side search over a sharded index.

   The script's data-index attribute names the index's manifest. A query downloads only what
   it needs: the manifest (the shards' first terms), the shard of each of its words (the word
   being typed: the shards its prefix reaches), and the fragments file of each result shown
   (title, URL, date, summary and text for the snippet, for the pages of one day). See attache's render/search module for the format.

   Words become terms exactly as attache makes them (render/search/words.rs): Unicode word
   boundaries (Intl.Segmenter), scripts written without spaces as pairs of characters, and the
   same folding (no accents on Latin letters, no Arabic-script vowel marks, lower case). The
   two must agree, or a word in the index is never found.

   Every word must match; title and key-point matches rank first, then BM25 over the rest. A
   quoted phrase finds the pages with all its words, then checks the phrase in their text.
   All index text is inserted with textContent, never as HTML. The page's words come from
   data-* attributes of #search-results (the theme's i18n files). */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[data-index]");
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  if (!script || !input || !results || !window.fetch || !window.TextDecoder) return;

  var manifestUrl = script.getAttribute("data-index");
  var folder = manifestUrl.slice(0, manifestUrl.lastIndexOf("/") + 1);
  var form = input.form;
  var PAGE = 10;              // results shown at a time (one fragment each)
  var MAX_PREFIX_SHARDS = 3;  // a short prefix reads at most this many shards
  var SNIPPET_LENGTH = 220;
  var DEBOUNCE_MS = 150;
  var FORMAT = 2;
  // Ranking (render/search/analyse.rs): a posting's impact is tier << 5 | q.
  var TIER_BONUS = 20;
  var K1 = 1.2;
  var PREFIX_WEIGHT = 0.6;    // a longer word found by a prefix counts for less

  var lang = document.documentElement.lang || undefined;

  // ---- the page's words ----

  function word(name) {
    return results.getAttribute("data-" + name) || "";
  }

  function forms(name) {
    try {
      return JSON.parse(word(name)) || {};
    } catch (e) {
      return {};
    }
  }

  var pluralRules = null;
  try {
    pluralRules = new Intl.PluralRules(lang);
  } catch (e) {
    pluralRules = null;
  }

  // A counted word: the form CLDR's plural rules pick for n, as on the server.
  function counted(name, n) {
    var f = forms(name);
    var category = pluralRules ? pluralRules.select(n) : (n === 1 ? "one" : "other");
    return String(f[category] || f.other || "");
  }

  // `{q}`, `{n}`, `{max}` in a word, filled in.
  function fill(text, values) {
    return text.replace(/\{(q|n|max)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  // ---- words to terms, as attache makes them ----

  // Scripts written without spaces between words (words.rs `no_space`).
  var NO_SPACE = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2fa1f}]+/gu;
  var LATIN_MARKS = /([\u0000-\u024f])[\u0300-\u036f]+/g;
  var ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  var SPLIT = /[^\p{L}\p{M}\p{N}]+/u;
  var EXTRA = { "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0647": "\u06c1" };
  var EXTRA_RE = /[ıłøđßæœ\u064a\u0649\u0643\u0647]/g;

  function fold(s) {
    return String(s == null ? "" : s).normalize("NFD").replace(LATIN_MARKS, "$1")
      .replace(ARABIC_MARKS, "").toLowerCase()
      .replace(EXTRA_RE, function (c) { return EXTRA[c]; });
  }

  var segmenter = null;
  try {
    segmenter = new Intl.Segmenter(lang, { granularity: "word" });
  } catch (e) {
    segmenter = null;
  }

  function splitWords(text) {
    if (!segmenter) return text.split(SPLIT).filter(Boolean);
    var out = [];
    for (var it = segmenter.segment(text)[Symbol.iterator](), step = it.next(); !step.done; step = it.next()) {
      if (step.value.isWordLike) out.push(step.value.segment);
    }
    return out;
  }

  var manifest = null;  // once loaded
  var stop = Object.create(null);
  var termChars = 32;

  // The terms of `text`, in order; with `all`, also the words no term is made of (stop
  // words, single letters), which a phrase holds.
  function terms(text, all) {
    var out = [];
    function add(w) {
      var f = Array.from(fold(w));
      if (f.length < 2 && !(all && f.length)) return;
      var t = f.slice(0, termChars).join("");
      if (!all && stop[t]) return;
      out.push(t);
    }
    function bigrams(run) {
      var f = Array.from(fold(run));
      if (f.length === 1) { out.push(f[0]); return; }
      for (var i = 0; i + 1 < f.length; i++) out.push(f[i] + f[i + 1]);
    }
    var rest = 0;
    text.replace(NO_SPACE, function (run, at) {
      splitWords(text.slice(rest, at)).forEach(add);
      bigrams(run);
      rest = at + run.length;
      return run;
    });
    splitWords(text.slice(rest)).forEach(add);
    return out;
  }

  // A query: its words, its quoted phrases, and whether its last word is still being typed.
  function parse(q) {
    var phrases = [];
    var plain = q.replace(/"([^"]*)"?|“([^”]*)”?|«([^»]*)»?/g, function (all, a, b, c) {
      var words = terms(a || b || c || "", true);
      if (words.length > 1) phrases.push(words);
      else if (words.length === 1) return " " + (a || b || c) + " ";
      return " ";
    });
    var words = [];
    terms(plain, false).forEach(function (t) { if (words.indexOf(t) === -1) words.push(t); });
    var prefix = null;
    // The last word, typed up to the end of the query, may be a word not yet finished.
    if (words.length && /[\p{L}\p{M}\p{N}]$/u.test(q) && /[\p{L}\p{M}\p{N}]$/u.test(plain)) {
      prefix = words[words.length - 1];
    }
    phrases.forEach(function (p) {
      p.forEach(function (t) {
        if (!stop[t] && Array.from(t).length > 1 && words.indexOf(t) === -1) words.push(t);
      });
    });
    return { words: words, phrases: phrases, prefix: prefix };
  }

  // ---- the index: manifest, shards, fragments ----

  function get(url, kind) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return kind === "json" ? r.json() : r.arrayBuffer();
    });
  }

  var loadingManifest = null;
  function loadManifest() {
    if (!loadingManifest) {
      loadingManifest = get(manifestUrl, "json").then(function (m) {
        if (!m || m.format !== FORMAT || !Array.isArray(m.shards) || !(m.fragments_per_file > 0)) {
          throw new Error("not a search index");
        }
        var last = "";
        m.firsts = m.shards.map(function (s) { if (s[0] != null) last = String(s[0]); return last; });
        m.names = m.shards.map(function (s) { return String(s[1]); });
        stop = Object.create(null);
        (m.stop || []).forEach(function (w) { stop[w] = true; });
        termChars = m.term_chars || termChars;
        manifest = m;
        return m;
      }).catch(function (err) {
        loadingManifest = null;
        throw err;
      });
    }
    return loadingManifest;
  }

  // The index of the first shard whose first term is not before `term`.
  function lowerBound(term) {
    var lo = 0, hi = manifest.firsts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (manifest.firsts[mid] < term) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // The shards that may hold `term`, or with `prefix`, every term starting with it.
  function shardsFor(term, prefix) {
    var firsts = manifest.firsts;
    var at = lowerBound(term);
    var start = at < firsts.length && firsts[at] === term ? at : Math.max(at - 1, 0);
    var out = [];
    for (var i = start; i < firsts.length; i++) {
      if (i > start && !(prefix ? firsts[i].startsWith(term) : firsts[i] === term)) break;
      // The pieces of the term itself are always read; longer terms up to a limit.
      if (prefix && out.length >= MAX_PREFIX_SHARDS && firsts[i] !== term) break;
      out.push(i);
    }
    return out;
  }

  var utf8 = new TextDecoder("utf-8");
  var shards = Object.create(null);  // name -> promise of Map(term -> [ids, impacts])

  function varint(bytes, pos) {
    var n = 0, scale = 1;
    for (;;) {
      if (pos.at >= bytes.length) throw new Error("a shard ends inside a number");
      var b = bytes[pos.at++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  }

  // A shard: entries of a front-coded term and its postings (ids as gaps, then impacts).
  function decode(buffer) {
    var bytes = new Uint8Array(buffer);
    var pos = { at: 0 };
    var map = new Map();
    var previous = new Uint8Array(0);
    while (pos.at < bytes.length) {
      var shared = varint(bytes, pos);
      var rest = varint(bytes, pos);
      var term = new Uint8Array(shared + rest);
      term.set(previous.subarray(0, shared));
      term.set(bytes.subarray(pos.at, pos.at + rest), shared);
      pos.at += rest;
      var count = varint(bytes, pos);
      var ids = new Array(count);
      var id = 0;
      for (var i = 0; i < count; i++) {
        id = i === 0 ? varint(bytes, pos) : id + varint(bytes, pos);
        ids[i] = id;
      }
      var impacts = bytes.subarray(pos.at, pos.at + count);
      pos.at += count;
      map.set(utf8.decode(term), [ids, impacts]);
      previous = term;
    }
    return map;
  }

  function shard(i) {
    var name = manifest.names[i];
    if (!shards[name]) {
      shards[name] = get(folder + "s/" + name + ".bin", "bin").then(decode).catch(function (err) {
        delete shards[name];
        throw err;
      });
    }
    return shards[name];
  }

  // Fragments come in files of consecutive ids (one day's pages): `f/<file>.json`, an
  // object from each page's id to its fragment.
  var fragmentFiles = Object.create(null);  // file -> promise of its fragments

  function fragment(id) {
    var file = Math.floor(id / manifest.fragments_per_file);
    if (!fragmentFiles[file]) {
      fragmentFiles[file] = get(folder + "f/" + file + ".json", "json").catch(function (err) {
        delete fragmentFiles[file];
        throw err;
      });
    }
    return fragmentFiles[file].then(function (all) {
      if (!all[id]) throw new Error("no fragment of page " + id);
      return all[id];
    });
  }

  // The postings of a query word: Map(page id -> score). A prefix takes in every term it
  // starts (each found page scoring by its best one).
  function lookup(term, prefix) {
    var picked = shardsFor(term, prefix);
    return Promise.all(picked.map(shard)).then(function (maps) {
      var n = manifest.pages || 1;
      var scores = new Map();
      var lists = [];
      var byTerm = new Map();
      maps.forEach(function (map) {
        map.forEach(function (list, t) {
          if (t === term || (prefix && t.startsWith(term))) {
            if (!byTerm.has(t)) byTerm.set(t, []);
            byTerm.get(t).push(list);
          }
        });
      });
      byTerm.forEach(function (pieces, t) {
        var df = 0;
        pieces.forEach(function (p) { df += p[0].length; });
        var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        var weight = t === term ? 1 : PREFIX_WEIGHT;
        lists.push([pieces, idf, weight]);
      });
      lists.forEach(function (l) {
        l[0].forEach(function (p) {
          var ids = p[0], impacts = p[1];
          for (var i = 0; i < ids.length; i++) {
            var impact = impacts[i];
            var s = l[2] * ((impact >> 5) * TIER_BONUS + l[1] * (impact & 31) / 31 * (K1 + 1));
            var was = scores.get(ids[i]);
            if (was === undefined || s > was) scores.set(ids[i], s);
          }
        });
      });
      return scores;
    });
  }

  // The pages with every word, best first (newest first on ties): [[id, score]].
  function rank(found) {
    found.sort(function (a, b) { return a.size - b.size; });
    var hits = [];
    if (!found.length) return hits;
    found[0].forEach(function (s, id) {
      var total = s;
      for (var k = 1; k < found.length; k++) {
        var other = found[k].get(id);
        if (other === undefined) return;
        total += other;
      }
      hits.push([id, total]);
    });
    hits.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
    return hits;
  }

  // ---- phrases ----

  function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function phraseRe(words) {
    return new RegExp("(?:^|[^\\p{L}\\p{M}\\p{N}])" + words.map(escapeRe).join("[^\\p{L}\\p{M}\\p{N}]+") +
      "(?![\\p{L}\\p{M}\\p{N}])", "u");
  }

  function fragmentText(f) {
    return [f.t, f.s, (f.k || []).join(" · "), (f.e || []).join(" · "), f.x].join(" \n ");
  }

  // ---- rendering (DOM nodes and textContent only) ----

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // Folds `s` character by character, remembering for each folded position the index of the
  // original character it came from, so that matches in folded text can be marked in `s`.
  function foldMap(s) {
    var text = "";
    var map = [];
    for (var i = 0; i < s.length; ) {
      var ch = String.fromCodePoint(s.codePointAt(i));
      var f = fold(ch);
      for (var k = 0; k < f.length; k++) map.push(i);
      text += f;
      i += ch.length;
    }
    return { text: text, map: map, length: s.length };
  }

  function origStart(fm, i) {
    return i < fm.map.length ? fm.map[i] : fm.length;
  }

  function origEnd(fm, i) {
    while (i < fm.map.length && i > 0 && fm.map[i] === fm.map[i - 1]) i++;
    return origStart(fm, i);
  }

  // Appends `text` to `parent`, every occurrence of the query's words in <mark>.
  function appendHighlighted(parent, text, words) {
    var fm = foldMap(text);
    var ranges = [];
    words.forEach(function (w) {
      var at = fm.text.indexOf(w);
      while (at !== -1) {
        ranges.push([at, at + w.length]);
        at = fm.text.indexOf(w, at + w.length);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var prev = merged[merged.length - 1];
      if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    var last = 0;
    merged.forEach(function (r) {
      var a = Math.max(origStart(fm, r[0]), last);
      var b = origEnd(fm, r[1]);
      if (b <= a) return;
      if (a > last) parent.appendChild(document.createTextNode(text.slice(last, a)));
      parent.appendChild(el("mark", null, text.slice(a, b)));
      last = b;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // Where in `text` the first of `words` is, in `text`'s own positions; -1 if nowhere.
  function firstMatch(text, words) {
    // Folding the whole text at once is fast; when it keeps the text's length (the usual
    // case: an accented letter folds to one letter), positions in it are positions in the
    // text. Otherwise fold character by character, keeping a map.
    var folded = fold(text);
    if (folded.length !== text.length) folded = null;
    var fm = folded === null ? foldMap(text) : null;
    var hay = folded !== null ? folded : fm.text;
    var first = -1;
    words.forEach(function (w) {
      var at = hay.indexOf(w);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    });
    if (first === -1 || folded !== null) return first;
    return origStart(fm, first);
  }

  // A window of the text around its first match, cut on word boundaries.
  function textWindow(body, first) {
    if (first < 0) first = 0;
    var start = Math.max(0, first - 60);
    if (start > 0) {
      var space = body.indexOf(" ", start);
      start = space !== -1 && space < first ? space + 1 : start;
    }
    var end = Math.min(body.length, start + SNIPPET_LENGTH);
    if (end < body.length) {
      var cut = body.lastIndexOf(" ", end);
      if (cut > first && cut > start + SNIPPET_LENGTH / 2) end = cut;
    }
    return (start > 0 ? "… " : "") + body.slice(start, end).trim() + (end < body.length ? " …" : "");
  }

  // The summary when it shows a match (or nothing does), else the text around the match.
  function snippet(f, words) {
    var summary = String(f.s || "").trim();
    if (summary && firstMatch(summary, words) !== -1) return summary;
    var body = String(f.x || "");
    var at = firstMatch(body, words);
    if (at !== -1) return textWindow(body, at);
    return summary || textWindow(body, 0);
  }

  // Dates as the rest of the site writes them: the same CLDR long form, in the locale the
  // server used (data-date-locale), in the Gregorian calendar.
  var dateFormat = null;
  try {
    dateFormat = new Intl.DateTimeFormat(word("date-locale") || lang, {
      dateStyle: "long", timeZone: "UTC", calendar: "gregory"
    });
  } catch (e) {
    dateFormat = null;
  }

  function displayDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    if (!m || !dateFormat) return iso;
    return dateFormat.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
  }

  function clear() {
    while (results.firstChild) results.removeChild(results.firstChild);
  }

  function status(text) {
    clear();
    results.appendChild(el("p", "search-status", text));
  }

  function item(f, words) {
    var li = el("li");
    var h = el("h2");
    var a = el("a");
    a.href = String(f.u || "#");
    appendHighlighted(a, String(f.t || f.u || word("untitled")), words);
    h.appendChild(a);
    li.appendChild(h);
    if (f.d) {
      var meta = el("p", "search-meta");
      var time = el("time", null, displayDate(String(f.d)));
      time.setAttribute("datetime", String(f.d));
      meta.appendChild(time);
      li.appendChild(meta);
    }
    var text = snippet(f, words);
    if (text) {
      var p = el("p", "search-snippet");
      appendHighlighted(p, text, words);
      li.appendChild(p);
    }
    // Words that matched where the reader cannot see them (key points, people, topics):
    // name them, so that every result shows why it was found.
    var shown = fold(String(f.t || "") + " " + text);
    var hidden = words.filter(function (w) { return shown.indexOf(w) === -1; });
    if (hidden.length) {
      var also = el("p", "search-also", word("also") + " ");
      hidden.forEach(function (w, i) {
        if (i) also.appendChild(document.createTextNode(", "));
        also.appendChild(el("mark", null, w));
      });
      li.appendChild(also);
    }
    return li;
  }

  // ---- a search ----

  // Marks the moment results are on the page, for measuring how soon after their data that is.
  function shownMark() {
    if (window.performance && performance.mark) performance.mark("attache-search-results");
  }

  var generation = 0;
  var timer = 0;
  var lastQuery = null;

  // Shows the results of `query` from `hits` on: fetches fragments a page at a time (for a
  // phrase, until PAGE of them hold it), then offers more.
  function show(gen, q, query, hits) {
    var highlight = query.words.slice();
    query.phrases.forEach(function (p) { p.forEach(function (w) { if (highlight.indexOf(w) === -1) highlight.push(w); }); });
    var res = query.phrases.map(phraseRe);
    var shown = 0, next = 0;
    var list = el("ol", "search-results-list");
    var line = el("p", "search-status");
    var more = el("button", "search-more", word("more"));
    more.type = "button";

    function update() {
      var exact = !res.length || next >= hits.length;
      var n = res.length ? shown : hits.length;
      var text;
      if (n === 0 && exact) text = fill(word("none"), { q: q });
      else if (next < hits.length && !res.length) text = fill(counted("showing", n), { q: q, n: n, max: shown });
      else text = fill(counted("matches", n), { q: q, n: n });
      line.textContent = text;
      more.hidden = next >= hits.length;
    }

    function batch() {
      var found = 0;
      function step() {
        if (gen !== generation) return Promise.resolve();
        if (next >= hits.length || found >= PAGE) return Promise.resolve();
        var ids = hits.slice(next, next + PAGE - found).map(function (h) { return h[0]; });
        next += ids.length;
        return Promise.all(ids.map(fragment)).then(function (fs) {
          if (gen !== generation) return;
          fs.forEach(function (f) {
            if (res.length) {
              var text = fold(fragmentText(f));
              if (!res.every(function (re) { return re.test(text); })) return;
            }
            list.appendChild(item(f, highlight));
            shown++;
            found++;
          });
          return step();
        });
      }
      more.disabled = true;
      return step().then(function () {
        if (gen !== generation) return;
        more.disabled = false;
        update();
      });
    }

    more.addEventListener("click", function () {
      batch().then(shownMark, function () { status(word("failed")); });
    });
    return batch().then(function () {
      if (gen !== generation) return;
      clear();
      results.appendChild(line);
      if (shown) results.appendChild(list);
      results.appendChild(more);
      shownMark();
    });
  }

  function search(gen, q) {
    var query = parse(q);
    if (!query.words.length) {
      clear();
      return Promise.resolve();
    }
    return Promise.all(query.words.map(function (w) {
      return lookup(w, w === query.prefix);
    })).then(function (found) {
      if (gen !== generation) return;
      return show(gen, q, query, rank(found));
    });
  }

  function updateUrl(q) {
    try {
      var url = new URL(window.location.href);
      if (q) url.searchParams.set("q", q);
      else url.searchParams.delete("q");
      window.history.replaceState(window.history.state, "", url.toString());
    } catch (e) {
      /* history not available: ignore */
    }
  }

  function run() {
    var q = input.value.replace(/^\s+/, "");
    if (q === lastQuery) return;
    lastQuery = q;
    updateUrl(q.trim());
    var gen = ++generation;
    if (!q.trim()) {
      clear();
      return;
    }
    if (!manifest) status(word("loading"));
    loadManifest().then(function () {
      if (gen !== generation) return;
      return search(gen, q);
    }).catch(function () {
      if (gen !== generation) return;
      lastQuery = null;
      status(word("failed"));
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      lastQuery = null;
      run();
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run();
  } else {
    loadManifest().catch(function () { /* reported when the reader searches */ });
  }
})();

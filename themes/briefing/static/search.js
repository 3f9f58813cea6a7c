/* attache · briefing theme · client-side search.
   Loads the JSON index named by the script's data-index attribute and searches it as you type.
   Index entries: {title, url, summary, date, topics: [string], people: [string],
   organizations: [string], body}. All index text is inserted with textContent, never as HTML.
   Its words come from the page (data-* attributes of #search-results, from the theme's i18n
   files), in the page's language; words of a query are found with Intl.Segmenter, so Urdu and
   Russian split into words as they should. */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[data-index]");
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  if (!script || !input || !results || !window.fetch) return;

  var indexUrl = script.getAttribute("data-index");
  var form = input.form;
  var MAX_RESULTS = 50;
  var SNIPPET_LENGTH = 220;
  var DEBOUNCE_MS = 150;

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

  var docs = null;      // prepared index, once loaded
  var loading = null;   // pending fetch promise
  var timer = 0;
  var lastQuery = null;

  // ---- text folding: lower case, no accents on Latin letters, no Arabic-script vowel marks ----

  // Accents are dropped only after a Latin letter: Russian й and ё stay letters of their own.
  var LATIN_MARKS = /([\u0000-\u024f])[\u0300-\u036f]+/g;
  // Urdu is mostly written without zer, zabar, pesh and the like; a query without them finds
  // text with them. Tatweel (ـ) only stretches a letter.
  var ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  var SPLIT = /[^\p{L}\p{M}\p{N}]+/u;

  // Letters readers expect to match: plain Latin for a few that Unicode decomposition leaves
  // alone, and the Urdu forms of letters an Arabic keyboard types (ي ى ك ه).
  var EXTRA = { "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0647": "\u06c1" };
  var EXTRA_RE = /[ıłøđßæœ\u064a\u0649\u0643\u0647]/g;

  function fold(s) {
    return String(s == null ? "" : s).normalize("NFD").replace(LATIN_MARKS, "$1")
      .replace(ARABIC_MARKS, "").toLowerCase()
      .replace(EXTRA_RE, function (c) { return EXTRA[c]; });
  }

  // The words of a query, by Unicode word boundaries in the page's language.
  var segmenter = null;
  try {
    segmenter = new Intl.Segmenter(lang, { granularity: "word" });
  } catch (e) {
    segmenter = null;
  }

  function splitWords(text) {
    if (!segmenter) return text.split(SPLIT);
    var out = [];
    for (var it = segmenter.segment(text)[Symbol.iterator](), step = it.next(); !step.done; step = it.next()) {
      if (step.value.isWordLike) out.push(step.value.segment);
    }
    return out;
  }

  // Fold `s` character by character, remembering for each folded position the index of the
  // original character it came from, so matches found in folded text can be marked in `s`.
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
    // First original index after the folded range ending at i (exclusive).
    while (i < fm.map.length && i > 0 && fm.map[i] === fm.map[i - 1]) i++;
    return origStart(fm, i);
  }

  function queryWords(q) {
    var seen = Object.create(null);
    return splitWords(fold(q)).filter(function (w) {
      if (!w || seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }

  // ---- index ----

  function list(v) {
    return Array.isArray(v) ? v.join(" · ") : String(v || "");
  }

  function prepare(data) {
    if (!Array.isArray(data)) throw new Error("index is not an array");
    return data.map(function (d) {
      return {
        doc: d,
        title: fold(d.title),
        entities: fold([list(d.people), list(d.organizations), list(d.topics)].join(" · ")),
        summary: fold(d.summary),
        body: fold(d.body),
        date: String(d.date || "")
      };
    });
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        })
        .then(function (data) {
          docs = prepare(data);
          return docs;
        })
        .catch(function (err) {
          loading = null;
          throw err;
        });
    }
    return loading;
  }

  // ---- ranking: title > people/organizations/topics > summary > body; newest first on ties ----

  function score(entry, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (entry.title.indexOf(w) !== -1) total += 1000;
      else if (entry.entities.indexOf(w) !== -1) total += 100;
      else if (entry.summary.indexOf(w) !== -1) total += 10;
      else if (entry.body.indexOf(w) !== -1) total += 1;
      else return 0; // every word must match somewhere
    }
    return total;
  }

  function search(words) {
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var s = score(docs[i], words);
      if (s > 0) hits.push({ entry: docs[i], score: s });
    }
    hits.sort(function (a, b) {
      if (b.score !== a.score) return b.score - a.score;
      if (a.entry.date === b.entry.date) return 0;
      return a.entry.date < b.entry.date ? 1 : -1;
    });
    return hits;
  }

  // ---- rendering (DOM nodes and textContent only) ----

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // Append `text` to `parent`, wrapping every occurrence of the query words in <mark>.
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

  // Cut a window of the body around the first match, on word boundaries.
  function bodyWindow(body, foldedBody, words) {
    var first = -1;
    words.forEach(function (w) {
      var at = foldedBody.indexOf(w);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    });
    if (first === -1) first = 0;
    // Folding only ever drops characters, so the original position is at or after `first`.
    var start = Math.max(0, first - 60);
    if (start > 0) {
      var space = body.indexOf(" ", start);
      start = space !== -1 && space < first + 20 ? space + 1 : start;
    }
    var end = Math.min(body.length, start + SNIPPET_LENGTH);
    if (end < body.length) {
      var cut = body.lastIndexOf(" ", end);
      if (cut > start + SNIPPET_LENGTH / 2) end = cut;
    }
    return (start > 0 ? "… " : "") + body.slice(start, end).trim() + (end < body.length ? " …" : "");
  }

  // The summary is the snippet: it is prose, and always written or taken from the article's
  // opening. The body is used only when there is no summary (attache's index may hold the
  // body as a list of distinct words rather than running text).
  function snippet(entry, words) {
    var d = entry.doc;
    var summary = String(d.summary || "").trim();
    if (summary) return summary;
    return bodyWindow(String(d.body || ""), entry.body, words);
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

  // "2025-01-15" -> "15 January 2025", "15 января 2025 г.", "15 جنوری، 2025".
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

  function render(q, words, hits) {
    clear();
    var n = hits.length;
    var text;
    if (n === 0) text = fill(word("none"), { q: q });
    else if (n > MAX_RESULTS) text = fill(counted("showing", n), { q: q, n: n, max: MAX_RESULTS });
    else text = fill(counted("matches", n), { q: q, n: n });
    results.appendChild(el("p", "search-status", text));
    if (n === 0) return;

    var ol = el("ol", "search-results-list");
    hits.slice(0, MAX_RESULTS).forEach(function (hit) {
      var d = hit.entry.doc;
      var li = el("li");
      var h = el("h2");
      var a = el("a");
      a.href = String(d.url || "#");
      appendHighlighted(a, String(d.title || d.url || word("untitled")), words);
      h.appendChild(a);
      li.appendChild(h);
      if (d.date) {
        var meta = el("p", "search-meta");
        var time = el("time", null, displayDate(String(d.date)));
        time.setAttribute("datetime", String(d.date));
        meta.appendChild(time);
        li.appendChild(meta);
      }
      var text = snippet(hit.entry, words);
      if (text) {
        var p = el("p", "search-snippet");
        appendHighlighted(p, text, words);
        li.appendChild(p);
      }
      // Words that matched where the reader cannot see them (the article's text, its people or
      // organizations): name them, so every result shows why it was found.
      var shown = fold(String(d.title || "") + " " + text);
      var hidden = words.filter(function (w) { return shown.indexOf(w) === -1; });
      if (hidden.length) {
        var also = el("p", "search-also", word("also") + " ");
        hidden.forEach(function (w, i) {
          if (i) also.appendChild(document.createTextNode(", "));
          also.appendChild(el("mark", null, w));
        });
        li.appendChild(also);
      }
      ol.appendChild(li);
    });
    results.appendChild(ol);
  }

  // ---- wiring ----

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
    var q = input.value.trim();
    if (q === lastQuery && docs) return;
    updateUrl(q);
    var words = queryWords(q);
    if (!words.length) {
      lastQuery = q;
      clear();
      return;
    }
    if (!docs) {
      status(word("loading"));
      load().then(function () {
        lastQuery = null;
        run();
      }, function () {
        status(word("failed"));
      });
      return;
    }
    lastQuery = q;
    render(q, words, search(words));
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
    load().catch(function () { /* reported when the user searches */ });
  }
})();

// The review page's script (bitext report inlines it; the page's CSP allows it by hash).
// It reads the data island, writes article text with textContent only (never as markup)
// and keeps at most one page of beads in the DOM. Review: keyboard first, a pair can be
// rejected, accepted or edited; decisions are kept in localStorage, keyed by the store's
// path, and download as decisions.jsonl for `bitext decide`.
(function () {
  "use strict";
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById("data").textContent);
  var F = {};
  DATA.fields.forEach(function (n, i) { F[n] = i; });
  var pairs = DATA.pairs, docs = DATA.docs, PAGE = DATA.page_size;
  var state = {
    dir: "ge", min: 0, bead: "", layout: "", text: "", page: 0, undecided: false, low: false
  };
  var collapsed = {};
  var view = [], lowered = null, noPairsShown = 100;
  var cur = 0; // the selected pair: its position in view
  var rows = {}; // pair index -> its row, for the beads on the page
  var editing = null; // the pair index whose text is being edited
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function num(x, d) { return x === null || x === undefined ? "–" : x.toFixed(d === undefined ? 2 : d); }
  function band(q) {
    if (q === null || q === undefined) return "q-none";
    return q < DATA.low ? "q-low" : q < DATA.high ? "q-mid" : "q-high";
  }
  function pct(a, n) { return n ? Math.round(100 * (a || 0) / n) + "%" : "–"; }
  function fillSelect(sel, values) {
    values.forEach(function (v) { var o = el("option", null, v); o.value = v; sel.appendChild(o); });
  }

  // -- decisions ----------------------------------------------------------------------
  // A decision is [verdict, en, zh, at] (en and zh for edits only, at an ISO time).
  // `stored` came with the page (the store's decisions table); `local` are the ones made
  // in this browser. Where both have one, the later wins, as in `bitext decide`.
  // localStorage holds one item per decision (PREFIX + pair_id), so a decision writes one
  // small item: rewriting all of them as one item took up to 100 ms with 5,000 decisions.
  var VERBS = { reject: "rejected", accept: "accepted", edit: "edited" };
  var PREFIX = "bitext.decision:" + DATA.store_key + "\u0000";
  var stored = DATA.decisions || {};
  var storedCount = Object.keys(stored).length;
  var counts = { reject: 0, accept: 0, edit: 0 }; // of `local`, by verdict
  var local = loadLocal();
  var undoStack = []; // [pair index, pair_id, the local decision replaced or null]

  function warn(text) { $("storage-warn").textContent = text; }
  function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function count(d, by) { if (d && own(counts, d[0])) counts[d[0]] += by; }
  function loadLocal() {
    var found = {};
    try {
      var store = window.localStorage;
      for (var k = 0; k < store.length; k++) {
        var key = store.key(k);
        if (key === null || key.lastIndexOf(PREFIX, 0) !== 0) continue;
        var d = JSON.parse(store.getItem(key));
        if (!Array.isArray(d) || !own(counts, d[0])) continue;
        found[key.slice(PREFIX.length)] = d;
        count(d, 1);
      }
    } catch (e) {
      warn("browser storage unavailable (" + e.name + "): download the decisions before closing the tab");
    }
    return found;
  }
  // Sets (or, with d null, removes) this browser's decision on pair `pid`.
  function setLocal(pid, d) {
    count(own(local, pid) ? local[pid] : null, -1);
    count(d, 1);
    if (d) local[pid] = d;
    else delete local[pid];
    try {
      if (d) window.localStorage.setItem(PREFIX + pid, JSON.stringify(d));
      else window.localStorage.removeItem(PREFIX + pid);
    } catch (e) {
      warn("browser storage failed (" + e.name + "): download the decisions before closing the tab");
    }
  }
  function decisionOf(i) {
    var pid = pairs[i][F.pair_id];
    var l = own(local, pid) ? local[pid] : null, s = own(stored, pid) ? stored[pid] : null;
    if (l && s) return l[3] >= s[3] ? l : s;
    return l || s;
  }
  function textOfSide(i, side) {
    var d = decisionOf(i);
    return d && d[0] === "edit" ? d[side === "en" ? 1 : 2] : pairs[i][F[side]];
  }

  function counter() {
    var n = counts, total = n.reject + n.accept + n.edit;
    var text = total
      ? total.toLocaleString("en") + " decision" + (total === 1 ? "" : "s") + " here: " +
        n.reject.toLocaleString("en") + " rejected, " + n.accept.toLocaleString("en") +
        " accepted, " + n.edit.toLocaleString("en") + " edited"
      : "no decisions here yet";
    if (storedCount) text += " · " + storedCount.toLocaleString("en") + " in the store";
    $("decided").textContent = text;
    $("download").disabled = !total;
  }

  function decide(verdict, en, zh) {
    var i = view[cur];
    if (i === undefined) return;
    if (editing !== null) { editing = null; refreshRow(i); } // a button pressed mid-edit
    var pid = pairs[i][F.pair_id];
    if (pid === null || pid === undefined) { warn("this pair has no pair_id: it cannot be decided"); return; }
    undoStack.push([i, pid, own(local, pid) ? local[pid] : null]);
    var d = [verdict, null, null, new Date().toISOString()];
    if (verdict === "edit") { d[1] = en; d[2] = zh; }
    setLocal(pid, d);
    refreshRow(i);
    counter();
    select(cur + 1);
  }

  function undo() {
    var u = undoStack.pop();
    if (!u) return;
    setLocal(u[1], u[2]);
    counter();
    var k = view.indexOf(u[0]);
    if (k >= 0) { select(k); refreshRow(u[0]); }
  }

  function download() {
    var entries = Object.keys(local).map(function (pid) { return [pid, local[pid]]; });
    entries.sort(function (a, b) { return a[1][3] < b[1][3] ? -1 : a[1][3] > b[1][3] ? 1 : 0; });
    var lines = entries.map(function (e) {
      var d = e[1], o = { pair_id: e[0], verdict: d[0] };
      if (d[0] === "edit") { o.en = d[1]; o.zh = d[2]; }
      o.at = d[3];
      return JSON.stringify(o) + "\n";
    });
    var a = el("a");
    a.href = URL.createObjectURL(new Blob(lines, { type: "application/x-ndjson" }));
    a.download = "decisions.jsonl";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }

  // -- editing --------------------------------------------------------------------------

  function startEdit() {
    var i = view[cur], row = rows[i];
    if (i === undefined || !row) return;
    editing = i;
    row.classList.add("editing");
    var cells = row.querySelectorAll(".t");
    ["en", "zh"].forEach(function (side, k) {
      var t = el("textarea", "edit");
      t.lang = side;
      t.value = textOfSide(i, side);
      t.rows = Math.min(8, Math.max(2, Math.ceil(t.value.length / 60)));
      cells[k].replaceChildren(t);
    });
    cells[0].firstChild.focus();
  }

  function endEdit(save) {
    var i = editing, row = rows[i];
    editing = null;
    if (!row) return;
    var boxes = row.querySelectorAll("textarea");
    if (boxes.length < 2) { refreshRow(i); return; }
    var en = boxes[0].value.trim(), zh = boxes[1].value.trim();
    if (save && (en !== textOfSide(i, "en").trim() || zh !== textOfSide(i, "zh").trim())) {
      var p = pairs[i];
      // Back to the text as aligned: the person says it is right as it is.
      if (en === String(p[F.en]).trim() && zh === String(p[F.zh]).trim()) decide("accept");
      else decide("edit", en, zh);
      return;
    }
    refreshRow(i);
  }

  // -- the list -------------------------------------------------------------------------

  function textOf(i) {
    if (lowered === null) lowered = new Array(pairs.length);
    var s = lowered[i];
    if (s === undefined) {
      var p = pairs[i];
      s = lowered[i] = (p[F.en] + "\n" + p[F.zh] + "\n" + docs[p[F.doc]].id).toLowerCase();
    }
    return s;
  }

  // Decided pairs leave an "undecided only" view when the filters next apply, not while
  // the reviewer works through the page.
  function filter() {
    var out = [], q, p, i, text = state.text.toLowerCase();
    var useMin = state.dir === "lt" || state.min > 0;
    for (i = 0; i < pairs.length; i++) {
      p = pairs[i];
      if (useMin) {
        q = p[F.quality];
        if (q === null) continue;
        if (state.dir === "ge" ? q < state.min : q >= state.min) continue;
      }
      if (state.bead && p[F.bead] !== state.bead) continue;
      if (state.layout && docs[p[F.doc]].layout !== state.layout) continue;
      if (text && textOf(i).indexOf(text) < 0) continue;
      if (state.undecided && decisionOf(i)) continue;
      out.push(i);
    }
    if (state.low) {
      // Lowest score first, pairs without a score last; otherwise in document order.
      out.sort(function (a, b) {
        var qa = pairs[a][F.quality], qb = pairs[b][F.quality];
        if (qa === null) return qb === null ? a - b : 1;
        if (qb === null) return -1;
        return qa - qb || a - b;
      });
    }
    view = out;
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
  }

  function pager(box) {
    box.replaceChildren();
    var pages = Math.ceil(view.length / PAGE);
    if (pages <= 1) return;
    function go(label, page, disabled) {
      var b = el("button", null, label);
      b.type = "button";
      b.disabled = disabled;
      b.addEventListener("click", function () { toPage(page); window.scrollTo(0, $("pairs").offsetTop - 60); });
      box.appendChild(b);
    }
    go("«", 0, state.page === 0);
    go("‹ prev", state.page - 1, state.page === 0);
    var input = el("input");
    input.type = "number"; input.min = 1; input.max = pages; input.value = state.page + 1;
    input.style.width = "5em";
    input.addEventListener("change", function () {
      var n = parseInt(input.value, 10);
      if (n >= 1 && n <= pages) toPage(n - 1);
    });
    box.appendChild(el("span", null, "page "));
    box.appendChild(input);
    box.appendChild(el("span", null, " of " + pages.toLocaleString()));
    go("next ›", state.page + 1, state.page >= pages - 1);
    go("»", pages - 1, state.page >= pages - 1);
  }

  function toPage(page) {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (page < 0 || page >= pages) return;
    state.page = page;
    cur = page * PAGE;
    render();
  }

  function beadRow(i) {
    var p = pairs[i], q = p[F.quality], d = decisionOf(i);
    var row = el("div", "bead " + band(q) + (d ? " d-" + d[0] : ""));
    row.dataset.i = i;
    var meta = el("div");
    meta.appendChild(el("div", "type", p[F.bead]));
    if (state.low) meta.appendChild(el("div", "meta doc", docs[p[F.doc]].id));
    meta.appendChild(el("div", "meta", "s " + p[F.sent_en].join(",") + " ⇄ " + p[F.sent_zh].join(",")));
    meta.appendChild(el("div", "meta", "¶ " + p[F.para_en].join(",") + " ⇄ " + p[F.para_zh].join(",")));
    if (p[F.line_en] !== null) meta.appendChild(el("div", "meta", "line " + p[F.line_en] + " ⇄ " + p[F.line_zh]));
    var acts = el("div", "acts");
    [["a", "accept", "✓"], ["r", "reject", "✗"], ["e", "edit", "✎"]].forEach(function (b) {
      var button = el("button", null, b[2]);
      button.type = "button";
      button.dataset.act = b[0];
      button.title = b[1] + " (" + b[0] + ")";
      acts.appendChild(button);
    });
    meta.appendChild(acts);
    row.appendChild(meta);
    ["en", "zh"].forEach(function (side) {
      var cell = el("div", "t " + side);
      cell.lang = side;
      var edited = d && d[0] === "edit" ? (side === "en" ? d[1] : d[2]) : null;
      if (edited !== null && edited !== String(p[F[side]]).trim()) {
        cell.appendChild(el("div", "edited", edited));
        cell.appendChild(el("div", "was", p[F[side]]));
      } else {
        cell.textContent = p[F[side]];
      }
      row.appendChild(cell);
    });
    var sc = el("div", "score");
    sc.appendChild(el("b", null, DATA.score + " " + num(q)));
    if (d) {
      var fromStore = own(stored, p[F.pair_id]) && stored[p[F.pair_id]] === d;
      sc.appendChild(el("i", "verdict v-" + d[0], VERBS[d[0]] + (fromStore ? " (store)" : "")));
    }
    sc.appendChild(el("span", "meta", "align " + num(p[F.align_score]) + " · len " + num(p[F.len_ratio])));
    sc.appendChild(el("span", "meta", "cov " + num(p[F.cov_en]) + " / " + num(p[F.cov_zh]) + " · copy " + num(p[F.copy])));
    sc.appendChild(el("span", "meta", "num " + num(p[F.num_agree]) + " · purity " + num(p[F.purity])));
    sc.title = "bead score, log length ratio, coverage en/zh, number agreement, script purity, copy";
    row.appendChild(sc);
    return row;
  }

  function refreshRow(i) {
    var old = rows[i];
    if (!old) return;
    var row = beadRow(i);
    if (old.classList.contains("cur")) row.classList.add("cur");
    old.replaceWith(row);
    rows[i] = row;
  }

  function unalignedBlock(d) {
    var en = d.unaligned_en || [], zh = d.unaligned_zh || [];
    if (!en.length && !zh.length) return null;
    var box = el("div", "unaligned");
    box.appendChild(el("h3", null, "Left unaligned: " + en.length + " English, " + zh.length + " Chinese paragraph" + (en.length + zh.length === 1 ? "" : "s")));
    var cols = el("div", "cols");
    [[en, "en"], [zh, "zh"]].forEach(function (c) {
      var col = el("div", "col " + c[1]);
      col.lang = c[1];
      c[0].forEach(function (t) { col.appendChild(el("p", null, t)); });
      cols.appendChild(col);
    });
    box.appendChild(cols);
    return box;
  }

  function docHeader(d, cont) {
    var s = el("summary");
    s.appendChild(el("span", "id", d.id + (cont ? " (continued)" : "")));
    s.appendChild(el("span", "meta", d.layout || ""));
    s.appendChild(el("span", "meta", (d.pairs || 0).toLocaleString() + " pairs"));
    s.appendChild(el("span", "meta", "aligned: English " + pct(d.aligned_en, d.sent_en) + " of " + (d.sent_en || 0) + ", Chinese " + pct(d.aligned_zh, d.sent_zh) + " of " + (d.sent_zh || 0)));
    if (d.source && d.source !== d.id) s.appendChild(el("span", "meta", d.source));
    return s;
  }

  function renderPairs() {
    var main = $("pairs");
    main.replaceChildren();
    rows = {};
    editing = null;
    var from = state.page * PAGE, to = Math.min(view.length, from + PAGE);
    if (cur < from || cur >= to) cur = from;
    if (state.low) {
      // Ordered by score, the pairs of a document are apart: one list, each bead naming
      // its document.
      var flat = el("div", "flat");
      for (var j = from; j < to; j++) flat.appendChild(rows[view[j]] = beadRow(view[j]));
      main.appendChild(flat);
    } else {
      var box = null, lastDoc = -1;
      for (var k = from; k < to; k++) {
        var i = view[k], di = pairs[i][F.doc];
        if (di !== lastDoc) {
          var d = docs[di];
          box = el("details", "doc");
          box.dataset.doc = di;
          box.open = !collapsed[di];
          box.addEventListener("toggle", (function (di, box) {
            return function () { if (box.open) delete collapsed[di]; else collapsed[di] = true; };
          })(di, box));
          box.appendChild(docHeader(d, k > 0 && pairs[view[k - 1]][F.doc] === di));
          main.appendChild(box);
          lastDoc = di;
        }
        box.appendChild(rows[i] = beadRow(i));
        var nextDoc = k + 1 < view.length ? pairs[view[k + 1]][F.doc] : -1;
        if (nextDoc !== di) {
          var u = unalignedBlock(docs[di]);
          if (u) box.appendChild(u);
        }
      }
    }
    if (from >= to) main.appendChild(el("p", "empty", "No pair matches the filters."));
    else rows[view[cur]].classList.add("cur");
  }

  // Selects the pair at position k of the view (turning the page when it is on another)
  // and scrolls it into sight.
  function select(k, noScroll) {
    if (!view.length) return;
    k = Math.max(0, Math.min(view.length - 1, k));
    if (editing !== null) endEdit(false);
    var old = rows[view[cur]];
    if (old) old.classList.remove("cur");
    cur = k;
    var page = Math.floor(k / PAGE);
    if (page !== state.page) { state.page = page; render(); }
    var row = rows[view[cur]];
    if (!row) return;
    row.classList.add("cur");
    var box = row.parentNode;
    if (box.tagName === "DETAILS" && !box.open) box.open = true;
    if (!noScroll) row.scrollIntoView({ block: "nearest" });
  }

  function renderNoPairs() {
    var box = $("nopairs"), text = state.text.toLowerCase(), list = [];
    docs.forEach(function (d) {
      if (d.pairs) return;
      if (state.layout && d.layout !== state.layout) return;
      if (text) {
        var hay = [d.id, d.reason || ""].concat(d.unaligned_en || [], d.unaligned_zh || []).join("\n").toLowerCase();
        if (hay.indexOf(text) < 0) return;
      }
      list.push(d);
    });
    $("nopairs-n").textContent = "(" + list.length.toLocaleString() + ")";
    box.replaceChildren();
    list.slice(0, noPairsShown).forEach(function (d) {
      var det = el("details");
      var s = el("summary");
      s.appendChild(el("b", null, d.id));
      s.appendChild(el("span", d.status === "error" ? "error" : "meta", " · " + (d.status || "") + (d.reason ? ": " + d.reason : "")));
      det.appendChild(s);
      var u = unalignedBlock(d);
      det.appendChild(u || el("p", "empty", "no text kept"));
      box.appendChild(det);
    });
    if (list.length > noPairsShown) {
      var more = el("button", null, "show " + Math.min(100, list.length - noPairsShown) + " more");
      more.type = "button";
      more.addEventListener("click", function () { noPairsShown += 100; renderNoPairs(); });
      box.appendChild(more);
    }
    if (!list.length) box.appendChild(el("p", "empty", "none"));
  }

  // The filters and the page live in the URL's fragment (#min=0.5&bead=2-1&q=...), so a
  // view can be bookmarked or shared as a link to the same file.
  function readHash() {
    var h = new URLSearchParams(location.hash.slice(1));
    if (h.get("dir") === "lt") state.dir = "lt";
    var m = parseFloat(h.get("min"));
    if (m >= 0 && m <= 1) state.min = m;
    if (DATA.beads.indexOf(h.get("bead")) >= 0) state.bead = h.get("bead");
    if (DATA.layouts.indexOf(h.get("layout")) >= 0) state.layout = h.get("layout");
    state.text = (h.get("q") || "").trim();
    state.undecided = h.get("undecided") === "1";
    state.low = h.get("order") === "low";
    var pg = parseInt(h.get("page"), 10);
    state.page = pg > 0 ? pg - 1 : 0;
    cur = state.page * PAGE;
    $("f-dir").value = state.dir;
    $("f-min").value = state.min;
    $("f-min-v").textContent = state.min.toFixed(2);
    $("f-bead").value = state.bead;
    $("f-layout").value = state.layout;
    $("f-text").value = state.text;
    $("f-undecided").checked = state.undecided;
    $("f-low").checked = state.low;
  }
  function writeHash() {
    var h = new URLSearchParams();
    if (state.dir !== "ge") h.set("dir", state.dir);
    if (state.min > 0) h.set("min", state.min.toFixed(2));
    if (state.bead) h.set("bead", state.bead);
    if (state.layout) h.set("layout", state.layout);
    if (state.text) h.set("q", state.text);
    if (state.undecided) h.set("undecided", "1");
    if (state.low) h.set("order", "low");
    if (state.page > 0) h.set("page", state.page + 1);
    var s = h.toString();
    try { history.replaceState(null, "", s ? "#" + s : location.pathname + location.search); } catch (e) { /* some file:// setups */ }
  }

  function render() {
    writeHash();
    $("shown").textContent = view.length.toLocaleString("en");
    pager($("pager-top"));
    pager($("pager-bottom"));
    renderPairs();
  }

  function refilter() { state.page = 0; cur = 0; filter(); render(); renderNoPairs(); }

  // -- the keys -------------------------------------------------------------------------

  var KEYS = {
    j: function () { select(cur + 1); },
    ArrowDown: function () { select(cur + 1); },
    k: function () { select(cur - 1); },
    ArrowUp: function () { select(cur - 1); },
    a: function () { decide("accept"); },
    r: function () { decide("reject"); },
    e: startEdit,
    u: undo,
    n: function () { toPage(state.page + 1); },
    p: function () { toPage(state.page - 1); },
    d: download
  };

  document.addEventListener("keydown", function (e) {
    var t = e.target, tag = t && t.tagName;
    if (editing !== null && tag === "TEXTAREA") {
      // Enter saves (Shift+Enter: a new line); not while an input method composes.
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); endEdit(true); }
      else if (e.key === "Escape") { e.preventDefault(); endEdit(false); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      if (e.key === "Escape") t.blur();
      return;
    }
    var act = own(KEYS, e.key) ? KEYS[e.key] : null;
    if (!act) return;
    e.preventDefault();
    act();
  });

  // A click on a bead selects it; its buttons act on it as their keys do.
  $("pairs").addEventListener("click", function (e) {
    var row = e.target.closest ? e.target.closest(".bead") : null;
    if (!row || row.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA") return;
    var k = view.indexOf(Number(row.dataset.i));
    if (k < 0) return;
    if (k !== cur) select(k, true);
    var act = e.target.dataset && e.target.dataset.act;
    if (act) KEYS[act]();
  });

  fillSelect($("f-bead"), DATA.beads);
  fillSelect($("f-layout"), DATA.layouts);
  $("f-min").addEventListener("input", function (e) {
    state.min = parseFloat(e.target.value);
    $("f-min-v").textContent = state.min.toFixed(2);
    refilter();
  });
  $("f-dir").addEventListener("change", function (e) { state.dir = e.target.value; refilter(); });
  $("f-bead").addEventListener("change", function (e) { state.bead = e.target.value; refilter(); });
  $("f-layout").addEventListener("change", function (e) { state.layout = e.target.value; refilter(); });
  $("f-undecided").addEventListener("change", function (e) { state.undecided = e.target.checked; e.target.blur(); refilter(); });
  $("f-low").addEventListener("change", function (e) { state.low = e.target.checked; e.target.blur(); refilter(); });
  var timer = null;
  $("f-text").addEventListener("input", function (e) {
    clearTimeout(timer);
    timer = setTimeout(function () { state.text = e.target.value.trim(); refilter(); }, 150);
  });
  function setAll(open) {
    document.querySelectorAll("details.doc").forEach(function (d) { d.open = open; });
    if (open) collapsed = {};
    else docs.forEach(function (_, i) { collapsed[i] = true; });
  }
  $("expand").addEventListener("click", function () { setAll(true); });
  $("collapse").addEventListener("click", function () { setAll(false); });
  $("download").addEventListener("click", download);
  // The sticky filter bar's height, so a bead scrolled into sight is not under it.
  function navHeight() {
    document.documentElement.style.setProperty("--nav-h", $("filters").offsetHeight + "px");
  }
  window.addEventListener("resize", navHeight);

  readHash();
  filter();
  render();
  renderNoPairs();
  counter();
  navHeight();
  // For measurements: ms from navigation start to this script, and this script's own ms.
  document.body.setAttribute("data-start-ms", Math.round(t0));
  document.body.setAttribute("data-render-ms", Math.round(performance.now() - t0));
})();

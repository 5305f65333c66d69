(function () {
  "use strict";
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById("data").textContent);
  var F = {};
  DATA.fields.forEach(function (n, i) { F[n] = i; });
  var pairs = DATA.pairs, docs = DATA.docs, PAGE = DATA.page_size;
  var state = { dir: "ge", min: 0, bead: "", layout: "", text: "", page: 0 };
  var collapsed = {};
  var view = [], lowered = null, noPairsShown = 100;
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

  function textOf(i) {
    if (lowered === null) lowered = new Array(pairs.length);
    var s = lowered[i];
    if (s === undefined) {
      var p = pairs[i];
      s = lowered[i] = (p[F.en] + "\n" + p[F.zh] + "\n" + docs[p[F.doc]].id).toLowerCase();
    }
    return s;
  }

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
      out.push(i);
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
      b.addEventListener("click", function () { state.page = page; render(); window.scrollTo(0, $("pairs").offsetTop - 60); });
      box.appendChild(b);
    }
    go("«", 0, state.page === 0);
    go("‹ prev", state.page - 1, state.page === 0);
    var input = el("input");
    input.type = "number"; input.min = 1; input.max = pages; input.value = state.page + 1;
    input.style.width = "5em";
    input.addEventListener("change", function () {
      var n = parseInt(input.value, 10);
      if (n >= 1 && n <= pages) { state.page = n - 1; render(); }
    });
    box.appendChild(el("span", null, "page "));
    box.appendChild(input);
    box.appendChild(el("span", null, " of " + pages.toLocaleString()));
    go("next ›", state.page + 1, state.page >= pages - 1);
    go("»", pages - 1, state.page >= pages - 1);
  }

  function beadRow(i) {
    var p = pairs[i], q = p[F.quality];
    var row = el("div", "bead " + band(q));
    var meta = el("div");
    meta.appendChild(el("div", "type", p[F.bead]));
    meta.appendChild(el("div", "meta", "s " + p[F.sent_en].join(",") + " ⇄ " + p[F.sent_zh].join(",")));
    meta.appendChild(el("div", "meta", "¶ " + p[F.para_en].join(",") + " ⇄ " + p[F.para_zh].join(",")));
    if (p[F.line_en] !== null) meta.appendChild(el("div", "meta", "line " + p[F.line_en] + " ⇄ " + p[F.line_zh]));
    row.appendChild(meta);
    var en = el("div", "t en", p[F.en]); en.lang = "en";
    var zh = el("div", "t zh", p[F.zh]); zh.lang = "zh";
    row.appendChild(en);
    row.appendChild(zh);
    var sc = el("div", "score");
    var b = el("b", null, DATA.score + " " + num(q));
    sc.appendChild(b);
    sc.appendChild(el("span", "meta", "align " + num(p[F.align_score]) + " · len " + num(p[F.len_ratio])));
    sc.appendChild(el("span", "meta", "cov " + num(p[F.cov_en]) + " / " + num(p[F.cov_zh]) + " · copy " + num(p[F.copy])));
    sc.appendChild(el("span", "meta", "num " + num(p[F.num_agree]) + " · purity " + num(p[F.purity])));
    sc.title = "bead score, log length ratio, coverage en/zh, number agreement, script purity, copy";
    row.appendChild(sc);
    return row;
  }

  function unalignedBlock(d, open) {
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
    var from = state.page * PAGE, to = Math.min(view.length, from + PAGE);
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
      box.appendChild(beadRow(i));
      var nextDoc = k + 1 < view.length ? pairs[view[k + 1]][F.doc] : -1;
      if (nextDoc !== di) {
        var u = unalignedBlock(docs[di]);
        if (u) box.appendChild(u);
      }
    }
    if (from >= to) main.appendChild(el("p", "empty", "No pair matches the filters."));
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
    var pg = parseInt(h.get("page"), 10);
    state.page = pg > 0 ? pg - 1 : 0;
    $("f-dir").value = state.dir;
    $("f-min").value = state.min;
    $("f-min-v").textContent = state.min.toFixed(2);
    $("f-bead").value = state.bead;
    $("f-layout").value = state.layout;
    $("f-text").value = state.text;
  }
  function writeHash() {
    var h = new URLSearchParams();
    if (state.dir !== "ge") h.set("dir", state.dir);
    if (state.min > 0) h.set("min", state.min.toFixed(2));
    if (state.bead) h.set("bead", state.bead);
    if (state.layout) h.set("layout", state.layout);
    if (state.text) h.set("q", state.text);
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

  function refilter() { state.page = 0; filter(); render(); renderNoPairs(); }

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

  readHash();
  filter();
  render();
  renderNoPairs();
  // For measurements: ms from navigation start to this script, and this script's own ms.
  document.body.setAttribute("data-start-ms", Math.round(t0));
  document.body.setAttribute("data-render-ms", Math.round(performance.now() - t0));
})();

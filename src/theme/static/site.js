// fieldbook site script: theme toggle, copy-link controls, copy buttons, search. Reading never
// depends on it. (The saved theme itself is set by a line in the page's head, before first paint.)
(function () {
  "use strict";
  var root = document.documentElement;
  try { var saved = localStorage.getItem("theme"); if (saved) root.setAttribute("data-theme", saved); } catch (e) {}
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) {
      var isDark = function () {
        return root.getAttribute("data-theme") === "dark" ||
          (!root.getAttribute("data-theme") && window.matchMedia("(prefers-color-scheme: dark)").matches);
      };
      toggle.hidden = false;
      toggle.setAttribute("aria-pressed", String(isDark()));
      toggle.addEventListener("click", function () {
        var next = isDark() ? "light" : "dark";
        root.setAttribute("data-theme", next);
        toggle.setAttribute("aria-pressed", String(next === "dark"));
        try { localStorage.setItem("theme", next); } catch (e) {}
      });
    }
    copyButtons();
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest && ev.target.closest("a[data-copy-link]");
      if (!a || !navigator.clipboard) return;
      var url = new URL(a.getAttribute("href"), location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        var note = document.createElement("div");
        note.className = "copied"; note.setAttribute("role", "status"); note.textContent = document.body.getAttribute("data-t-copied") || "Link copied";
        document.body.appendChild(note); setTimeout(function () { note.remove(); }, 1500);
      }, function () {});
    });
    footnotePopovers();
    sortableTables();
    chartTips();
    var input = document.getElementById("q");
    if (input) search(input);
  });

  // Chart tooltips: each data mark carries its text (data-tip: x and series, value, source).
  // Hover or tap shows it beside the mark; a chart takes the keyboard focus (one tab stop), the
  // arrow keys step through its marks and Escape hides the tip. The tip is a live region, so
  // a screen reader reads each mark as it is reached.
  function chartTips() {
    var charts = document.querySelectorAll("svg.fb-chart");
    if (!charts.length) return;
    // Only the wide drawing carries the texts; the other drawings of a figure have the same marks
    // in the same order.
    document.querySelectorAll(".chart-wide svg.fb-chart").forEach(function (wide) {
      var tips = wide.querySelectorAll(".fb-mark[data-tip]");
      var fig = wide.closest("figure") || document;
      fig.querySelectorAll(".chart-medium svg.fb-chart, .chart-narrow svg.fb-chart").forEach(function (svg) {
        svg.querySelectorAll(".fb-mark").forEach(function (m, i) {
          if (tips[i]) m.setAttribute("data-tip", tips[i].getAttribute("data-tip"));
        });
      });
    });
    var tip = document.createElement("div");
    tip.className = "chart-tip"; tip.setAttribute("role", "status"); tip.hidden = true;
    document.body.appendChild(tip);
    var active = null;
    function show(mark) {
      if (active) active.classList.remove("fb-active");
      active = mark; mark.classList.add("fb-active");
      tip.textContent = mark.getAttribute("data-tip");
      tip.hidden = false;
      var r = mark.getBoundingClientRect(), w = tip.offsetWidth, h = tip.offsetHeight;
      var x = Math.min(Math.max(8, r.left + r.width / 2 - w / 2), document.documentElement.clientWidth - w - 8);
      var y = r.top - h - 10 < 8 ? r.bottom + 10 : r.top - h - 10;
      tip.style.left = (x + window.scrollX) + "px"; tip.style.top = (y + window.scrollY) + "px";
    }
    function hide() {
      if (active) active.classList.remove("fb-active");
      active = null; tip.hidden = true;
    }
    charts.forEach(function (svg) {
      var marks = svg.querySelectorAll(".fb-mark[data-tip]");
      if (!marks.length) return;
      svg.setAttribute("tabindex", "0");
      svg.addEventListener("pointerover", function (ev) {
        var m = ev.target.closest && ev.target.closest(".fb-mark[data-tip]");
        if (m) show(m);
      });
      svg.addEventListener("pointerleave", hide);
      svg.addEventListener("blur", hide);
      svg.addEventListener("keydown", function (ev) {
        var i = Array.prototype.indexOf.call(marks, active);
        var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[ev.key];
        if (step) {
          ev.preventDefault();
          show(marks[i < 0 ? (step > 0 ? 0 : marks.length - 1) : (i + step + marks.length) % marks.length]);
        } else if (ev.key === "Home" || ev.key === "End") {
          ev.preventDefault(); show(marks[ev.key === "Home" ? 0 : marks.length - 1]);
        } else if (ev.key === "Escape") hide();
      });
    });
    window.addEventListener("scroll", function () { if (active && !active.closest("svg").matches(":focus")) hide(); }, { passive: true });
  }

  // Data tables sort by any column: a button in each header cell; numbers by their value
  // (data-v), text in the page's language's order; blanks always last; the same button again
  // reverses. aria-sort on the header says the order to screen readers.
  function sortableTables() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      var body = table.tBodies[0];
      if (!body || body.rows.length < 3) return;
      var heads = table.tHead ? table.tHead.rows[0].cells : [];
      var original = Array.prototype.slice.call(body.rows);
      var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
      Array.prototype.forEach.call(heads, function (th, col) {
        var b = document.createElement("button");
        b.type = "button";
        while (th.firstChild) b.appendChild(th.firstChild);
        th.appendChild(b);
        b.addEventListener("click", function () {
          var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
          Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", dir);
          var sign = dir === "ascending" ? 1 : -1;
          var key = function (row) {
            var cell = row.cells[col];
            var blank = !cell || cell.querySelector(".blank") || !cell.textContent.trim();
            var v = cell && cell.getAttribute("data-v");
            return { blank: !!blank, num: v === null ? null : Number(v), text: cell ? cell.textContent.trim() : "" };
          };
          var rows = original.map(function (row, i) { return { row: row, i: i, k: key(row) }; });
          rows.sort(function (a, b) {
            if (a.k.blank !== b.k.blank) return a.k.blank ? 1 : -1;
            var c = a.k.num !== null && b.k.num !== null ? a.k.num - b.k.num : collator.compare(a.k.text, b.k.text);
            return c !== 0 ? sign * c : a.i - b.i;
          });
          rows.forEach(function (r) { body.appendChild(r.row); });
        });
      });
    });
  }

  // A "Copy" button under every citation format and every embed code: it puts the text, exactly as
  // shown, on the clipboard and says so in its label for a moment.
  function copyButtons() {
    if (!navigator.clipboard) return;
    var label = document.body.getAttribute("data-t-copy") || "Copy";
    var done = document.body.getAttribute("data-t-copy-done") || "Copied";
    document.querySelectorAll(".cite-formats dd, .embed-code textarea").forEach(function (el) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "copy-button"; b.textContent = label;
      var what = el.previousElementSibling;
      if (what && what.tagName === "DT") b.setAttribute("aria-label", label + " " + what.textContent);
      b.addEventListener("click", function () {
        navigator.clipboard.writeText(copyText(el)).then(function () {
          b.textContent = done;
          setTimeout(function () { b.textContent = label; }, 1500);
        }, function () {});
      });
      // Inside a <dd> (a <dl> holds only dt and dd); after a textarea.
      if (el.tagName === "DD") el.appendChild(b); else el.insertAdjacentElement("afterend", b);
    });
  }

  // The text a copy button copies: a textarea's code, a <pre>'s text as it is, else the element's
  // text without the button, its spaces collapsed.
  function copyText(el) {
    if (el.tagName === "TEXTAREA") return el.value;
    var pre = el.querySelector("pre");
    if (pre) return pre.textContent;
    var c = el.cloneNode(true);
    c.querySelectorAll(".copy-button").forEach(function (x) { x.remove(); });
    return c.textContent.replace(/\s+/g, " ").trim();
  }

  // Footnote references and citations open the note or the full reference beside the text instead
  // of jumping away; Escape or a second click closes it. Without JavaScript the links still jump.
  function footnotePopovers() {
    var open = null;
    function close() { if (open) { open.pop.remove(); open.link.setAttribute("aria-expanded", "false"); open = null; } }
    document.querySelectorAll(".fnref a[href^='#fn-'], .citation a[href^='#ref-']").forEach(function (a) {
      a.setAttribute("aria-expanded", "false");
      a.addEventListener("click", function (ev) {
        var note = document.getElementById(a.getAttribute("href").slice(1));
        if (!note) return;
        ev.preventDefault();
        var same = open && open.link === a;
        close();
        if (same) return;
        var pop = document.createElement("span");
        pop.className = "fn-popover"; pop.setAttribute("role", "note");
        pop.innerHTML = note.innerHTML;
        pop.querySelectorAll(".fn-back").forEach(function (b) { b.remove(); });
        sentenceEnd(a.closest(".citation") || a.parentNode).after(pop);
        a.setAttribute("aria-expanded", "true");
        open = { link: a, pop: pop };
      });
    });
    document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") close(); });
  }

  // The node after which a note opened from `node` goes: the end of the sentence it stands in
  // (after the full stop and any closing quote or bracket), so the note never cuts a sentence in
  // two; else the last text before the paragraph's link control, or `node` itself.
  function sentenceEnd(node) {
    var last = node;
    for (var n = node.nextSibling; n; n = n.nextSibling) {
      if (n.nodeType === 1 && n.classList.contains("pilcrow")) break;
      if (n.nodeType === 3) {
        var m = /[.!?]["'\u201d\u2019)\]]*(?=\s|$)/.exec(n.data);
        if (m) { n.splitText(m.index + m[0].length); return n; }
      }
      last = n;
    }
    return last;
  }

  function search(input) {
    // Pagefind's own client (/pagefind/pagefind.js) queries the chunked index built by fieldbook.
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var bundle = input.getAttribute("data-bundle");
    // A large site's index is split into shards (bundle, bundle + "1/", ...), merged here.
    var shards = parseInt(input.getAttribute("data-shards") || "1", 10);
    var engine = null, latest = 0;
    var params = new URLSearchParams(location.search);
    if (params.get("q")) input.value = params.get("q");
    import(bundle + "pagefind.js").then(function (pf) {
      return pf.options({ basePath: bundle, baseUrl: "/", excerptLength: 24 }).then(function () {
        var merged = [];
        for (var i = 1; i < shards; i++) merged.push(pf.mergeIndex(bundle + i + "/", { baseUrl: "/", excerptLength: 24 }));
        return Promise.all(merged);
      }).then(function () { engine = pf; engine.init(); run(); });
    }, function () { status.textContent = input.getAttribute("data-t-failed"); });
    input.addEventListener("input", run);
    input.form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); });
    function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
    // Excerpts are escaped text with Pagefind's <mark>: keep that tag only.
    function marks(html) { return String(html).replace(/<(?!\/?mark>)[^>]*>/g, ""); }
    function unescape(s) { var t = document.createElement("textarea"); t.innerHTML = s; return t.value; }
    function run() {
      if (!engine) return;
      var q = input.value.trim(), ticket = ++latest;
      if (q.length < 2) { results.innerHTML = ""; status.textContent = ""; return; }
      engine.search(q).then(function (found) {
        return Promise.all(found.results.slice(0, 50).map(function (r) { return r.data(); })).then(function (data) {
          if (ticket !== latest) return;
          results.innerHTML = "";
          var n = found.results.length;
          status.textContent = input.getAttribute(n === 1 ? "data-t-one" : "data-t-many").replace("{n}", n).replace("{q}", q);
          data.forEach(function (d) {
            var li = document.createElement("li");
            li.innerHTML = '<a href="' + esc(d.url) + '">' + esc(unescape(d.meta.title || d.url)) + '</a> <span class="kind">' + esc(unescape(d.meta.kind || "")) + '</span><br><span class="summary">' + marks(d.excerpt) + "</span>";
            results.appendChild(li);
          });
        });
      });
    }
  }
})();

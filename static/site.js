// fieldbook site script: theme toggle, copy-link controls, search. Reading never depends on it.
(function () {
  "use strict";
  var root = document.documentElement;
  try { var saved = localStorage.getItem("theme"); if (saved) root.setAttribute("data-theme", saved); } catch (e) {}
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var dark = root.getAttribute("data-theme") === "dark" ||
          (!root.getAttribute("data-theme") && window.matchMedia("(prefers-color-scheme: dark)").matches);
        var next = dark ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try { localStorage.setItem("theme", next); } catch (e) {}
      });
    }
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest && ev.target.closest("a[data-copy-link]");
      if (!a || !navigator.clipboard) return;
      var url = new URL(a.getAttribute("href"), location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        var note = document.createElement("div");
        note.className = "copied"; note.setAttribute("role", "status"); note.textContent = "Link copied";
        document.body.appendChild(note); setTimeout(function () { note.remove(); }, 1500);
      }, function () {});
    });
    footnotePopovers();
    var input = document.getElementById("q");
    if (input) search(input);
  });

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
        var anchor = a.closest(".citation") || a.parentNode;
        anchor.after(pop);
        a.setAttribute("aria-expanded", "true");
        open = { link: a, pop: pop };
      });
    });
    document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") close(); });
  }

  function search(input) {
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var docs = null;
    fetch(input.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (d) {
      docs = d; run();
    }, function () { status.textContent = "The search index could not be loaded."; });
    var params = new URLSearchParams(location.search);
    if (params.get("q")) input.value = params.get("q");
    input.addEventListener("input", run);
    input.form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); });
    function esc(s) { return s.replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
    function run() {
      if (!docs) return;
      var q = input.value.trim().toLowerCase();
      results.innerHTML = "";
      if (q.length < 2) { status.textContent = ""; return; }
      var terms = q.split(/\s+/);
      var scored = [];
      docs.forEach(function (d) {
        var title = d.t.toLowerCase(), also = (d.a || "").toLowerCase(), text = (d.s + " " + d.x).toLowerCase(), score = 0;
        for (var i = 0; i < terms.length; i++) {
          var t = terms[i], s = 0;
          if (title.indexOf(t) >= 0) s += 10;
          if (also.indexOf(t) >= 0) s += 8;
          var n = text.split(t).length - 1; s += Math.min(n, 5);
          if (!s) return;
          score += s;
        }
        scored.push([score, d]);
      });
      scored.sort(function (a, b) { return b[0] - a[0] || (a[1].t < b[1].t ? -1 : 1); });
      status.textContent = scored.length + (scored.length === 1 ? " result" : " results") + " for “" + input.value + "”";
      scored.slice(0, 50).forEach(function (pair) {
        var d = pair[1], text = d.s + " " + d.x, low = text.toLowerCase(), at = low.indexOf(terms[0]);
        var start = Math.max(0, at - 60), snippet = (start ? "…" : "") + text.substr(start, 180) + "…";
        var html = esc(snippet);
        terms.forEach(function (t) { if (t.length > 1) html = html.replace(new RegExp("(" + t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "ig"), "<mark>$1</mark>"); });
        var li = document.createElement("li");
        li.innerHTML = '<a href="' + esc(d.u) + '">' + esc(d.t) + '</a> <span class="kind">' + esc(d.k) + '</span><br><span class="summary">' + html + "</span>";
        results.appendChild(li);
      });
    }
  }
})();

/* Tables a reader can search and page, with no kernel behind the page.

   1. Explorers (div.sinosoviet-explorer, made by sinosoviet/webexplore.py): draws the chart from
      its Vega (compiled from its spec as the book was built) with the vega bundle the book serves,
      and a table of the same rows; whenever one of the chart's inputs changes (a Vega signal), the
      table keeps the rows that the chart's filter keeps, tested by the same filter descriptions
      the Python side wrote the chart's filter from.
   2. Reference tables (div.sinosoviet-table-tools, made by sinosoviet/pages.py): a search box,
      and pages of data-page-size rows where one is given. A link to a row (#src-…) opens its page.
   3. A page filter (div.sinosoviet-page-filter): one box that filters the rows of every table
      inside the elements its data-target selects, hiding groups (.sinosoviet-group) left empty.
   Rows are shown and hidden, never rebuilt from text, except an explorer's, which are built from
   the spec's rows: text cells with textContent, and link cells from HTML escaped in Python. */
(function () {
  "use strict";
  var explorerPage = 15;

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  var uid = 0;
  function searchBox(label, onInput) {
    var id = "sinosoviet-search-" + (++uid);
    var wrap = make("div", { "class": "sinosoviet-search" });
    wrap.appendChild(make("label", { "for": id }, label));
    var input = make("input", { type: "search", id: id, autocomplete: "off" });
    input.addEventListener("input", function () { onInput(input.value); });
    wrap.appendChild(input);
    return { el: wrap, input: input };
  }

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function matchesWords(text, query) {
    return words(query).every(function (w) { return text.indexOf(w) >= 0; });
  }

  /* Previous/next buttons and where the reader is: "Rows 16–30 of 227". */
  function Pager(size, onChange) {
    var self = this;
    this.size = size;
    this.page = 0;
    this.total = 0;
    this.el = make("div", { "class": "sinosoviet-pager" });
    this.prev = make("button", { type: "button" }, "Previous");
    this.next = make("button", { type: "button" }, "Next");
    this.status = make("span", { "class": "sinosoviet-pager-status", "aria-live": "polite" });
    this.prev.addEventListener("click", function () { self.page -= 1; onChange(); });
    this.next.addEventListener("click", function () { self.page += 1; onChange(); });
    this.el.appendChild(this.prev);
    this.el.appendChild(this.status);
    this.el.appendChild(this.next);
  }
  Pager.prototype.slice = function (total, noun) {
    var pages = Math.max(1, Math.ceil(total / this.size));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    var first = this.page * this.size;
    var last = Math.min(total, first + this.size);
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    this.status.textContent = total === 0 ? "No " + noun + " match." :
      (first + 1) + "–" + last + " of " + total + " " + noun + " (page " + (this.page + 1) + " of " + pages + ")";
    return [first, last];
  };

  /* ---- 2. reference tables ---- */
  function enhanceTable(host) {
    var rows = Array.prototype.slice.call(host.querySelectorAll("tbody tr"));
    var texts = rows.map(function (tr) { return tr.textContent.toLowerCase(); });
    var noun = host.getAttribute("data-noun") || "rows";
    var size = parseInt(host.getAttribute("data-page-size") || "0", 10);
    var query = "";
    var count = make("p", { "class": "sinosoviet-search-count", "aria-live": "polite" });
    var pager = size ? new Pager(size, show) : null;
    var box = searchBox("Search the " + noun + " ", function (value) { query = value; if (pager) { pager.page = 0; } show(); });

    function show() {
      var kept = rows.filter(function (tr, i) { return matchesWords(texts[i], query); });
      var range = pager ? pager.slice(kept.length, noun) : [0, kept.length];
      var visible = new Set(kept.slice(range[0], range[1]));
      rows.forEach(function (tr) { tr.hidden = !visible.has(tr); });
      count.textContent = query ? kept.length + " of " + rows.length + " " + noun + " match." : "";
    }

    function reveal() {
      var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
      var index = rows.indexOf(target);
      if (index < 0) { return; }
      query = "";
      box.input.value = "";
      if (pager) { pager.page = Math.floor(index / size); }
      show();
      target.scrollIntoView();
    }

    host.insertBefore(box.el, host.firstChild);
    host.insertBefore(count, box.el.nextSibling);
    if (pager) { host.appendChild(pager.el); }
    show();
    reveal();
    window.addEventListener("hashchange", reveal);
  }

  /* ---- 3. a page filter ---- */
  function pageFilter(host) {
    var scopes = Array.prototype.slice.call(document.querySelectorAll(host.getAttribute("data-target")));
    var rows = [];
    scopes.forEach(function (s) { rows = rows.concat(Array.prototype.slice.call(s.querySelectorAll("tbody tr"))); });
    var texts = rows.map(function (tr) { return tr.textContent.toLowerCase(); });
    var noun = host.getAttribute("data-noun") || "rows";
    var count = make("p", { "class": "sinosoviet-search-count", "aria-live": "polite" });
    var box = searchBox(host.getAttribute("data-label") || "Filter ", function (query) {
      var shown = 0;
      rows.forEach(function (tr, i) { tr.hidden = !matchesWords(texts[i], query); shown += tr.hidden ? 0 : 1; });
      scopes.forEach(function (s) {
        s.querySelectorAll(".sinosoviet-group").forEach(function (g) {
          g.hidden = !g.querySelector("tbody tr:not([hidden])");
        });
      });
      count.textContent = query ? shown + " of " + rows.length + " " + noun + " match." : "";
    });
    host.appendChild(box.el);
    host.appendChild(count);
  }

  /* ---- 1. explorers ---- */
  function passes(row, f, value) {
    var v = row[f.field];
    if (f.kind === "equals") {
      var p = value(f.params[0]);
      return p === "all" || v === p;
    }
    if (f.kind === "member") {
      var q = value(f.params[0]);
      return q === "all" || String(v || "").indexOf(";" + q + ";") >= 0;
    }
    if (f.kind === "years") {
      if (v === null || v === undefined || v !== v) { return f.undated ? Boolean(value(f.undated)) : false; }
      return v >= value(f.params[0]) && v <= value(f.params[1]);
    }
    if (f.kind === "interval") {  // the chart's span: {field: [from, to]}, empty when none is drawn
      var span = value(f.params[0]);
      var range = span && span[f.field];
      if (!range) { return true; }
      var t = Date.parse(v);  // an ISO day, read as UTC midnight, as Vega-Lite reads it
      return t >= +new Date(range[0]) && t <= +new Date(range[1]);
    }
    throw new Error("unknown filter kind " + f.kind);
  }

  function cellText(row, column) {
    var v = row[column.field];
    if (v === null || v === undefined) { return ""; }
    if (!column.html) { return String(v); }
    var holder = document.createElement("template");
    holder.innerHTML = String(v);
    return holder.content.textContent;
  }

  function explorer(host) {
    var config = JSON.parse(host.querySelector(".sinosoviet-explorer-config").textContent);
    var chart = host.querySelector(".sinosoviet-explorer-chart");
    var tableHost = host.querySelector(".sinosoviet-explorer-table");
    var rows = config.spec.datasets[config.data];
    var texts = rows.map(function (row) {
      return config.columns.map(function (c) { return cellText(row, c); }).join(" ").toLowerCase();
    });
    var query = "";
    var view = null;
    var count = make("p", { "class": "sinosoviet-explorer-count" });
    var pager = new Pager(explorerPage, draw);
    var box = searchBox("Search these " + config.noun + " ", function (value) { query = value; pager.page = 0; draw(); });
    var wrap = make("div", { "class": "sinosoviet-table-wrap", tabindex: "0", role: "region",
      "aria-label": "Table of the matching " + config.noun + " (" + config.title + ")" });
    var table = make("table", { "class": "sinosoviet-data" });
    var head = make("tr");
    config.columns.forEach(function (c) { head.appendChild(make("th", { scope: "col" }, c.title)); });
    table.appendChild(make("thead")).appendChild(head);
    var body = table.appendChild(make("tbody"));
    wrap.appendChild(table);
    [count, box.el, wrap, pager.el].forEach(function (el) { tableHost.appendChild(el); });

    function value(name) { return view ? view.signal(name) : undefined; }

    function draw() {
      var matching = [], found = [];
      rows.forEach(function (row, i) {
        if (!config.filters.every(function (f) { return passes(row, f, value); })) { return; }
        matching.push(row);
        if (matchesWords(texts[i], query)) { found.push(row); }
      });
      count.textContent = matching.length === 0 ? "No " + config.noun + " match these filters: widen them to see more." :
        matching.length + " of the " + rows.length + " " + config.noun + " match the filters" +
        (query ? "; " + found.length + " of them contain “" + query + "”." : ".");
      var range = pager.slice(found.length, config.noun);
      body.textContent = "";
      found.slice(range[0], range[1]).forEach(function (row) {
        var tr = make("tr");
        config.columns.forEach(function (c) {
          var td = make("td");
          var v = row[c.field];
          if (c.html) { td.innerHTML = v === null || v === undefined ? "" : String(v); }  // escaped in Python
          else { td.textContent = v === null || v === undefined ? "" : String(v); }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      host.setAttribute("data-rows", String(found.length));
    }

    var scheduled = false;
    function redraw() {
      if (scheduled) { return; }
      scheduled = true;
      window.requestAnimationFrame(function () { scheduled = false; draw(); });
    }

    host.classList.add("sinosoviet-explorer-live");
    var vega = window.sinosovietVega;
    return Promise.resolve().then(function () {
      // its compiled Vega follows its config (sinosoviet/book/vegaspecs.py)
      return vega.embed(chart, vega.compiled(host.querySelector("script.sinosoviet-vega"), config.spec));
    }).then(function (drawn) {
      view = drawn;
      var names = {};
      config.filters.forEach(function (f) {
        f.params.concat(f.undated ? [f.undated] : []).forEach(function (n) { names[n] = true; });
      });
      Object.keys(names).forEach(function (n) { view.addSignalListener(n, redraw); });
      draw();
      // a span's rectangle is an input, not data: screen readers skip it (Vega-Lite gives it no text)
      chart.querySelectorAll("svg g[class*='_brush']").forEach(function (g) { g.setAttribute("aria-hidden", "true"); });
      chart.setAttribute("data-rendered", "true");
    }).catch(function (err) {
      chart.setAttribute("data-error", String(err));
      console.error("explorer " + host.id + " failed to draw: " + err);
    });
  }

  function start() {
    document.querySelectorAll(".sinosoviet-table-tools").forEach(enhanceTable);
    document.querySelectorAll(".sinosoviet-page-filter").forEach(pageFilter);
    // drawn as the chapters' charts are: once near the window, one per task, all on
    // sinosovietDrawAll (sinosoviet-charts.js, which every page with an explorer loads first)
    document.querySelectorAll(".sinosoviet-explorer").forEach(function (host) {
      window.sinosovietDrawWhenNear(host, function () { return explorer(host); });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();

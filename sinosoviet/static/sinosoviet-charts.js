/* Draws every chart of the page from its inline spec with the vega bundle served from _static.
   This script is deferred, and the 0.9 MB bundle is asked for only once the page's text has been
   painted (by a few lines in the page's head), so that a phone
   shows the text first: the bundle (vega, vega-lite, vega-embed, an ES module) is then added to
   the page. A chart (a container, its spec as inert JSON and a call to `sinosovietEmbed`, which
   the page's head answers as the page is parsed by reserving about the chart's height, so that
   nothing moves when it is drawn: sinosoviet/book/reserve.js) is drawn once it comes within a
   screen's height of the window (IntersectionObserver; without it, every chart is drawn), each in
   a task of its own, so that a first visit draws only the first screen's charts and the page
   keeps answering between them; the Explore page's explorers are drawn the same way
   (`window.sinosovietDrawWhenNear`, sinosoviet-tables.js). `window.sinosovietDrawAll()` draws
   everything (print, the tests; "beforeprint" too) and returns a promise of their number once each
   has drawn or failed. The same chart may appear
   twice on a page (as in the single-page print build). A failure is recorded on the container
   (data-error) and in the console.

   Charts reflow to their container instead of being scaled: the spec's plot widths (and a map's
   projection scale with them) are changed until the drawing is as wide as the column, so that text
   keeps its size on a phone. Notebooks keep the stored spec unchanged. A tap on a mark shows the
   same tooltip as hovering it. */
(function () {
  // the layout helpers the page's head defines (sinosoviet/book/reserve.js)
  var layout = window.sinosovietLayout;
  var MIN_PLOT = layout.MIN_PLOT, wrapTitle = layout.wrapTitle;

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  // Change every sized view's plot width by `delta` px; a map (a projection with a scale) grows or
  // shrinks as a whole, its height and clip extent with it, around the same centre.
  function resize(view, delta) {
    var views = view.vconcat || view.hconcat || view.concat;
    if (views) {
      var share = view.vconcat ? delta : delta / views.length;
      views.forEach(function (part) { resize(part, share); });
      return;
    }
    if (typeof view.width !== "number") return;
    var width = Math.max(MIN_PLOT, view.width + delta);
    var factor = width / view.width;
    view.width = width;
    var projection = view.projection;
    if (projection && typeof projection.scale === "number") {
      projection.scale *= factor;
      if (typeof view.height === "number") view.height = Math.round(view.height * factor);
      if (projection.clipExtent) {
        projection.clipExtent = projection.clipExtent.map(function (p) { return p.map(function (v) { return v * factor; }); });
      }
    }
  }

  // The plot width of a view: its own, the widest of a stack, the sum of a row.
  function plotWidth(view) {
    if (view.vconcat) return Math.max.apply(null, view.vconcat.map(plotWidth).concat([0]));
    var side = view.hconcat || view.concat;
    if (side) return side.map(plotWidth).reduce(function (sum, width) { return sum + width; }, 0);
    return typeof view.width === "number" ? view.width : 0;
  }

  function drawnWidth(el) {
    var svg = el.querySelector("svg");
    return svg ? parseFloat(svg.getAttribute("width")) : 0;
  }

  // Vega shows a tooltip on "pointermove", which a tap does not send (a finger does not hover);
  // the click that a tap ends with sends one, so the tap shows what a hover shows.
  function tapShowsTooltip(el) {
    var touched = false;
    el.addEventListener("pointerdown", function (event) { touched = event.pointerType === "touch"; }, true);
    el.addEventListener("click", function (event) {
      if (!touched || !event.isTrusted) return;
      event.target.dispatchEvent(new PointerEvent("pointermove", {
        bubbles: true, clientX: event.clientX, clientY: event.clientY, pointerType: "touch", view: window }));
    });
  }

  // A single or layered view of a fixed height without a map: Vega fits it to the column itself (autosize fit-x,
  // axes and legends included) in one drawing. Concatenated views and maps are redrawn instead.
  function fitsItself(spec, map) {
    return typeof spec.width === "number" && typeof spec.height === "number" && !(spec.vconcat || spec.hconcat || spec.concat || spec.facet || spec.repeat) &&
      !map;
  }

  function draw(el, spec) {
    var available = el.clientWidth;
    var current = clone(spec);
    var map = JSON.stringify(spec).indexOf('"projection"') >= 0;
    var plot = plotWidth(current);
    wrapTitle(current, available - 10);
    if (fitsItself(current, map) && available - 10 >= MIN_PLOT) {
      current.autosize = { type: "fit-x", contains: "padding" };
      current.width = available;
    } else if (plot) {
      // the first drawing already about as wide as the column: axes, labels and legends take
      // about 10 px beside a map's plot (the rounds below correct the rest)
      resize(current, Math.floor(available - 10 - plot));
    }
    var options = { actions: false, renderer: "svg" };
    var result = null;
    var round = 0;
    function nextTask() { return new Promise(function (next) { setTimeout(next, 0); }); }
    function embed() {
      if (result) result.finalize();
      return window.vegaEmbed(el, current, options).then(function (r) { result = r; return fit(); });
    }
    // A few rounds, each in a task of its own: axis labels and legends may change as the plot
    // does. Where the plot width is the view's own `width` signal (a single, layered or stacked
    // view without a map), the drawn view is given the new width and run again, which costs a
    // fraction of drawing it anew; a map's scale is in its spec, so a map is drawn anew.
    function fit() {
      var delta = Math.floor(available - drawnWidth(el));
      if (Math.abs(delta) <= 2 || round++ >= 3) return result;
      if (!map && typeof result.vgSpec.width === "number") {
        var view = result.view;
        return nextTask().then(function () {
          return view.width(Math.max(MIN_PLOT, view.width() + delta)).runAsync();
        }).then(fit);
      }
      resize(current, delta);
      return nextTask().then(embed);
    }
    el.setAttribute("data-width", String(available));
    return embed();
  }

  // Every drawing of the page, a chart or (sinosoviet-tables.js) an Explore explorer: its
  // container, how to draw it, and a promise settled once it has drawn or failed.
  var drawings = [];
  function drawingOf(el) {
    for (var i = 0; i < drawings.length; i++) if (drawings[i].el === el) return drawings[i];
    return null;
  }

  function drawChart(el, specElement) {
    el.setAttribute("data-drawing", "true");
    var spec = JSON.parse(specElement.textContent);
    tapShowsTooltip(el);
    function done() { el.style.minHeight = ""; el.setAttribute("data-rendered", "true"); }
    function failed(err) {
      el.style.minHeight = "";
      el.setAttribute("data-error", String(err));
      console.error("chart " + el.id + " failed to draw: " + err);
    }
    // redraw for a new column width (a phone turned sideways), not for every pixel of a drag
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (Math.abs(el.clientWidth - Number(el.getAttribute("data-width"))) > 8) draw(el, spec).catch(failed);
      }, 250);
    });
    return draw(el, spec).then(done).catch(failed);
  }

  // Each chart's spec, and after it its inline call (answered by the page's head: reserve.js).
  function chartSpecs() {
    return [].slice.call(document.querySelectorAll("script.sinosoviet-spec"));
  }

  // One drawing per task: a phone's main thread is free for a tap between two.
  // One run through the queue at a time, however many drawings join it meanwhile.
  var waiting = [];
  var pumping = false;
  function drawWaiting() {
    var drawing = waiting.shift();
    if (!drawing) { pumping = false; return; }
    // a drawing that throws still settles, and the queue goes on
    Promise.resolve().then(drawing.draw).then(drawing.settle, drawing.settle).then(function () { setTimeout(drawWaiting, 0); });
  }
  function pump() {
    if (pumping) return;
    pumping = true;
    whenVega(drawWaiting);
  }

  function queue(drawing) {
    if (drawing.queued) return;
    drawing.queued = true;
    if (observer) observer.unobserve(drawing.el);
    waiting.push(drawing);
    pump();
  }

  // A drawing is made when it comes within a screen's height of the window, so that a first visit
  // draws only the first screen's and the rest as the reader scrolls; a browser without
  // IntersectionObserver draws them all.
  var observer = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      var drawing = drawingOf(entry.target);
      if (drawing) queue(drawing);
    });
  }, { rootMargin: "100% 0px 100% 0px" }) : null;

  // `draw` makes the drawing in `el` once the bundle has come, and returns a promise.
  // Once everything has been asked for, a drawing that joins later is made at once.
  var allAsked = false;
  function drawWhenNear(el, draw) {
    if (drawingOf(el)) return;
    var drawing = { el: el, draw: draw, queued: false };
    drawing.settled = new Promise(function (resolve) { drawing.settle = resolve; });
    drawings.push(drawing);
    if (observer && !allAsked) observer.observe(el); else queue(drawing);
  }

  function register(specElement) {
    var el = specElement.previousElementSibling;
    if (el) drawWhenNear(el, function () { return drawChart(el, specElement); });
  }

  // Every drawing made, wherever it is on the page (print, the tests): a promise settled when each
  // has drawn or failed, with their number.
  function drawAll() {
    allAsked = true;
    drawings.forEach(queue);
    return Promise.all(drawings.map(function (drawing) { return drawing.settled; })).then(function () { return drawings.length; });
  }
  window.sinosovietDrawAll = drawAll;
  window.addEventListener("beforeprint", function () { drawAll(); });

  // The page's head asks for the bundle once the text has painted (sinosoviet/book/sphinxext.py,
  // VEGA_AFTER_PAINT), and announces it with the `sinosoviet-vega` event.
  function whenVega(then) {
    if (window.vegaEmbed) { then(); return; }
    document.addEventListener("sinosoviet-vega", then, { once: true });
  }

  // the Explore page's explorers are drawn the same way (sinosoviet-tables.js)
  window.sinosovietDrawWhenNear = drawWhenNear;

  function start() { chartSpecs().forEach(register); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

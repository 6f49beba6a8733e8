/* Draws every chart of the page with the vega bundle served from _static.
   This script is deferred, and the 499 kB bundle is asked for only once the page's text has been
   painted (by a few lines in the page's head), so that a phone shows the text first: the bundle
   (Vega and vega-tooltip, an ES module) is then added to the page. A chart is a container, its
   Vega-Lite spec as inert JSON, a call to `sinosovietEmbed` (which the page's head answers as the
   page is parsed by reserving about the chart's height, so that nothing moves when it is drawn:
   sinosoviet/book/reserve.js) and its Vega, compiled from the spec as the book was built
   (sinosoviet/book/vegaspecs.py). It is drawn once it comes within a screen's height of the
   window (IntersectionObserver; without it, every chart is drawn), each in a task of its own, so
   that a first visit draws only the first screen's charts and the page keeps answering between
   them; the Explore page's explorers are drawn the same way
   (`window.sinosovietDrawWhenNear`, sinosoviet-tables.js). `window.sinosovietDrawAll()` draws
   everything (print, the tests; "beforeprint" too) and returns a promise of their number once each
   has drawn or failed. The same chart may appear twice on a page (as in the single-page print
   build). A failure is recorded on the container (data-error) and in the console.

   Charts reflow to their container instead of being scaled: Vega fits the plot width to the
   column (a map is resized, its projection's scale with it), so that text keeps its size on a
   phone. Notebooks keep the stored spec unchanged. A tap on a mark shows the same tooltip as
   hovering it. */
(function () {
  // the layout helpers the page's head defines (sinosoviet/book/reserve.js)
  var layout = window.sinosovietLayout;
  var MIN_PLOT = layout.MIN_PLOT, titleLines = layout.titleLines;

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  // The chart's Vega (compiled while the book was built: sinosoviet/book/vegaspecs.py) with its
  // data sets taken from the Vega-Lite spec, where the build named them by their path of keys.
  function vegaOf(compiled, spec) {
    var vega = compiled.vega;
    (vega.data || []).forEach(function (data) {
      var path = compiled.values[data.name];
      if (path) data.values = path.reduce(function (node, key) { return node[key]; }, spec);
    });
    return vega;
  }

  // Change the plot width by `delta` px (Vega-Lite gives a single, layered or stacked view one
  // `width`); a map (a projection with a scale) grows or shrinks as a whole, its height and clip
  // extent with it, around the same centre. Views of widths of their own keep them.
  function resize(vega, delta) {
    if (typeof vega.width !== "number") return;
    var width = Math.max(MIN_PLOT, vega.width + delta);
    var factor = width / vega.width;
    vega.width = width;
    var scaled = (vega.projections || []).filter(function (projection) { return typeof projection.scale === "number"; });
    scaled.forEach(function (projection) {
      projection.scale *= factor;
      if (projection.clipExtent) {
        projection.clipExtent = projection.clipExtent.map(function (p) { return p.map(function (v) { return v * factor; }); });
      }
    });
    if (scaled.length && typeof vega.height === "number") vega.height = Math.round(vega.height * factor);
  }

  function nextTask() { return new Promise(function (next) { setTimeout(next, 0); }); }

  // Draw a Vega spec into `el` as vega-embed would (SVG, its tooltips, Vega's warnings in the
  // console, inputs bound to parameters under the chart); a promise of the view. The spec is
  // parsed in one task and run in the next: together, a phone's first drawing was one task of
  // about 200 ms.
  function embed(el, vega) {
    var lib = window.vega;
    var runtime = lib.parse(vega);
    return nextTask().then(function () {
      var view = new lib.View(runtime, { renderer: "svg", logLevel: lib.Warn });
      view.tooltip(new window.vegaTooltip.Handler().call);
      el.textContent = "";
      return view.initialize(el).runAsync();
    });
  }

  // A drawing's compiled Vega, in a script element, with its data filled in from `spec`.
  function compiledVega(script, spec) {
    if (!script) throw new Error("the page has no compiled Vega for it (sinosoviet/book/vegaspecs.py)");
    return vegaOf(JSON.parse(script.textContent), spec);
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

  function draw(el, spec, vega) {
    var available = el.clientWidth;
    var current = clone(vega);
    var map = !!(current.projections && current.projections.length);
    var oneWidth = typeof current.width === "number";  // a single, layered or stacked view
    var lines = titleLines(spec, available - 10);
    if (lines.length > 1 && current.title) current.title.text = lines;
    // Vega fits a view of one plot width without a map to the column itself (autosize fit-x, axes
    // and legends included) in one drawing (Vega-Lite refused to for a height in steps or a
    // stack; Vega does it alike); a map is resized instead.
    if (oneWidth && !map && available - 10 >= MIN_PLOT) {
      current.autosize = { type: "fit-x", contains: "padding" };
      current.width = available;
    } else if (oneWidth) {
      // the first drawing already about as wide as the column: axes, labels and legends take
      // about 10 px beside a map's plot (the rounds below correct the rest)
      resize(current, Math.floor(available - 10 - current.width));
    }
    var view = null;
    var round = 0;
    function drawAnew() {
      if (view) view.finalize();
      return embed(el, current).then(function (drawn) { view = drawn; return fit(); });
    }
    // A few rounds, each in a task of its own: axis labels and legends may change as the plot
    // does. Where the plot width is the view's own `width` signal (a single, layered or stacked
    // view without a map), the drawn view is given the new width and run again, which costs a
    // fraction of drawing it anew; a map's scale is in its spec, so a map is drawn anew.
    function fit() {
      var delta = Math.floor(available - drawnWidth(el));
      if (Math.abs(delta) <= 2 || round++ >= 3) return view;
      if (oneWidth && !map) {
        return nextTask().then(function () {
          return view.width(Math.max(MIN_PLOT, view.width() + delta)).runAsync();
        }).then(fit);
      }
      resize(current, delta);
      return nextTask().then(drawAnew);
    }
    el.setAttribute("data-width", String(available));
    return drawAnew();
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
    function done() { el.style.minHeight = ""; el.setAttribute("data-rendered", "true"); }
    function failed(err) {
      el.style.minHeight = "";
      el.setAttribute("data-error", String(err));
      console.error("chart " + el.id + " failed to draw: " + err);
    }
    var spec, vega;
    try {
      spec = JSON.parse(specElement.textContent);
      // its compiled Vega follows its inline call, in the same figure
      vega = compiledVega(specElement.parentNode.querySelector("script.sinosoviet-vega"), spec);
    } catch (err) { failed(err); return Promise.resolve(); }
    tapShowsTooltip(el);
    // redraw for a new column width (a phone turned sideways), not for every pixel of a drag
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (Math.abs(el.clientWidth - Number(el.getAttribute("data-width"))) > 8) draw(el, spec, vega).catch(failed);
      }, 250);
    });
    return draw(el, spec, vega).then(done).catch(failed);
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
  // The first drawing waits for a task of its own: run in the bundle's load event, it made one
  // long task of the bundle's evaluation and the drawing (on a simulated phone 220-280 ms).
  function whenVega(then) {
    if (window.vega) { then(); return; }
    document.addEventListener("sinosoviet-vega", function () { setTimeout(then, 0); }, { once: true });
  }

  // the Explore page's explorers are drawn the same way, and with the same Vega (sinosoviet-tables.js)
  window.sinosovietDrawWhenNear = drawWhenNear;
  window.sinosovietVega = { compiled: compiledVega, embed: embed };

  function start() { chartSpecs().forEach(register); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Draws every chart of the page from its inline spec with the vega bundle served from _static.
   Each chart's script finds its own spec and container next to it, so the same chart may appear
   twice on a page (as in the single-page print build). The bundle is an ES module and runs after
   the page is parsed: charts met earlier wait for DOMContentLoaded. A failure is recorded on the
   container (data-error) and in the console.

   Charts reflow to their container instead of being scaled: the spec's plot widths (and a map's
   projection scale with them) are changed until the drawing is as wide as the column, so that text
   keeps its size on a phone. Notebooks keep the stored spec unchanged. A tap on a mark shows the
   same tooltip as hovering it. */
(function () {
  var MIN_PLOT = 120;  // a plot narrower than this would say nothing: the container scrolls instead

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  // Change every sized view's plot width by `delta` px; a map (a projection with a scale) grows or
  // shrinks as a whole, its height and clip extent with it, around the same centre.
  function resize(view, delta) {
    var parts = view.vconcat || view.hconcat || view.concat;
    if (parts) {
      var share = view.vconcat ? delta : delta / parts.length;
      parts.forEach(function (part) { resize(part, share); });
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

  // A long title is broken into lines that fit the container (Vega draws an array as lines).
  function wrapTitle(spec, width) {
    var title = spec.title;
    var text = typeof title === "string" ? title : title && title.text;
    if (typeof text !== "string") return;
    var config = (spec.config && spec.config.title) || {};
    var font = "bold " + (config.fontSize || 13) + "px " + ((spec.config && spec.config.font) || "sans-serif");
    var context = document.createElement("canvas").getContext("2d");
    context.font = font;
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && context.measureText(next).width > width) { lines.push(line); line = word; } else { line = next; }
    });
    lines.push(line);
    if (lines.length < 2) return;
    if (typeof title === "string") spec.title = lines; else title.text = lines;
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

  function draw(el, spec) {
    var available = el.clientWidth;
    var current = clone(spec);
    wrapTitle(current, available - 10);
    var options = { actions: false, renderer: "svg" };
    var result = null;
    var round = 0;
    function embed() {
      if (result) result.finalize();
      return window.vegaEmbed(el, current, options).then(function (r) {
        result = r;
        var delta = available - drawnWidth(el);
        // a few rounds: axis labels and legends may change as the plot changes
        if (Math.abs(delta) <= 2 || round++ >= 3) return r;
        resize(current, Math.floor(delta));
        return embed();
      });
    }
    el.setAttribute("data-width", String(available));
    return embed();
  }

  window.sinosovietEmbed = function (script) {
    if (!window.vegaEmbed) {
      document.addEventListener("DOMContentLoaded", function () { window.sinosovietEmbed(script); });
      return;
    }
    var specElement = script.previousElementSibling;
    var el = specElement.previousElementSibling;
    var spec = JSON.parse(specElement.textContent);
    tapShowsTooltip(el);
    function done(result) { el.setAttribute("data-rendered", "true"); return result; }
    function failed(err) {
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
  };
})();

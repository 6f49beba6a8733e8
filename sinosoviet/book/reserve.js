/* Inlined in the head of every page with charts (sinosoviet/book/sphinxext.py), before any
   chart: each chart's inline call (`window.sinosovietEmbed(document.currentScript)`, written by
   sinosoviet/render.py) reserves the chart's height as the page is parsed, so that the text under
   a chart is where it will stay from the first paint on; sinosoviet-charts.js, which runs once the
   page is parsed, draws. The helpers it shares are `window.sinosovietLayout`. */
(function () {
  var MIN_PLOT = 120;  // a plot narrower than this would say nothing: the container scrolls instead

  var context = null;  // one canvas measures every title of the page
  // A title's lines in `width` px (Vega draws an array as lines); none for a spec without a title.
  function titleLines(spec, width) {
    var title = spec.title;
    var text = typeof title === "string" || Array.isArray(title) ? title : title && title.text;
    if (Array.isArray(text)) return text;
    if (typeof text !== "string" || !text) return [];
    var config = (spec.config && spec.config.title) || {};
    context = context || document.createElement("canvas").getContext("2d");
    context.font = "bold " + (config.fontSize || 13) + "px " + ((spec.config && spec.config.font) || "sans-serif");
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && context.measureText(next).width > width) { lines.push(line); line = word; } else { line = next; }
    });
    lines.push(line);
    return lines;
  }

  function parts(script) {
    var specElement = script.previousElementSibling;
    var el = specElement && specElement.previousElementSibling;
    return el ? { el: el, spec: specElement } : null;
  }

  // The height a chart will take, reserved before it is drawn so that the text under it does not
  // move when it is: the plot heights (a map's scaled as its width will be; a height in steps, one
  // step a row of the view's data), stacked or side by side, with room for the title, axes and
  // legend. An estimate: the drawing sets the true height.
  function rows(view, datasets, dataName) {
    var y = view.encoding && view.encoding.y;
    if (!y && view.layer) view.layer.some(function (part) { y = part.encoding && part.encoding.y; return y; });
    var values = datasets[dataName] || (view.data && view.data.values) || [];
    if (!y || !y.field || !values.length) return values.length;
    var seen = {};
    values.forEach(function (row) { seen[String(row[y.field])] = true; });
    return Object.keys(seen).length;
  }
  function plotHeight(view, factor, datasets, dataName) {
    dataName = (view.data && view.data.name) || dataName;
    function part(p) { return plotHeight(p, factor, datasets, dataName); }
    if (view.vconcat) return view.vconcat.reduce(function (sum, p) { return sum + part(p) + (p.title ? 72 : 52); }, 0);
    var side = view.hconcat || view.concat;
    if (side) return Math.max.apply(null, side.map(part).concat([0]));
    var height = view.height;
    if (height && typeof height.step === "number") return height.step * rows(view, datasets, dataName);
    if (typeof height !== "number") return view.layer ? Math.max.apply(null, view.layer.map(part).concat([0])) : 0;
    return view.projection && typeof view.projection.scale === "number" ? height * factor : height;
  }
  // a channel that maps a field to colour, shape or size has a legend unless it is turned off
  function hasLegend(view) {
    var encoding = view.encoding || {};
    return ["color", "fill", "shape", "size"].some(function (channel) {
      return encoding[channel] && encoding[channel].field && encoding[channel].legend !== null;
    }) || (view.layer || []).some(hasLegend);
  }
  function reserve(el, spec, available) {
    var width = typeof spec.width === "number" ? spec.width : 0;
    var factor = width ? Math.max(MIN_PLOT, available - 10) / width : 1;
    var height = plotHeight(spec, factor, spec.datasets || {}, null);
    var legend = hasLegend(spec) ? 40 : 0;
    // a control bound to a parameter (a menu, a slider) is a line under the chart
    var controls = (spec.params || []).filter(function (param) { return param.bind && param.bind.input; }).length;
    if (height > 0) el.style.minHeight = Math.round(height + 22 * titleLines(spec, available - 10).length + 50 + legend + 29 * controls) + "px";
    el.setAttribute("data-reserved", "true");
  }

  window.sinosovietLayout = { MIN_PLOT: MIN_PLOT, titleLines: titleLines };
  // The width of a chart's column, read once for each place a chart can stand (its ancestors'
  // elements and classes, less what does not change a width here: a notebook cell's tags, and
  // sections, which only nest headings): reading it makes the browser lay out the page parsed so
  // far, and p5's eight charts, all in the same kind of column, had it do so eight times (about
  // 70 ms).
  var widths = {};
  function columnWidth(el) {
    var place = [];
    for (var node = el.parentNode; node && node !== document.body; node = node.parentNode) {
      if (node.tagName !== "SECTION") place.push(node.tagName + "." + node.className.replace(/\btag_\S+/g, ""));
    }
    place = place.join(" ");
    if (!(place in widths)) widths[place] = el.clientWidth;
    return widths[place];
  }

  window.sinosovietEmbed = function (script) {
    var found = parts(script);
    try { if (found) reserve(found.el, JSON.parse(found.spec.textContent), columnWidth(found.el)); } catch (e) { /* drawing reports it */ }
  };
})();

/* Draws every chart of the page from its inline spec with the vega bundle served from _static.
   Each chart's script finds its own spec and container next to it, so the same chart may appear
   twice on a page (as in the single-page print build). The bundle is an ES module and runs after
   the page is parsed: charts met earlier wait for DOMContentLoaded. A failure is recorded on the
   container (data-error) and in the console. */
window.sinosovietEmbed = function (script) {
  if (!window.vegaEmbed) {
    document.addEventListener("DOMContentLoaded", function () { window.sinosovietEmbed(script); });
    return;
  }
  var specElement = script.previousElementSibling;
  var el = specElement.previousElementSibling;
  var spec = JSON.parse(specElement.textContent);
  return window.vegaEmbed(el, spec, { actions: false, renderer: "svg" })
    .then(function (result) { el.setAttribute("data-rendered", "true"); return result; })
    .catch(function (err) {
      el.setAttribute("data-error", String(err));
      console.error("chart " + el.id + " failed to draw: " + err);
    });
};

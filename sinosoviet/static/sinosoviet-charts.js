/* Draws every chart of the page from its inline spec with the vega bundle served from _static.
   The bundle is an ES module, so it runs after the page is parsed: charts met earlier wait for
   DOMContentLoaded. A failure is recorded on the container (data-error) and in the console. */
window.sinosovietEmbed = function (id) {
  if (!window.vegaEmbed) {
    document.addEventListener("DOMContentLoaded", function () { window.sinosovietEmbed(id); });
    return;
  }
  var el = document.getElementById(id);
  var spec = JSON.parse(document.getElementById(id + "-spec").textContent);
  return window.vegaEmbed(el, spec, { actions: false, renderer: "svg" })
    .then(function (result) { el.setAttribute("data-rendered", "true"); return result; })
    .catch(function (err) {
      el.setAttribute("data-error", String(err));
      console.error("chart " + id + " failed to draw: " + err);
    });
};

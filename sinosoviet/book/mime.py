"""myst-nb MIME render plugin (entry point `myst_nb.mime_renderers`): the book draws each stored
Vega-Lite output from its spec, with the HTML that `sinosoviet.render.chart_html` makes at build
time. Notebooks store only the spec, which JupyterLab draws itself."""
from __future__ import annotations

from docutils import nodes

from ..render import VEGALITE_MIME, chart_html

HTML_BUILDERS = ("html", "singlehtml", "dirhtml")


class VegaLitePlugin:
    mime_priority_overrides = [(builder, VEGALITE_MIME, 1) for builder in HTML_BUILDERS]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != VEGALITE_MIME or inline:
            return None
        return [nodes.raw("", chart_html(data.content), format="html")]

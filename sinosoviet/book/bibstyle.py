"""A pybtex style for the bibliography: unsrt's formatting, but an entry whose type needs a field
the source does not give (a newspaper item without an author, a Soviet memoir whose publisher
we have not confirmed) is printed with the generic template instead of failing. We record only
what we confirmed; we do not fill gaps to please a template."""
from __future__ import annotations

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import FieldIsMissing

NAME = "sinosoviet"


class Style(UnsrtStyle):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # sphinxcontrib-bibtex formats each entry twice with the same style instance, once for the
        # bibliography and once for the citation's tooltip; formatting is pure, so once is enough.
        self._formatted = {}

    def format_entry(self, label, entry, bib_data=None):
        key = (label, entry.key)
        if key not in self._formatted:
            self._formatted[key] = self._format_tolerantly(label, entry, bib_data)
        return self._formatted[key]

    def _format_tolerantly(self, label, entry, bib_data):
        try:
            return super().format_entry(label, entry, bib_data)
        except FieldIsMissing:
            context = {"entry": entry, "style": self, "bib_data": bib_data}
            from pybtex.style import FormattedEntry

            return FormattedEntry(entry.key, self.get_misc_template(entry).format_data(context), label)


def register() -> None:
    # pybtex resolves a plugin through importlib.metadata on every lookup (a scan of every
    # installed package, about 15 ms here), and sphinxcontrib-bibtex looks the plain-text backend
    # up for every citation: 3 s per build. As a runtime plugin it is a dictionary read.
    register_plugin("pybtex.backends", "plaintext", PlainTextBackend, force=True)
    register_plugin("pybtex.style.formatting", NAME, Style, force=True)

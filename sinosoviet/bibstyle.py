"""A pybtex style for the bibliography: unsrt's formatting, but an entry whose type needs a field
the source does not give (a newspaper item without an author, a Soviet memoir whose publisher
we have not confirmed) is printed with the generic template instead of failing. We record only
what we confirmed; we do not fill gaps to please a template."""
from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import FieldIsMissing

NAME = "sinosoviet"


class Style(UnsrtStyle):
    def format_entry(self, label, entry, bib_data=None):
        try:
            return super().format_entry(label, entry, bib_data)
        except FieldIsMissing:
            context = {"entry": entry, "style": self, "bib_data": bib_data}
            from pybtex.style import FormattedEntry

            return FormattedEntry(entry.key, self.get_misc_template(entry).format_data(context), label)


def register() -> None:
    register_plugin("pybtex.style.formatting", NAME, Style, force=True)

"""HTML tables for the reference pages (names, chronology, claims, sources), built from the datasets.

Every value is escaped: the data may hold any text, and it is shown, never interpreted."""
from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from urllib.parse import urlsplit

import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from .data import active, author_year, load, source_refs
from .render import html_table, readable_cell  # noqa: F401 (readable_cell: also used by name from pages)

VERDICT_LABELS = {"supported": "Supported", "partly_supported": "Partly supported", "contested": "Contested",
                  "partly_wrong": "Partly wrong", "wrong": "Wrong", "unresolved": "Unresolved"}


def text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def table(frame: pd.DataFrame, headers: dict[str, str], caption: str | None = None, row_ids=None,
          label: str | None = None) -> str:
    """An escaped HTML table of the given columns, in the given order, with readable headers."""
    rows = ([v if isinstance(v, Markup) else text(v) for v in row] for row in frame[list(headers)].itertuples(index=False))
    return html_table(list(headers.values()), rows, caption, row_ids, label)


def life(row) -> str:
    born, died = text(row.born), text(row.died)
    return f"{born or '?'}–{died or '?'}" if born or died else ""


EAST_ASIAN = {"Chinese", "Japanese", "Korean", "Mongolian"}


def name_parts(person) -> tuple[str, str, bool]:
    """(surname, other names, whether the name is written surname first) of a person of
    `people.csv`, as the introduction's rule reads them. Chinese names are stored surname first
    (Sun Yat-sen), unless written the Western way with initials (C. T. Wang, V. K. Wellington
    Koo); Japanese and Western names are stored given name first (Yōsuke Matsuoka, Vasily
    Blyukher, A. A. Gubenko); an East Asian name is shown surname first."""
    words = text(person.name).split()
    if len(words) < 2:
        return text(person.name), "", False
    nationality = text(person.nationality)
    western = not text(person.name_pinyin) and ("." in text(person.name) or "." in text(person.name_period))
    if nationality == "Chinese" and not western:
        return words[0], " ".join(words[1:]), True
    return words[-1], " ".join(words[:-1]), nationality in EAST_ASIAN and not western


def sort_name(person) -> str:
    """A name as an index lists it: East Asian names surname first with no comma (Sun Yat-sen,
    Matsuoka Yōsuke), others "Surname, Given" (Blyukher, Vasily; Gubenko, A. A.)."""
    surname, other, eastern = name_parts(person)
    return surname if not other else f"{surname} {other}" if eastern else f"{surname}, {other}"


def sort_key(name: str) -> str:
    """Alphabetical order that ignores accents and case (Kōki files as Koki)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def lines(*parts, details=()) -> Markup:
    """Non-empty parts, one per line, in one table cell (a narrow table keeps its columns few).
    `details` follow in a span of their own, which the condensed print edition leaves out."""
    def joined(items):
        return Markup("<br>").join(Markup(p) if isinstance(p, Markup) else p for p in items if text(p))
    main, extra = joined(parts), joined(details)
    return main + Markup('<span class="sinosoviet-detail"><br>{}</span>').format(extra) if extra else main


def labelled(label: str, value) -> str:
    return f"{label}: {text(value)}" if text(value) else ""


def tools(table_html: str, noun: str, page: int | None = None) -> str:
    """A table that the book's script makes searchable (and paged, with `page` rows a page)."""
    paged = f' data-page-size="{page}"' if page else ""
    return f'<div class="sinosoviet-table-tools" data-noun="{html.escape(noun)}"{paged}>{table_html}</div>'


def other_names(row) -> Markup:
    """A person's or place's other names, one per line: pinyin where it differs, the period
    spelling, the native script, and (a detail print leaves out) the aliases."""
    return lines(labelled("Pinyin", row.name_pinyin) if text(row.name_pinyin) != text(row.name) else "",
                 labelled("Period spelling", row.name_period), text(row.name_native),
                 details=(labelled("Also", row.aliases),))


def people_concordance(people: pd.DataFrame) -> HTML:
    rows = active(people)
    rows = rows.assign(index_name=[sort_name(r) for r in rows.itertuples()])
    rows = rows.assign(order=rows.index_name.map(sort_key)).sort_values(["order", "id"])
    rows = rows.assign(
        names=[other_names(r) for r in rows.itertuples()],
        who=[lines(", ".join(x for x in (text(r.nationality), life(r)) if x), text(r.role)) for r in rows.itertuples()])
    return HTML(tools(table(rows, {"index_name": "Name", "names": "Other names", "who": "Who"},
                            f"{len(rows)} people, alphabetical by surname", row_ids=list(rows.id)), "people"))


def gazetteer_links(place) -> Markup:
    """The place's records in GeoNames and Wikidata, where the data give their ids."""
    links = []
    if text(place.geonames):
        links.append(Markup('<a href="https://www.geonames.org/{}">GeoNames</a>').format(text(place.geonames)))
    if text(place.wikidata):
        links.append(Markup('<a href="https://www.wikidata.org/wiki/{}">Wikidata</a>').format(text(place.wikidata)))
    return Markup(" · ").join(links)


def places_concordance(places: pd.DataFrame) -> HTML:
    rows = active(places)
    rows = rows.assign(order=rows.name.map(sort_key)).sort_values(["order", "id"])
    rows = rows.assign(
        names=[other_names(r) for r in rows.itertuples()],
        where=[lines(", ".join(x for x in (text(r.kind), text(r.country_1930s) and f"held by {text(r.country_1930s)}") if x),
                     details=("" if pd.isna(r.lat) else f"{r.lat:.2f}, {r.lon:.2f}", gazetteer_links(r)))
               for r in rows.itertuples()])
    return HTML(tools(table(rows, {"name": "Name", "names": "Other names", "where": "What and where"},
                            f"{len(rows)} places, alphabetical", row_ids=list(rows.id)), "places"))


def periods_table(periods: pd.DataFrame) -> HTML:
    rows = periods.sort_values("seq").assign(start=periods.date_start.dt.strftime("%-d %B %Y"),
                                                end=periods.date_end.dt.strftime("%-d %B %Y"))
    return HTML(table(rows, {"seq": "Chapter", "title": "Period", "start": "From", "end": "To", "summary": "In brief"},
                      "The six periods, one chapter each"))


@functools.cache
def cited_as() -> dict[str, str]:
    """Each source's author–year label, by id."""
    return {row["id"]: author_year(row) for row in load("sources").to_dict("records")}


def source_label(source_id: str, locator: str = "") -> str:
    label = cited_as().get(source_id, source_id)
    return f"{label}, {locator}" if locator else label


def source_link(source_id: str, locator: str = "") -> Markup:
    """A source as a reader sees it (author–year, locator) linked to its row on the bibliography
    page (a page beside this one); the id is in the link."""
    return Markup('<a href="bibliography.html#{}">{}</a>').format(source_id, source_label(source_id, locator))


SOURCE_ID = re.compile(r"\bsrc-[a-z0-9][a-z0-9-]*[a-z0-9]")
CLAIM_ID = re.compile(r"\bcl-\d{3}\b")


@functools.cache
def claim_topics() -> dict[str, str]:
    return {row["id"]: row["topic"] for row in load("claims").to_dict("records")}


def with_source_links(prose: str) -> Markup:
    """Free text (a claim's reasoning) that names sources and other claims by id: each source is
    shown as its author–year label linked to the bibliography, each claim by its topic linked to
    its place in the ledger on the same page."""
    sources, claims = cited_as(), claim_topics()
    linked = SOURCE_ID.sub(lambda m: source_link(m[0]) if m[0] in sources else m[0], Markup.escape(prose))
    return Markup(CLAIM_ID.sub(lambda m: Markup('<a href="#{}">“{}”</a>').format(m[0], claims[m[0]])
                               if m[0] in claims else m[0], linked))


def source_links(cell: str) -> Markup:
    """A `sources` cell (src-a;src-b[p. 3]) as author–year citations linked to the bibliography."""
    return Markup("; ").join(source_link(source_id, locator) for source_id, locator in source_refs(cell))


def source_names(cell: str) -> Markup:
    """A `sources` cell as author–year citations, each with its id on hover (for the explorers,
    which also run in Jupyter, where the bibliography page is not beside them)."""
    return Markup("; ").join(Markup('<span title="{}">{}</span>').format(source_id, source_label(source_id, locator))
                             for source_id, locator in source_refs(cell))


def when(row) -> str:
    """A date as precisely as it is known."""
    start, end, precision = row.date_start, row.date_end, row.date_precision
    if precision == "year" and start.year == end.year:
        return str(start.year)
    if precision == "month" and (start.year, start.month) == (end.year, end.month):
        return start.strftime("%B %Y")
    first = start.strftime("%-d %B %Y") if precision == "day" else start.strftime("%B %Y")
    last = end.strftime("%-d %B %Y") if precision == "day" else end.strftime("%B %Y")
    return first if first == last else f"{first} – {last}"


def chronology(events: pd.DataFrame, places: pd.DataFrame, period_id: str) -> HTML:
    """One period's events, grouped by year (a heading and a table each); the page's filter box
    (`chronology_filter`) hides the rows, and the years, that do not match. Each row is anchored
    by the event's id, which the reader does not need to see."""
    names = places.set_index("id")["name"]
    rows = active(events)[lambda f: f.period_id == period_id].sort_values(["date_start", "id"])
    # three columns, so that the table reads on a phone: when and where, what, and the sources
    rows = rows.assign(
        when_where=[lines(when(r), text(names.get(r.place_id, "")), text(r.category)) for r in rows.itertuples()],
        event=[lines(Markup("<strong>{}</strong>").format(text(r.title)), details=(text(r.description),))
               for r in rows.itertuples()],
        sources_list=rows.sources.map(source_links), year=rows.date_start.dt.year)
    columns = {"when_where": "When, where, what kind", "event": "Event", "sources_list": "Sources"}
    # a year that two periods share (1927) has a table in each: the period tells them apart
    # (a period's id is pd-<first year>-<last year>)
    first, last = period_id.split("-")[1:3]
    groups = [f'<div class="sinosoviet-group"><h3>{year}</h3>'
              + table(of_year, columns, f"Events of {year}", row_ids=list(of_year.id),
                      label=f"Events of {year} in the period {first}–{last}") + "</div>"
              for year, of_year in rows.groupby("year", sort=True)]
    return HTML(f'<div class="sinosoviet-chronology">{"".join(groups)}</div>')


def chronology_filter() -> HTML:
    """A box that filters every row of the chronology (the book's script makes it; in Jupyter,
    which runs no script, it stays empty)."""
    return HTML('<div class="sinosoviet-page-filter" data-target=".sinosoviet-chronology" data-noun="events" '
                'data-label="Show only the events that contain "></div>')


def claim_block(claim, variants: pd.DataFrame) -> str:
    mine = variants[variants.claim_id == claim.id]
    seed = mine[mine.source_id == "src-globalsecurity-2019"]
    others = mine[mine.source_id != "src-globalsecurity-2019"]
    quote = "".join(f"<blockquote>{html.escape(text(q))}</blockquote>" for q in seed.quote)
    verdict = text(claim.verdict)
    out = [f'<div class="sinosoviet-claim" id="{html.escape(claim.id)}">',
           f'<p><strong>{html.escape(text(claim.topic))}</strong> — '
           f'<span class="verdict verdict-{html.escape(verdict)}">{VERDICT_LABELS.get(verdict, verdict)}</span></p>',
           quote, f"<p>{with_source_links(text(claim.reasoning))}</p>"]
    if len(others):
        linked = others.assign(value=others.apply(variant_value, axis=1), source_id=others.source_id.map(source_link),
                               reading=others.accepted.map({True: "accepted", False: ""}))
        out.append(table(linked, {"source_id": "Source", "locator": "Where", "value": "What it says",
                                  "quote": "In its words", "reading": "The ledger's reading"},
                         label=f"What the sources say: {text(claim.topic)}"))
    out.append("</div>")
    return "".join(out)


def variant_value(row) -> str:
    numbers = [text(v) for v in (row.value_low, row.value_best, row.value_high) if text(v)]
    figure = "–".join(dict.fromkeys(n.removesuffix(".0") for n in numbers))
    parts = [text(row.value_text), f"{figure} {text(row.unit)}".strip() if figure else ""]
    return "; ".join(p for p in parts if p)


def claims_section(claims: pd.DataFrame, variants: pd.DataFrame, section: str) -> HTML:
    rows = active(claims)[lambda f: f.section == section].sort_values("id")
    return HTML("".join(claim_block(c, active(variants)) for c in rows.itertuples()))


def natural_name(person) -> str:
    """A pybtex person in reading order: "Steven I. Levine", "Hans van de Ven"."""
    return " ".join(person.first_names + person.middle_names + person.prelast_names + person.last_names
                    + person.lineage_names)


def contributors(bibfile) -> dict[str, dict[str, list[str]]]:
    """Per source id, the editors and translators that `book/references.bib` names, and whether it
    names authors: sources.csv has one `author` column, which holds the editors of an edited work."""
    from pybtex.database import parse_file  # only the bibliography page needs it

    found = {}
    for key, entry in parse_file(str(bibfile)).entries.items():
        roles = {role: [natural_name(p) for p in entry.persons.get(role, [])] for role in ("author", "editor")}
        roles["translator"] = [" ".join(n.split(", ")[::-1]) for n in entry.fields.get("translator", "").split(" and ")
                               if n]
        found[key] = roles
    return found


def joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def listed_authors(author: str) -> str:
    """Authors as a bibliography lists them: the first inverted for alphabetical order, the others
    in reading order ("Wilbur, C. Martin, and Julie Lien-ying How"); a body's name as it is."""
    names = [n.strip() for n in author.split(";") if n.strip()]
    if len(names) < 2:
        return author
    rest = [" ".join(n.split(", ", 1)[::-1]) for n in names[1:]]
    return ", ".join([names[0]] + rest[:-1]) + ", and " + rest[-1]


def reference(source, roles: dict[str, list[str]] | None = None) -> Markup:
    """One source as a reference: Author (year). Title. Edited by …. Translated by …. Publisher.
    Link (shown by its host). A work with no named author is listed by its title; an edited work
    with no author is listed by its editors, marked "(ed.)". Titles keep their own capitals."""
    author, year, title, publisher, url = (text(getattr(source, f)) for f in ("author", "year", "title", "publisher", "url"))
    roles = roles or {}
    editors, translators = roles.get("editor", []), roles.get("translator", [])
    author = listed_authors(author)
    if author and editors and not roles.get("author"):
        author, editors = f"{author} ({'eds.' if len(editors) > 1 else 'ed.'})", []
    title = Markup("<em>{}</em>" if source.kind == "book" else "“{}”").format(title)
    dated = Markup("({}).").format(year or "n.d.")
    parts = [Markup("{} {}").format(author, dated), Markup("{}.").format(title)] if author else [
        Markup("{} {}").format(title, dated)]
    if editors:
        parts.append(Markup("Edited by {}.").format(joined(editors)))
    if translators:
        parts.append(Markup("Translated by {}.").format(joined(translators)))
    if publisher:
        parts.append(Markup("{}.").format(publisher))
    if url:
        parts.append(Markup('<a href="{}">{}</a>').format(url, urlsplit(url).hostname or url))
    return Markup(" ").join(parts)


def uses(citations: pd.DataFrame) -> pd.Series:
    """Per source id, the tables whose rows cite it, e.g. "events 3; claim_variants 1"."""
    return citations.groupby("source_id").apply(
        lambda f: "; ".join(f"{t} {n}" for t, n in zip(f.table, f.rows)), include_groups=False)


def sources_list(sources: pd.DataFrame, citations: pd.DataFrame, roles: dict | None = None) -> HTML:
    """Every source, alphabetical by author (or title), each row anchored by its id so that
    `bibliography.html#<id>` leads to it; searchable and paged in the book."""
    roles = roles or {}
    order = (sources.author.fillna("") + " " + sources.title).str.replace(r"^\W+", "", regex=True).map(sort_key)
    rows = sources.assign(order=order)
    rows = rows.sort_values(["order", "id"])
    rows = rows.assign(reference=[reference(r, roles.get(r.id)) for r in rows.itertuples()],
                       cited_as=[author_year(r) for r in rows.itertuples()],
                       data_rows=rows.id.map(uses(citations)).fillna("none"))
    return HTML(tools(table(rows, {"cited_as": "Cited as", "reference": "Source", "kind": "Kind",
                                   "data_rows": "Data rows citing it"},
                            f"{len(rows)} sources, alphabetical by author or, where none is named, by title",
                            row_ids=list(rows.id)), "sources", page=25))


def cff_authors_and_year(cff: dict) -> str:
    authors = "; ".join(a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}" for a in cff["authors"])
    return f"{authors} ({str(cff['date-released'])[:4]})"


NO_DOI = "No DOI has been registered for this version, and the book has no public web address yet."


def suggested_citation(cff: dict) -> str:
    """A plain-text citation of the whole book from CITATION.cff's fields (and its DOI, once the
    file has one: none is made up)."""
    doi = f" https://doi.org/{cff['doi']}." if cff.get("doi") else ""
    return (f"{cff_authors_and_year(cff)}. {cff['title']}. Version {cff['version']} "
            f"({cff['date-released']}). Book and datasets, licence {cff['license']}.{doi}")


def page_title(path) -> str:
    """The first level-one heading of a book page (a notebook or a Markdown file)."""
    from pathlib import Path

    path = Path(path)
    if path.suffix == ".ipynb":
        lines = [line for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "markdown"
                 for line in "".join(cell["source"]).splitlines()]
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
    return next(line[2:].strip() for line in lines if line.startswith("# "))


def book_chapters(toc: dict, root) -> list[tuple[str, str]]:
    """(title, file) of every chapter in `_toc.yml`'s order, the introduction first."""
    from pathlib import Path

    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    found = []
    for name in files:
        path = next(p for p in (Path(root) / f"{name}.ipynb", Path(root) / f"{name}.md") if p.exists())
        found.append((page_title(path), name))
    return found


def chapter_citations(cff: dict, chapters: list[tuple[str, str]]) -> HTML:
    """A citation for each chapter: (title, file) pairs in the book's order."""
    doi = f" https://doi.org/{cff['doi']}." if cff.get("doi") else ""
    rows = pd.DataFrame([{
        "chapter": title,
        "citation": f"{cff_authors_and_year(cff)}. “{title}.” In {cff['title']}, version {cff['version']}, "
                    f"page {path}.{doi}",
    } for title, path in chapters])
    return HTML('<div class="sinosoviet-fit">' + table(rows, {"chapter": "Chapter", "citation": "Citation"},
                      f"Citations for the {len(rows)} chapters and pages of version {cff['version']}") + "</div>")


def table_citations(cff: dict, package: dict, tables: dict[str, pd.DataFrame]) -> HTML:
    """A citation for each table of the data package, naming its file and row count."""
    rows = pd.DataFrame([{
        "file": f"data/{res['path']}", "rows": len(tables[res["name"]]),
        "citation": f"{cff_authors_and_year(cff)}. {cff['title']} (version {cff['version']}), table "
                    f"data/{res['path']}. Licence: {cff['license']}.",
    } for res in package["resources"]])
    return HTML('<div class="sinosoviet-fit">' + table(rows, {"file": "Table", "rows": "Rows", "citation": "Citation"},
                      f"Citations for the {len(rows)} tables of data package version {package['version']}") + "</div>")


def bibtex_citation(cff: dict, key: str = "sinosoviet") -> str:
    authors = " and ".join("{" + a["name"] + "}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
                           for a in cff["authors"])
    return (f"@misc{{{key},\n  author = {{{authors}}},\n  title = {{{cff['title']}}},\n"
            f"  year = {{{str(cff['date-released'])[:4]}}},\n  version = {{{cff['version']}}},\n"
            f"  note = {{Licence {cff['license']}}}\n}}")


def dataset_jsonld_data(package: dict, cff: dict) -> dict:
    """The data package as a schema.org `Dataset` (what search engines read), from
    datapackage.json and CITATION.cff, so that it cannot disagree with either."""
    variables: list[str] = []
    for res in package["resources"]:
        variables += [f["name"] for f in res["schema"]["fields"] if f["name"] not in variables]
    licence = package["licenses"][0]
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": package["title"],
        "alternateName": package["name"],
        "identifier": package.get("id", package["name"]),
        "description": package["description"],
        "version": package["version"],
        "datePublished": str(cff["date-released"]),
        "license": licence.get("path") or licence["name"],
        "creator": [{"@type": "Organization", "name": a["name"]} if "name" in a else
                    {"@type": "Person", "familyName": a.get("family-names", ""), "givenName": a.get("given-names", "")}
                    for a in cff["authors"]],
        "keywords": list(package.get("keywords") or cff.get("keywords", [])),
        "isBasedOn": [{"@type": "CreativeWork", "name": s["title"], "url": s["path"]}
                      for s in package.get("sources", []) if s.get("path")],
        "temporalCoverage": "1923/1941",
        "spatialCoverage": {"@type": "Place", "name": "China"},
        "variableMeasured": variables,
        "distribution": [{"@type": "DataDownload", "name": res["path"], "description": res["description"],
                          "contentUrl": f"../data/{res['path']}", "encodingFormat": "text/csv"}
                         for res in package["resources"]],
    }


def dataset_jsonld(package: dict, cff: dict) -> str:
    """The schema.org `Dataset` as a JSON-LD script tag for the data page (deterministic: keys in
    a fixed order; `<` escaped so that no text in the data can close the tag)."""
    text = json.dumps(dataset_jsonld_data(package, cff), ensure_ascii=False, indent=1).replace("<", "\\u003c")
    return f'<script type="application/ld+json">\n{text}\n</script>'



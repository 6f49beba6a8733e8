# throwaway: writes the first data/datapackage.json; afterwards the JSON is edited by hand
import json
S = lambda name, desc, **kw: dict(name=name, type=kw.pop("type", "string"), description=desc, **({"constraints": kw} if kw else {}))
ID = lambda prefix, desc: S("id", desc, required=True, unique=True, pattern=f"^{prefix}-[a-z0-9][a-z0-9-]*$")
DATE = [
    S("date_start", "Earliest possible date (ISO 8601).", type="date", required=True, minimum="1917-01-01", maximum="1949-12-31"),
    S("date_end", "Latest possible date (ISO 8601); equal to date_start for a single day known to the day.", type="date", required=True, minimum="1917-01-01", maximum="1949-12-31"),
    S("date_precision", "How precisely the dates are known: day, month (1st to last of the month), season (up to four calendar months), year (1 January to 31 December).", required=True, enum=["day", "month", "season", "year"]),
]
SOURCES = S("sources", "Sources: ';'-separated ids from sources.csv, each optionally followed by a locator in brackets, e.g. src-garver1988[p. 53].", required=True, pattern=r"^src-[^;]+(;src-[^;]+)*$")
SOURCES["sinosoviet:listOf"] = "sources"
STATUS = S("status", "active, or withdrawn (a withdrawn row stays so that its id is never reused).", required=True, enum=["active", "withdrawn"])
def Q(stem, desc, unit, typ="integer"):
    return [S(f"{stem}_{k}", f"{desc} — {label}", type=typ, minimum=0, **({}))  | ({"unit": unit} if unit else {}) for k, label in
            (("low", "lowest figure given (empty = not known)"), ("best", "preferred figure (empty = not known)"), ("high", "highest figure given (empty = not known)"))]
NAMES = [
    S("name", "The form used in the book's prose.", required=True),
    S("name_pinyin", "Hanyu pinyin (Chinese names; empty otherwise)."),
    S("name_period", "The spelling of the period: Wade-Giles, Chinese postal or contemporary press form."),
    S("name_native", "Native script: traditional Chinese characters, Cyrillic or Japanese."),
    S("aliases", "Other names and spellings, ';'-separated (e.g. Galen for Blyukher)."),
]
def fk(field, resource):
    return {"fields": field, "reference": {"resource": resource, "fields": "id"}}
PEOPLE = S("people", "People involved: ';'-separated ids from people.csv.", pattern=r"^pe-[a-z0-9-]+(;pe-[a-z0-9-]+)*$")
PEOPLE["sinosoviet:listOf"] = "people"
res = {
 "periods": ("The six periods of the book, one chapter each. Boundaries are editorial, set at defining events recorded in events.csv.", [
    ID("pd", "Period id, pd-<first year>-<last year>."),
    S("order", "Chapter order, 1 to 6.", type="integer", required=True, minimum=1, maximum=6),
    S("title", "Chapter title.", required=True),
    S("date_start", "First day of the period.", type="date", required=True),
    S("date_end", "Last day of the period.", type="date", required=True),
    S("summary", "One-sentence summary of the period.", required=True)], []),
 "sources": ("Works cited. Each id is also the BibTeX key of the entry in book/references.bib, from which this table is generated.", [
    ID("src", "Source id and BibTeX key."),
    S("kind", "Kind of work.", required=True, enum=["book", "article", "chapter", "document", "web", "thesis"]),
    S("author", "Author(s) or issuing body, as in the bibliography."),
    S("title", "Title.", required=True),
    S("year", "Year of publication (of the edition cited).", type="integer", minimum=1900, maximum=2030),
    S("publisher", "Publisher, journal or website."),
    S("url", "Where the work or a description of it can be found.", pattern=r"^https?://\S+$")], []),
 "people": ("People named in the events, with their names in pinyin, the spelling of the period and native script.", [
    ID("pe", "Person id."), *NAMES,
    S("nationality", "Nationality in the period.", required=True, enum=["Soviet", "Chinese", "Japanese", "American", "Dutch", "Indian", "Bulgarian", "German", "Mongolian", "British", "French"]),
    S("role", "Role in this history, in a few words.", required=True),
    S("born", "Year of birth.", type="integer", minimum=1840, maximum=1930),
    S("died", "Year of death.", type="integer", minimum=1900, maximum=2010),
    SOURCES, STATUS], []),
 "places": ("Places named in the events, with coordinates (WGS84) and their names in pinyin, the period spelling and native script.", [
    ID("pl", "Place id."), *NAMES,
    S("kind", "Kind of place.", required=True, enum=["city", "town", "airfield", "battlefield", "lake", "river", "region", "pass", "port", "village"]),
    S("country_1930s", "The state that held the place in the 1930s.", required=True),
    S("lat", "Latitude, decimal degrees (WGS84).", type="number", required=True, minimum=-90, maximum=90),
    S("lon", "Longitude, decimal degrees (WGS84).", type="number", required=True, minimum=-180, maximum=180),
    SOURCES, STATUS], []),
 "events": ("Dated events of Soviet policy towards China, 1923–1941, and their context.", [
    ID("ev", "Event id, ev-<date_start>-<slug>."), *DATE,
    S("title", "Short title.", required=True),
    S("description", "One to three sentences.", required=True),
    S("period_id", "The period containing date_start.", required=True),
    S("category", "diplomacy, military, party (CCP, KMT or Comintern politics), aid (Soviet material or personnel aid), economy, internal (Chinese domestic politics and warfare).", required=True, enum=["diplomacy", "military", "party", "aid", "economy", "internal"]),
    S("place_id", "Where it happened: an id from places.csv (empty = no single place)."),
    PEOPLE, SOURCES,
    S("confidence", "How secure the dating and description are: high (several agreeing sources), medium, low.", required=True, enum=["high", "medium", "low"]),
    STATUS], [fk("period_id", "periods"), fk("place_id", "places")]),
}
pkg = {"profile": "data-package", "name": "soviet-intervention-in-china-1923-1941", "title": "Soviet intervention in China, 1923–1941: events, people, places, aid and claims",
       "version": "0.1.0", "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
       "resources": []}
for name, (desc, fields, fks) in res.items():
    schema = {"fields": fields, "primaryKey": "id"}
    if fks: schema["foreignKeys"] = fks
    pkg["resources"].append({"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "description": desc, "schema": schema})
json.dump(pkg, open("data/datapackage.json", "w"), indent=2, ensure_ascii=False)

# second part: quantitative tables and the claims ledger
def src_fk():
    return SOURCES
pkg = json.load(open("data/datapackage.json"))
def num(name, desc, unit=None, typ="integer", **c):
    f = S(name, desc, type=typ, minimum=0, **c)
    if unit: f["unit"] = unit
    return f
def trip(stem, desc, unit, typ="integer"):
    return [num(f"{stem}_{k}", f"{desc}: {label}.", unit, typ) for k, label in
            (("low", "lowest figure in the sources (empty = not known)"), ("best", "the figure we prefer (empty = not known)"), ("high", "highest figure in the sources (empty = not known)"))]
NOTE = S("note", "What the row rests on, how sources differ, and caveats.")
YEAR = S("year", "Calendar year of delivery (empty = a total over 1937–1941, see note).", type="integer", minimum=1937, maximum=1941)
GROUP = S("group", "Rows that give different sources' figures for the same quantity share a group key.", required=True, pattern=r"^[a-z0-9][a-z0-9-]*$")
more = {
 "credits": ("The Soviet credits to China of 1938–1939: terms and what was drawn. Disputed values are separate rows (suffix -v2, …).", [
    ID("cr", "Credit id, cr-<year>-<month>[-vN]."),
    S("agreement", "The agreement as usually named.", required=True),
    S("date_signed", "Date of signature.", type="date", minimum="1937-01-01", maximum="1941-12-31"),
    S("date_precision", "Precision of date_signed.", enum=["day", "month", "season", "year"]),
    *trip("amount_usd", "Amount of the credit, US dollars", "USD"),
    num("interest_rate_pct", "Annual interest, per cent.", "percent", "number", maximum=100),
    num("term_years", "Repayment period, years.", "years", maximum=50),
    S("repayment", "How the credit was to be repaid (goods, currency)."),
    *trip("drawn_usd", "Amount actually drawn, US dollars", "USD"),
    SOURCES, NOTE], []),
 "aid_deliveries": ("Soviet deliveries of weapons and materiel to China, 1937–1941, by year, category and item; one row per source's figure.", [
    ID("ad", "Delivery row id."), GROUP, YEAR,
    S("category", "Category of materiel.", required=True, enum=["aircraft", "tanks", "artillery", "machine_guns", "small_arms", "vehicles", "ammunition", "fuel", "other"]),
    S("item", "Item or type (e.g. I-16, SB, T-26); 'all' for a category total.", required=True),
    *trip("quantity", "Quantity delivered", None),
    S("unit", "Unit counted (aircraft, tanks, guns, rounds, tonnes…).", required=True),
    SOURCES, NOTE], []),
 "personnel": ("Soviet personnel in China (advisers, volunteer aircrew, technicians), their losses, and Chinese trained with Soviet help; one row per source's figure.", [
    ID("ps", "Personnel row id."), GROUP,
    S("year", "Calendar year (empty = a total over the period, see note).", type="integer", minimum=1923, maximum=1941),
    S("category", "Who is counted.", required=True, enum=["advisers", "volunteer_aircrew", "aviation_technicians", "all_personnel", "killed", "chinese_trained"]),
    *trip("count", "Number of persons", "persons"),
    SOURCES, NOTE], []),
 "air_war": ("Air actions of 1937–1941 in which Soviet volunteer aircrew took part: each side's claims and admitted losses, with the basis of each figure.", [
    ID("aw", "Air action id, aw-<date_start>-<slug>."), *DATE,
    S("title", "Name of the action.", required=True),
    S("place_id", "Where: an id from places.csv."),
    num("sino_soviet_aircraft", "Chinese and Soviet aircraft engaged.", "aircraft"),
    num("japanese_aircraft", "Japanese aircraft engaged.", "aircraft"),
    num("sino_soviet_claim_japanese_destroyed", "Japanese aircraft claimed destroyed by the Chinese and Soviet side.", "aircraft"),
    num("sino_soviet_admitted_losses", "Chinese and Soviet aircraft lost, as admitted by their side.", "aircraft"),
    num("japanese_claim_destroyed", "Chinese and Soviet aircraft claimed destroyed by the Japanese side.", "aircraft"),
    num("japanese_admitted_losses", "Japanese aircraft lost, as admitted by the Japanese side.", "aircraft"),
    S("basis", "Where each figure comes from.", required=True),
    SOURCES], [fk("place_id", "places")]),
 "claims": ("The claims ledger: every statement of fact or figure in the seed article, with our verdict.", [
    ID("cl", "Claim id, cl-NNN in the order of the article."),
    S("topic", "Short topic.", required=True),
    S("section", "The article's section.", required=True),
    S("statement", "What the article claims, in our words.", required=True),
    S("verdict", "supported (other sources agree), contested (sources disagree), wrong (the sources show it is mistaken), unresolved (we could not check it).", required=True, enum=["supported", "contested", "wrong", "unresolved"]),
    S("reasoning", "Why, naming the sources.", required=True),
    S("period_id", "The period the claim is about (empty = general).")], [fk("period_id", "periods")]),
 "claim_variants": ("One row per source's version of a claim; the seed article's own words are quoted verbatim.", [
    ID("cv", "Variant id, cv-NNN-x."),
    S("claim_id", "The claim.", required=True),
    S("source_id", "The source (an id from sources.csv).", required=True),
    S("locator", "Page, section or document number in the source."),
    S("quote", "The source's own words, verbatim (empty where we have only a paraphrase)."),
    S("value_text", "The value as the source states it, or a paraphrase."),
    num("value_low", "Numeric value: low.", typ="number"), num("value_best", "Numeric value: best.", typ="number"), num("value_high", "Numeric value: high.", typ="number"),
    S("unit", "Unit of the numeric value.")], [fk("claim_id", "claims"), fk("source_id", "sources")]),
}
for name, (desc, fields, fks) in more.items():
    schema = {"fields": fields, "primaryKey": "id"}
    if fks: schema["foreignKeys"] = fks
    pkg["resources"].append({"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "description": desc, "schema": schema})
json.dump(pkg, open("data/datapackage.json", "w"), indent=2, ensure_ascii=False)

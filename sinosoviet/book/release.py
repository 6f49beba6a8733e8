"""The data release: one archive a researcher can take anywhere.

    python -m sinosoviet.book.release [OUT_DIR]      (make data-release)

writes OUT_DIR/sinosoviet-data-VERSION.zip (OUT_DIR defaults to _build/release) holding, in a
folder sinosoviet-data-VERSION/: every CSV of the data package, datapackage.json, the codebook
(README.md), CHANGELOG.md, CITATION.cff, LICENSE (the data licence and the notes on third-party
material, from datapackage.json) and SHA256SUMS (the checksum of every other file, for
`sha256sum -c SHA256SUMS`). The archive is deterministic: entries sorted by name, every
timestamp the release date of CITATION.cff, fixed permissions and compression, so that the same
data always make a byte-identical zip. Before it reports success, the archive is unpacked and
checked: the checksums, and the package with frictionless alone.
"""
from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "_build" / "release"
SUMS = "SHA256SUMS"


def read_cff(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def read_package(root: Path = ROOT) -> dict:
    return json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))


def wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, width=78, initial_indent=indent, subsequent_indent=" " * len(indent),
                         break_long_words=False, break_on_hyphens=False)


def licence_text(package: dict, cff: dict) -> str:
    """The data licence of the archive, from the descriptor's `licenses` and CITATION.cff."""
    from sinosoviet.pages import suggested_citation

    authors = "; ".join(a.get("name") or f"{a.get('given-names', '')} {a.get('family-names', '')}".strip()
                        for a in cff["authors"])
    parts = [f"{cff['title']}\nData package {package['name']}, version {package['version']}",
             f"Copyright {str(cff['date-released'])[:4]} {authors}."]
    for lic in package["licenses"]:
        parts.append(wrap(f"The tables (*.csv), datapackage.json, README.md (the codebook) and CHANGELOG.md are "
                          f"licensed under the {lic.get('title', lic['name'])} licence ({lic['name']}): "
                          f"{lic.get('path', '')}. You may share and adapt them, for any purpose, provided "
                          "that you give appropriate credit, link to the licence and say whether you made "
                          "changes."))
        if lic.get("notes"):
            parts.append("Third-party material:\n\n" + "\n\n".join(wrap(n, "- ") for n in lic["notes"]))
    parts.append("Suggested citation:\n\n" + wrap(suggested_citation(cff), "  "))
    parts.append(wrap("The code of the sinosoviet package (not in this archive) is under the MIT licence."))
    return "\n\n".join(parts) + "\n"


def members(root: Path = ROOT) -> dict[str, bytes]:
    """Every file of the archive, by its name inside the release folder."""
    package, cff = read_package(root), read_cff(root)
    if str(cff["version"]) != package["version"]:
        raise SystemExit(f"CITATION.cff says version {cff['version']}, datapackage.json {package['version']}")
    data = root / "data"
    files = {res["path"]: (data / res["path"]).read_bytes() for res in package["resources"]}
    files["datapackage.json"] = (data / "datapackage.json").read_bytes()
    files["README.md"] = (data / "README.md").read_bytes()
    files["CHANGELOG.md"] = (data / "CHANGELOG.md").read_bytes()
    files["CITATION.cff"] = (root / "CITATION.cff").read_bytes()
    files["LICENSE"] = licence_text(package, cff).encode("utf-8")
    files[SUMS] = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n"
                          for name in sorted(files)).encode("utf-8")
    return files


def build(out_dir: Path | str = OUT_DIR, root: Path = ROOT) -> Path:
    """Write the archive and return its path; the same files always give the same bytes."""
    package, cff = read_package(root), read_cff(root)
    folder = f"sinosoviet-data-{package['version']}"
    released = cff["date-released"]
    stamp = (released.year, released.month, released.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in sorted(members(root).items()):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.create_system = 3  # Unix, whatever the machine
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{folder}.zip"
    path.write_bytes(buffer.getvalue())
    return path


def check(path: Path | str) -> list[str]:
    """Problems found in a built archive (none: an empty list): unpacked into a temporary folder,
    every checksum of SHA256SUMS must match and frictionless must find the package valid."""
    from frictionless import validate

    problems = []
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as archive:
        archive.extractall(tmp)
        (folder,) = Path(tmp).iterdir()
        listed = {}
        for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
        present = {p.name for p in folder.iterdir()} - {SUMS}
        if set(listed) != present:
            problems.append(f"{SUMS} lists {sorted(set(listed) ^ present)} wrongly")
        problems += [f"checksum of {name} differs" for name, digest in listed.items()
                     if (folder / name).exists() and hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest]
        report = validate(str(folder / "datapackage.json"))
        if not report.valid:
            problems += [f"frictionless: {e.message}" for e in report.errors]
            problems += [f"frictionless: {t.name}: {e.message}" for t in report.tasks for e in t.errors][:20]
    return problems


def main(argv: list[str]) -> int:
    path = build(Path(argv[0]) if argv else OUT_DIR)
    problems = check(path)
    if problems:
        path.unlink()
        print("\n".join(problems), file=sys.stderr)
        return 1
    with zipfile.ZipFile(path) as archive:
        count = len(archive.namelist())
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{shown}: {count} files, {path.stat().st_size:,} bytes, checksums and frictionless validation passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

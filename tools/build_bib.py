"""Assemble book/references.bib from the vetted bibliography and helpers' additions, dropping the
vetting notes (they record how each entry was checked and stay in the vetted file).
Usage: python tools/build_bib.py VETTED.bib [EXTRA.bib ...] > book/references.bib"""
import re
import sys


def entries(text):
    for match in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", text, re.S):
        yield match.group(1).lower(), match.group(2), match.group(3)


def without_note(body):
    return re.sub(r"\n\s*note\s*=\s*\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\},?", "", body)


seen = {}
for path in sys.argv[1:]:
    for kind, key, body in entries(open(path, encoding="utf-8").read()):
        if key in seen:
            print(f"% duplicate key {key} in {path} ignored (first in {seen[key]})", file=sys.stderr)
            continue
        seen[key] = path
        body = without_note(body).rstrip().rstrip(",")
        sys.stdout.write(f"@{kind}{{{key},{body}\n}}\n\n")

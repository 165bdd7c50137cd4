"""Build claimscope's condition lexicon from the ontology sources and the hand-kept lay terms.

Reads ``lexicon/ontologies/`` (Human Disease Ontology labels, its rare-disease subset with
EXACT synonyms, the Symptom Ontology with EXACT synonyms, the disease-symptom pairs) and
``lexicon/lay_terms.tsv``, drops junk and the terms in ``conditions_stoplist.txt``, and writes
``src/claimscope/data/conditions.tsv``: one term a line, ``term, normalized, ontology_id,
category``, sorted, so that the committed file is reproduced byte for byte by::

    python scripts/build_condition_lexicon.py

Pure standard library and deterministic: the same sources always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGIES = ROOT / "lexicon" / "ontologies"
LAY_TERMS = ROOT / "lexicon" / "lay_terms.tsv"
DATA = ROOT / "src" / "claimscope" / "data"
STOPLIST = DATA / "conditions_stoplist.txt"
OUTPUT = DATA / "conditions.tsv"

HEADER = ("term", "normalized", "ontology_id", "category")
CATEGORIES = frozenset({"disease", "symptom", "injury"})
# Heads that make an ontology term an injury rather than a disease or symptom.
INJURY_HEADS = frozenset(
    {"injury", "injuries", "fracture", "fractures", "wound", "wounds", "crush", "laceration"}
)
MAX_WORDS = 8  # longer labels ("... with cataracts, neurologic involvement and ...") never match
# Lower number wins when two sources give the same term: hand-kept lay terms, then disease
# labels, rare-disease names and synonyms, symptom names, symptom synonyms, disease-symptom pairs.
PRIORITY = {"lay": 0, "doid": 1, "rare_name": 2, "rare_synonym": 3, "symp_name": 4}
PRIORITY |= {"symp_synonym": 5, "pairs": 6}

_ACRONYM = re.compile(r"^[A-Za-z0-9+\-/]{1,10}$")
_SYNONYM = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (EXACT|RELATED|BROAD|NARROW)')


@dataclass(frozen=True)
class Entry:
    """One lexicon row before priority resolution."""

    term: str
    normalized: str
    ontology_id: str
    category: str
    source: str


def obo_terms(path: Path) -> Iterator[dict[str, list[str]]]:
    """The [Term] stanzas of an OBO file, as tag -> values."""
    stanza: dict[str, list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            if stanza is not None:
                yield stanza
            stanza = {} if line == "[Term]" else None
        elif stanza is not None and ": " in line:
            tag, value = line.split(": ", 1)
            stanza.setdefault(tag, []).append(value)
    if stanza is not None:
        yield stanza


def exact_synonyms(stanza: dict[str, list[str]]) -> list[str]:
    """EXACT synonyms only: RELATED/BROAD/NARROW ones name other things."""
    found = []
    for value in stanza.get("synonym", []):
        match = _SYNONYM.match("synonym: " + value)
        if match and match.group(2) == "EXACT":
            found.append(match.group(1).replace('\\"', '"'))
    return found


def is_obsolete(stanza: dict[str, list[str]]) -> bool:
    name = stanza.get("name", [""])[0]
    return stanza.get("is_obsolete", ["false"])[0] == "true" or name.startswith("obsolete ")


def category_of(term: str, default: str) -> str:
    last = term.lower().split()[-1] if term.split() else ""
    return "injury" if last in INJURY_HEADS else default


def doid_label_entries(path: Path) -> Iterator[Entry]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            label = row["label"].strip()
            yield Entry(label, label.lower(), row["id"], category_of(label, "disease"), "doid")


def obo_entries(path: Path, kind: str, default_category: str) -> Iterator[Entry]:
    for stanza in obo_terms(path):
        if is_obsolete(stanza) or "id" not in stanza or "name" not in stanza:
            continue
        oid, name = stanza["id"][0], stanza["name"][0].strip()
        yield Entry(name, name.lower(), oid, category_of(name, default_category), f"{kind}_name")
        for synonym in exact_synonyms(stanza):
            category = category_of(synonym, default_category)
            yield Entry(synonym.strip(), name.lower(), oid, category, f"{kind}_synonym")


def pair_entries(path: Path) -> Iterator[Entry]:
    """Symptom labels from the disease-symptom pairs (a few are missing from symp.obo)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            label = row["symptom_label"].strip()
            yield Entry(label, label.lower(), row["symptom_id"], "symptom", "pairs")


def lay_entries(path: Path, known_ids: set[str]) -> Iterator[Entry]:
    """Hand-kept lay terms; every ontology id they name must exist in the sources."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            term, oid, category = row["term"].strip(), row["ontology_id"].strip(), row["category"]
            if oid and oid not in known_ids:
                raise SystemExit(f"lay term {term!r}: unknown ontology id {oid}")
            if category not in CATEGORIES:
                raise SystemExit(f"lay term {term!r}: unknown category {category!r}")
            normalized = row["normalized"].strip() or term.lower()
            yield Entry(term, normalized, oid, category, "lay")


def is_junk(term: str, stoplist: set[str]) -> bool:
    """Terms that would match noise: too short, codes and acronyms, stop words, long labels."""
    letters = sum(ch.isalpha() for ch in term)
    if len(term) < 3 or letters < 3 or term.lower() in stoplist:
        return True
    if len(term.split()) > MAX_WORDS or any(ch in term for ch in "()[];\t"):
        return True
    # Ontology acronyms ("DIL", "ALS4", "GvHD") are ambiguous; text defines its own.
    return bool(_ACRONYM.match(term) and sum(ch.isupper() for ch in term) >= 2)


def read_stoplist(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}


def collect(ontologies: Path, lay_terms: Path, stoplist: set[str]) -> list[Entry]:
    """All candidate entries, junk and stop words removed (lay terms are trusted)."""
    ontology = [
        *doid_label_entries(ontologies / "doid_labels.tsv"),
        *obo_entries(ontologies / "doid_rare_slim.obo", "rare", "disease"),
        *obo_entries(ontologies / "symp.obo", "symp", "symptom"),
        *pair_entries(ontologies / "doid_disease_symptom.tsv"),
    ]
    known_ids = {entry.ontology_id for entry in ontology}
    kept = [entry for entry in ontology if not is_junk(entry.term, stoplist)]
    return kept + list(lay_entries(lay_terms, known_ids))


def resolve(entries: list[Entry]) -> list[Entry]:
    """One entry per lower-cased term: best source first, then the smallest id."""
    best: dict[str, Entry] = {}
    for entry in entries:
        key = entry.term.lower()
        rank = (PRIORITY[entry.source], entry.ontology_id, entry.normalized)
        current = best.get(key)
        if current is None or rank < (
            PRIORITY[current.source],
            current.ontology_id,
            current.normalized,
        ):
            best[key] = entry
    return [best[key] for key in sorted(best)]


def render(entries: list[Entry]) -> str:
    """The lexicon file: a header and one tab-separated row per term, LF line ends."""
    lines = ["\t".join(HEADER)]
    for entry in entries:
        term = entry.term if _is_case_sensitive(entry) else entry.term.lower()
        lines.append("\t".join((term, entry.normalized, entry.ontology_id, entry.category)))
    return "\n".join(lines) + "\n"


def _is_case_sensitive(entry: Entry) -> bool:
    # Lay acronyms (COPD, MS) keep their case: the component matches them exactly.
    return entry.source == "lay" and sum(ch.isupper() for ch in entry.term) >= 2


def build(ontologies: Path = ONTOLOGIES, lay_terms: Path = LAY_TERMS) -> str:
    """The lexicon text built from the sources."""
    return render(resolve(collect(ontologies, lay_terms, read_stoplist(STOPLIST))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the lexicon")
    args = parser.parse_args(argv)
    text = build()
    args.output.write_bytes(text.encode("utf-8"))
    print(f"{text.count(chr(10)) - 1} terms -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

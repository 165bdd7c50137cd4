"""Generate the benchmark corpus: seed paragraphs recombined, with varied numbers and names.

Reproducible: the same seed and sizes always give the same files. Each document is a title
plus 3-9 paragraphs drawn from all seeds, with every number re-drawn (same number of digits,
years kept plausible), author and place names swapped from small lists, and the treatment
and condition words swapped per document, so token strings vary as they do across a crawl.

    python benchmarks/make_corpus.py                 # 10,000 documents in benchmarks/corpus/
    python benchmarks/make_corpus.py --documents 200 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEFAULT_OUT = Path(__file__).resolve().parent / "corpus"
FOLDER_SIZE = 1000  # documents per sub-folder: corpus/d00 is the first 1,000

SURNAMES = [
    "Qin",
    "Liu",
    "Wu",
    "Zhai",
    "Stafford",
    "Peng",
    "Hill",
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Tanaka",
    "Kowalski",
    "Okafor",
    "Nguyen",
    "Johansson",
    "Silva",
    "Haddad",
    "Brennan",
    "O'Neill",
    "Dubois",
    "Novak",
    "Schmidt",
    "Yilmaz",
    "Kim",
    "Patel",
    "Andersen",
    "Costa",
    "Moreau",
    "Fischer",
    "Ivanova",
    "Mensah",
    "Lindqvist",
    "Ferreira",
    "Takahashi",
    "Horvat",
]
INSTITUTIONS = (
    "Johns Hopkins",
    "the Mayo Clinic",
    "Karolinska",
    "Oxford",
    "Charité",
    "McGill",
    "Monash",
    "Stanford",
)
INTERVENTIONS = (
    "acupuncture",
    "electro-acupuncture",
    "massage therapy",
    "yoga",
    "chiropractic care",
    "physiotherapy",
    "cupping",
    "tai chi",
    "dry needling",
    "spinal manipulation",
)
CONDITIONS = (
    "sciatica",
    "low back pain",
    "migraine",
    "neck pain",
    "fibromyalgia",
    "osteoarthritis",
    "insomnia",
    "carpal tunnel syndrome",
    "plantar fasciitis",
    "tension headache",
)

_NUMBER = re.compile(r"(?<![\w.])(\d+)(?:\.(\d+))?")
_SURNAME = re.compile(r"\b(" + "|".join(SURNAMES[:7]) + r")\b")
_INSTITUTION = re.compile(r"Johns Hopkins|Oxford")
_INTERVENTION = re.compile(r"\b(?:electro-)?[Aa]cupuncture\b")
_CONDITION = re.compile(r"\b[Ss]ciatica\b")


def seed_paragraphs(seeds: Path = SEEDS) -> list[str]:
    """Every non-empty block (blank-line separated) of every seed, in seed order."""
    paragraphs = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_bytes().decode("utf-8")
        paragraphs += [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    return paragraphs


def vary(paragraph: str, rng: random.Random, intervention: str, condition: str) -> str:
    """The paragraph with numbers re-drawn and names and topic words swapped."""

    def number(match: re.Match[str]) -> str:
        whole, decimals = match.group(1), match.group(2)
        if len(whole) == 4 and whole[:2] in ("19", "20"):
            value = str(rng.randint(1990, 2025))
        else:
            low = 10 ** (len(whole) - 1) if len(whole) > 1 else 0
            value = str(rng.randint(low, 10 ** len(whole) - 1))
        if decimals is not None:
            value += "." + "".join(rng.choice("0123456789") for _ in decimals)
        return value

    def topic(word: str, match: re.Match[str]) -> str:
        return word[:1].upper() + word[1:] if match.group(0)[0].isupper() else word

    paragraph = _NUMBER.sub(number, paragraph)
    paragraph = _SURNAME.sub(lambda _: rng.choice(SURNAMES), paragraph)
    paragraph = _INSTITUTION.sub(lambda _: rng.choice(INSTITUTIONS), paragraph)
    paragraph = _INTERVENTION.sub(lambda m: topic(intervention, m), paragraph)
    return _CONDITION.sub(lambda m: topic(condition, m), paragraph)


def make_document(paragraphs: list[str], rng: random.Random) -> str:
    """One article: a title line and 3-9 varied paragraphs, blank-line separated."""
    intervention, condition = rng.choice(INTERVENTIONS), rng.choice(CONDITIONS)
    title = f"{intervention.capitalize()} for {condition}: what the evidence says"
    body = [
        vary(p, rng, intervention, condition) for p in rng.sample(paragraphs, rng.randint(3, 9))
    ]
    return "\n\n".join([title, *body]) + "\n"


def make_corpus(out: Path, documents: int, seed: int = 7) -> int:
    """Write ``documents`` files under ``out`` (replacing it); returns the word count."""
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    if out.exists():
        shutil.rmtree(out)
    words = 0
    for number in range(documents):
        folder = out / f"d{number // FOLDER_SIZE:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = make_document(paragraphs, rng)
        words += len(text.split())
        (folder / f"{number:06d}.txt").write_text(text, encoding="utf-8", newline="")
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    words = make_corpus(args.out, args.documents, args.seed)
    print(f"{args.documents} documents, {words:,} words in {args.out}")


if __name__ == "__main__":
    main()

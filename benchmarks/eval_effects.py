"""Precision/recall of the effect component on the labelled sentences in tests/data/.

Usage: ``python benchmarks/eval_effects.py [--verbose] [GOLD.jsonl ...]``

Without arguments each labelled set in tests/data/effects_*.jsonl is scored, then all
together: ``effects_gold`` was used while developing the rules, ``effects_heldout`` and
``effects_heldout2`` were labelled before the rules saw them (their first scores are in the
README).

A predicted effect counts as correct when its text equals a gold effect's text exactly;
attribute accuracy (intervention, outcome, comparator, direction, negated, strength) is
reported over the matched pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from spacy.language import Language

from claimscope.pipeline import build_nlp
from claimscope.pipeline.spans import claim_range, claims_of

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
GOLD = DATA / "effects_gold.jsonl"
ATTRIBUTES = ("intervention", "outcome", "comparator", "direction", "negated", "strength")


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    """The labelled sentences: {"text", "effects": [{"text", attribute: value, …}]}."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def predict(nlp: Language, text: str) -> list[dict[str, Any]]:
    """The effects the pipeline finds in ``text``, flattened like the gold rows."""
    doc = nlp(text)
    out = []
    for span in claims_of(doc, "effect"):
        start, end = claim_range(span)
        attrs = span._.claim_attrs
        row = {"text": text[start:end]}
        for name in ATTRIBUTES:
            value = attrs.get(name)
            row[name] = value["text"] if isinstance(value, dict) else value
        out.append(row)
    return out


def evaluate(nlp: Language, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Span precision/recall/F1 and per-attribute accuracy over matched effects."""
    true_pos = false_pos = false_neg = 0
    correct = dict.fromkeys(ATTRIBUTES, 0)
    errors: list[str] = []
    for row in rows:
        predicted = {p["text"]: p for p in predict(nlp, row["text"])}
        gold = {g["text"]: g for g in row["effects"]}
        for text, expected in gold.items():
            got = predicted.get(text)
            if got is None:
                false_neg += 1
                errors.append(f"MISSED  {text!r}  in {row['text']!r}")
                continue
            true_pos += 1
            for name in ATTRIBUTES:
                if got[name] == expected[name]:
                    correct[name] += 1
                else:
                    errors.append(f"ATTR    {name}: {got[name]!r} != {expected[name]!r}  {text!r}")
        for text in predicted.keys() - gold.keys():
            false_pos += 1
            errors.append(f"SPURIOUS {text!r}  in {row['text']!r}")
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = {name: correct[name] / true_pos if true_pos else 0.0 for name in ATTRIBUTES}
    return {
        "sentences": len(rows),
        "gold_effects": true_pos + false_neg,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "attribute_accuracy": accuracy,
        "errors": errors,
    }


def report(name: str, result: dict[str, Any]) -> None:
    """Print one result: span precision/recall/F1, then attribute accuracy."""
    print(
        f"{name}: sentences {result['sentences']}  gold effects {result['gold_effects']}  "
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f}"
    )
    accuracy = "  ".join(f"{k} {v:.3f}" for k, v in result["attribute_accuracy"].items())
    print(f"  attribute accuracy: {accuracy}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help="labelled JSONL files")
    parser.add_argument("--verbose", action="store_true", help="list every error on stderr")
    args = parser.parse_args(argv)
    paths = args.gold or sorted(DATA.glob("effects_*.jsonl"))
    nlp = build_nlp()
    everything: list[dict[str, Any]] = []
    for path in paths:
        rows = load_gold(path)
        everything += rows
        result = evaluate(nlp, rows)
        report(path.name, result)
        if args.verbose:
            for line in result["errors"]:
                print(line, file=sys.stderr)
    if len(paths) > 1:
        report("all", evaluate(nlp, everything))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

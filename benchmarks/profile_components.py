"""Per-component time over the seeds x60, against bare spacy.blank("en") + sentencizer.

Run: python benchmarks/profile_components.py   (a quick look; benchmarks/run.py is the benchmark)
"""

from __future__ import annotations

import pathlib
import time

import spacy

from claimscope.documents import Document
from claimscope.pipeline import build_nlp
from claimscope.record_json import record_bytes
from claimscope.records import doc_to_dicts

SEEDS = pathlib.Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] * 60
    words = sum(len(t.split()) for t in texts)
    floor = spacy.blank("en")
    floor.add_pipe("sentencizer")
    start = time.perf_counter()
    list(floor.pipe(texts))
    floor_time = time.perf_counter() - start
    print(f"{words} words; floor {words / floor_time:.0f} words/s ({floor_time:.2f} s)")

    nlp = build_nlp()
    list(nlp.pipe(texts[:3]))  # warm up
    docs = [nlp.make_doc(text) for text in texts]
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        docs = [component(doc) for doc in docs]
        spent = time.perf_counter() - start
        print(f"{name:28s} {spent:.2f} s  {spent / floor_time:.2f}x floor")

    start = time.perf_counter()
    for i, doc in enumerate(docs):
        for record in doc_to_dicts(doc, Document(id=str(i), path=str(i), text=texts[i])):
            record_bytes(record)
    spent = time.perf_counter() - start
    print(f"{'records (build + JSON)':28s} {spent:.2f} s  {spent / floor_time:.2f}x floor")

    start = time.perf_counter()
    list(nlp.pipe(texts))
    spent = time.perf_counter() - start
    print(f"pipeline without records: {words / spent:.0f} words/s, {floor_time / spent:.2f}x floor")


if __name__ == "__main__":
    main()

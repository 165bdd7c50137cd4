"""Per-component time over the seeds x60, against bare spacy.blank("en") + sentencizer.

Run: python benchmarks/profile_components.py   (a quick look; benchmarks/run.py is the benchmark)
"""

import pathlib
import time

import spacy

from claimscope.pipeline import build_nlp

texts = [p.read_text() for p in sorted(pathlib.Path("seeds").glob("*.txt"))] * 60
words = sum(len(t.split()) for t in texts)
floor = spacy.blank("en")
floor.add_pipe("sentencizer")
t = time.perf_counter()
list(floor.pipe(texts))
tf = time.perf_counter() - t
nlp = build_nlp()
list(nlp.pipe(texts[:3]))
times = {}
docs = [nlp.make_doc(x) for x in texts]
for name, proc in nlp.pipeline:
    t = time.perf_counter()
    docs = [proc(d) for d in docs]
    times[name] = time.perf_counter() - t
print(f"words {words} floor {words / tf:.0f} w/s ({tf:.2f}s)")
for k, v in times.items():
    print(f"{k:28s} {v:.2f}s  {v / tf:.2f}x floor")
t = time.perf_counter()
list(nlp.pipe(texts))
tp = time.perf_counter() - t
print(f"pipeline {words / tp:.0f} w/s ratio {tf / tp:.2f}")
from claimscope.documents import Document
from claimscope.records import doc_to_records

docs = list(nlp.pipe(texts))
t = time.perf_counter()
n = 0
for i, d in enumerate(docs):
    recs = doc_to_records(d, Document(id=str(i), path=str(i), text=texts[i]))
    for r in recs:
        r.model_dump_json()
        n += 1
tr = time.perf_counter() - t
print(f"records {n} {tr:.2f}s {tr / tf:.2f}x floor")

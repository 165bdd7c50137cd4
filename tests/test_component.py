"""Components run nlp.pipe a batch at a time and give the same claims as one doc at a time."""

from __future__ import annotations

from claimscope.pipeline import COMPONENTS
from claimscope.pipeline.component import BatchedComponent
from claimscope.pipeline.spans import claim_entries


def _claims(doc) -> list[tuple]:
    return [
        (label, start, end, repr(entry.get("claim_attrs")), entry.get("claim_links"))
        for label, start, end, entry in claim_entries(doc)
    ]


def test_component_every_claim_component_batches_its_stage(nlp):
    batched = {name for name, component in nlp.pipeline if isinstance(component, BatchedComponent)}
    # The segmenter is a plain function component: cheap, and it needs no batching.
    assert batched == set(COMPONENTS) - {"claimscope_sentences"}


def test_component_pipe_in_batches_equals_one_doc_at_a_time(nlp, seed_texts):
    texts = [*seed_texts.values(), "Acupuncture reduces pain (Smith 2020).", "", "40% of 3."] * 3
    one_at_a_time = [_claims(nlp(text)) for text in texts]
    for batch_size in (1, 2, 5, 64):
        assert [_claims(doc) for doc in nlp.pipe(texts, batch_size=batch_size)] == one_at_a_time
    assert sum(map(len, one_at_a_time)) > 100

"""Doc → records: offsets, line/column, UTF-16, quote selectors, fingerprints, ids."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscope.documents import Document
from claimscope.records import TextIndex, doc_to_dicts, doc_to_records, fingerprint


@pytest.mark.parametrize(
    "text, offset, expected",
    [
        ("abc", 0, (1, 1)),
        ("abc\ndef", 4, (2, 1)),
        ("abc\r\ndef", 6, (2, 2)),
        ("a\n\n\nb", 4, (4, 1)),
        ("é\u0301x\ny", 4, (2, 1)),
    ],
)
def test_records_line_column(text, offset, expected):
    lines, columns = TextIndex(text).lines_and_columns([offset])
    assert (lines[0], columns[0]) == expected


def test_records_utf16_offsets_count_astral_code_points_twice():
    text = "a😀b😀c"
    index = TextIndex(text)
    assert [index.utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7]
    for i in range(len(text) + 1):
        assert index.utf16(i) == len(text[:i].encode("utf-16-le")) // 2


def test_records_fingerprint_ignores_case_and_whitespace_but_not_type():
    assert fingerprint("effect", "Acupuncture  reduces\npain") == fingerprint(
        "effect", "acupuncture reduces pain"
    )
    assert fingerprint("effect", "x") != fingerprint("condition", "x")
    assert fingerprint("effect", "reduces pain") != fingerprint("effect", "may reduce pain")


def test_records_built_from_claim_spans(nlp):
    from claimscope.pipeline.spans import add_claim, add_flag, add_link

    text = "Intro line\r\nOver 40% of adults 😀 have sciatica."
    doc = nlp.make_doc(text)
    for _, proc in nlp.pipeline[:1]:  # the segmenter only
        doc = proc(doc)
    stat = add_claim(doc, "statistic", 12, 30, {"kind": "percent", "value": 40, "unit": "%"})
    cond = add_claim(
        doc,
        "condition",
        38,
        46,
        {"normalized": "sciatica", "ontology_id": None, "category": "disease"},
    )
    add_link(stat, cond)
    add_flag(stat, "uncited")
    document = Document(id="doc1", path="doc1.txt", text=text)
    records = doc_to_records(doc, document)
    assert [(r.type, r.text) for r in records] == [
        ("statistic", "Over 40% of adults"),
        ("condition", "sciatica"),
    ]
    statistic, condition = records
    assert statistic.id == "doc1#statistic@12-30"
    assert (statistic.line, statistic.column) == (2, 1)
    assert statistic.prefix == "Intro line\r\n"
    assert statistic.suffix == " 😀 have sciatica."
    assert statistic.links == [condition.id]
    assert statistic.flags == ["uncited"]
    assert (condition.start_utf16, condition.end_utf16) == (39, 47)
    assert text[statistic.sentence.start : statistic.sentence.end] == (
        "Over 40% of adults 😀 have sciatica."
    )
    assert statistic.source.sha256 == document.sha256


def test_records_types_filter_drops_links_to_filtered_records(nlp):
    from claimscope.pipeline.spans import add_claim, add_link

    doc = nlp.make_doc("40% have sciatica")
    stat = add_claim(doc, "statistic", 0, 3, {"kind": "percent", "value": 40})
    cond = add_claim(doc, "condition", 9, 17, {"normalized": "sciatica", "category": "disease"})
    add_link(stat, cond)
    document = Document(id="d", path="d", text=doc.text)
    (only,) = doc_to_records(doc, document, types=["statistic"])
    assert only.links == []


def test_records_claims_over_the_same_tokens_keep_their_own_attributes(nlp):
    from claimscope.pipeline.spans import add_claim

    doc = nlp.make_doc("Sciatica affects 40% of adults")
    add_claim(doc, "statistic", 17, 30, {"kind": "percent", "value": 40, "unit": "%"})
    add_claim(doc, "citation", 17, 30, {"kind": "vague", "traceable": False})
    add_claim(doc, "statistic", 17, 29, {"kind": "percent", "value": 41, "unit": "%"})
    document = Document(id="d", path="d", text=doc.text)
    records = doc_to_records(doc, document)
    assert [(r.type, r.text, r.start, r.end) for r in records] == [
        ("statistic", "40% of adult", 17, 29),
        ("statistic", "40% of adults", 17, 30),
        ("citation", "40% of adults", 17, 30),
    ]
    assert [r.attributes.kind for r in records] == ["percent", "percent", "vague"]
    assert records[0].attributes.value == 41


def test_records_effect_parts_quote_the_original_text_across_a_hard_wrap(extract):
    text = (
        "Acupuncture was more effective than non-steroidal\n"
        "anti-inflammatory medications for sciatic\nnerve pain."
    )
    (effect,) = [r for r in extract(text) if r.type == "effect"]
    parts = effect.attributes
    assert parts.comparator.text == "non-steroidal\nanti-inflammatory medications"
    assert parts.outcome.text == "sciatic\nnerve pain"
    for part in (parts.intervention, parts.outcome, parts.comparator):
        assert text[part.start : part.end] == part.text


def test_records_plain_dicts_serialise_exactly_as_the_models_on_the_seeds(nlp, seed_texts):
    from claimscope.record_json import record_bytes

    for name, text in seed_texts.items():
        document = Document(id=name, path=name, text=text)
        plain = doc_to_dicts(nlp(text), document)
        models = doc_to_records(nlp(text), document)
        assert len(plain) == len(models) > 20
        assert [record_bytes(r).decode() for r in plain] == [m.model_dump_json() for m in models]
        assert [list(r) for r in plain] == [list(m.model_dump()) for m in models]


@pytest.mark.parametrize(
    "given, value, json_value",
    [
        (40, 40.0, '"value":40.0'),  # an int from a component is a float in the record
        (0.5, 0.5, '"value":0.5'),
        (1e-05, 1e-05, '"value":0.00001'),  # written as pydantic writes it, not as 1e-05
        (2.5e20, 2.5e20, '"value":2.5e+20'),
        (float("inf"), None, '"value":null'),  # as pydantic writes a non-finite float
        (None, None, '"value":null'),
    ],
)
def test_records_plain_statistic_values_are_json_floats(nlp, given, value, json_value):
    from claimscope.pipeline.spans import add_claim
    from claimscope.record_json import record_bytes

    doc = nlp.make_doc("40% have sciatica")
    add_claim(doc, "statistic", 0, 3, {"kind": "percent", "value": given, "unit": "%"})
    (plain,) = doc_to_dicts(doc, Document(id="d", path="d", text=doc.text))
    assert plain["attributes"]["value"] == value
    assert type(plain["attributes"]["value"]) is type(value)
    assert json_value in record_bytes(plain).decode()
    assert record_bytes(plain) == record_bytes(doc_to_records(doc, Document("d", "d", doc.text))[0])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**15), 10**15))
def test_records_json_text_of_any_statistic_value_is_the_models(nlp, value):
    from claimscope.models import parse_claim
    from claimscope.pipeline.spans import add_claim
    from claimscope.record_json import record_bytes

    doc = nlp.make_doc("40% have sciatica")
    add_claim(doc, "statistic", 0, 3, {"kind": "number", "value": value, "low": value / 3})
    (plain,) = doc_to_dicts(doc, Document(id="d", path="d", text=doc.text))
    assert record_bytes(plain).decode() == parse_claim(plain).model_dump_json()


@pytest.mark.parametrize(
    "attrs, message",
    [
        ({"kind": "percent", "value": 40, "colour": "red"}, "unknown attributes: colour"),
        ({"value": 40}, "without its required attributes"),
    ],
)
def test_records_attributes_outside_the_model_fail_the_json_path_too(nlp, attrs, message):
    # The JSON writers' records are never validated into a model: the builder itself refuses
    # what the model would, so a component bug fails the document instead of the schema.
    from claimscope.pipeline.spans import add_claim

    doc = nlp.make_doc("40% have sciatica")
    add_claim(doc, "statistic", 0, 3, attrs)
    with pytest.raises(ValueError, match=message):
        doc_to_dicts(doc, Document(id="d", path="d", text=doc.text))


def test_a_processed_doc_pickles_with_its_claims(nlp, seed_texts):
    # Library users send docs between processes (nlp.pipe(n_process=2), multiprocessing):
    # the per-doc bookkeeping in user_data must pickle, and the claims survive the round trip.
    import pickle

    name, text = next(iter(seed_texts.items()))
    document = Document(id=name, path=name, text=text)
    doc = nlp(text)
    copy = pickle.loads(pickle.dumps(doc))
    assert len(copy.spans["claims"]) == len(doc.spans["claims"]) > 20
    assert doc_to_dicts(copy, document) == doc_to_dicts(doc, document)


def test_records_as_json_hold_no_more_memory_than_their_bytes(seed_texts):
    # orjson's bytes keep its whole output buffer (8 KB for a 0.8 KB record); extraction holds
    # a group's records, so each must be a right-sized copy.
    import tracemalloc

    from claimscope.extraction import extract_documents

    documents = [Document(id=name, path=name, text=text) for name, text in seed_texts.items()]
    tracemalloc.start()
    try:
        records = [r for _, found in extract_documents(documents, as_json=True) for r in found]
        size = sum(map(len, records))
        assert len(records) > 100 and all(type(record) is bytes for record in records)
        with_records = tracemalloc.get_traced_memory()[0]
        records.clear()
        held = with_records - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert size < held < 1.5 * size

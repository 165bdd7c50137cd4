"""Tests for the cue matcher (one pass per doc shared by effects and links) and sentence starts."""

from __future__ import annotations

import pytest

from claimscope.pipeline.cues import (
    CUE_LABELS,
    CUE_PASS_KEY,
    CueMatcher,
    CuePass,
    TokenView,
    sentence_starts,
)
from claimscope.pipeline.spans import claim_entries

LINK_LABELS = ("anecdote", "advice", "booster")


@pytest.fixture(scope="module")
def link_cues(nlp) -> CueMatcher:
    return CueMatcher(nlp.make_doc, labels=LINK_LABELS)


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        # "clinically proven", not also "proven"
        (
            "It is clinically proven and I strongly recommend it.",
            {"booster": [(2, 4)], "advice": [(5, 8)]},
        ),
        # "i have found" and "have found that" overlap: the first of equally long ones wins
        (
            "In my clinic I have found that it is truly a breakthrough.",
            {"anecdote": [(0, 3), (3, 6)], "booster": [(9, 10), (11, 12)]},
        ),
        (
            "You should try this; it is proven, actually proven.",
            {"advice": [(0, 2), (2, 4)], "booster": [(7, 8), (9, 10), (10, 11)]},
        ),
        ("Rest well.", {}),
    ],
)
def test_ranges_by_label(nlp, link_cues, text, ranges):
    assert link_cues.ranges(nlp.make_doc(text)) == ranges


def test_extra_patterns_are_not_cues(nlp, link_cues):
    text = "You should try this; it is proven, actually proven."
    with_extra = CueMatcher(
        nlp.make_doc, labels=LINK_LABELS, extra={"try this": [nlp.make_doc("try this")]}
    )
    doc = nlp.make_doc(text)
    found = with_extra.find(doc)
    assert (nlp.vocab.strings["try this"], 2, 4) in found
    assert with_extra.ranges(doc) == link_cues.ranges(nlp.make_doc(text))


def test_extra_pattern_named_like_a_label_is_refused(nlp):
    with pytest.raises(ValueError, match="advice"):
        CueMatcher(nlp.make_doc, labels=LINK_LABELS, extra={"advice": [nlp.make_doc("x")]})


def test_links_reads_the_effects_pass(nlp):
    # The pipeline's one pass (the effects step's, of every label) is still the doc's after
    # the links step: links read their labels from it instead of matching again.
    doc = nlp("In my clinic, acupuncture clearly reduced back pain in 80% of patients.")
    flags = [entry[3].get("claim_flags") for entry in claim_entries(doc)]
    assert flags == [["uncited", "anecdotal", "boosted"], None, ["uncited", "anecdotal", "boosted"]]
    done = doc.user_data[CUE_PASS_KEY]
    assert done.labels == frozenset(CUE_LABELS)
    assert done.ranges()["anecdote"] == [(0, 3)]
    assert done.ranges()["booster"] == [(5, 6)]


def test_pass_of_fewer_labels_is_not_reused(nlp, link_cues):
    doc = nlp.make_doc("I recommend it: it is proven.")
    booster_only = CueMatcher(nlp.make_doc, labels=("booster",))
    assert booster_only.ranges(doc) == {"booster": [(6, 7)]}
    assert link_cues.ranges(doc) == {"advice": [(0, 2)], "booster": [(6, 7)]}
    # and a pass of more labels serves fewer
    assert booster_only.ranges(doc) == {"booster": [(6, 7)]}
    assert doc.user_data[CUE_PASS_KEY].labels == frozenset(LINK_LABELS)


def test_pass_of_another_tokenisation_is_not_reused(nlp, link_cues):
    doc = nlp.make_doc("I recommend it.")
    names = {nlp.vocab.strings["advice"]: "advice"}
    stale = CuePass([], names, frozenset(LINK_LABELS), len(doc) + 1)
    doc.user_data[CUE_PASS_KEY] = stale
    assert link_cues.ranges(doc) == {"advice": [(0, 2)]}


@pytest.mark.parametrize(
    ("text", "segment", "starts"),
    [
        ("One. Two here. Three.", True, [0, 2, 5]),
        ("One. Two here. Three.", False, [0]),
        ("", True, [0]),
    ],
)
def test_sentence_starts(nlp, text, segment, starts):
    doc = nlp.make_doc(text)
    if segment:
        doc = nlp.get_pipe("claimscope_sentences")(doc)
    assert sentence_starts(doc) == starts
    assert sentence_starts(TokenView.of(doc)) == starts

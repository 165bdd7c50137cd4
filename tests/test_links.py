"""Tests for the links step: links within a sentence and the evidence-triage flags.

The table-driven tests build their claims by hand (so they do not depend on the other
components); the seed tests at the end run the full pipeline and depend on the citations
component (vague appeals, traceable) and, for statistics, the statistics component.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Span

from claimscope.pipeline.links import claim_keys, cue_flags, other_keys, support_flag
from claimscope.pipeline.spans import add_claim, claim_range, claims_of

SEED_000 = "000_3ef94f7409f58d51.txt"
SEED_002 = "002_0cc050c70e66a9dc.txt"

EFFECT = {"direction": "decrease", "strength": "causal"}
ANIMAL_EFFECT = {**EFFECT, "population": "animal"}
BOOSTED_EFFECT = {**EFFECT, "boosters": ["proven"]}
STAT = {"kind": "percent", "value": 37.0}
TRACEABLE = {"kind": "author_year", "traceable": True}
VAGUE = {"kind": "vague", "traceable": False}
UNRESOLVED = {"kind": "author_year", "traceable": False}
ENTRY = {"kind": "reference_entry", "traceable": True}
CONDITION = {"normalized": "back pain", "category": "symptom"}


def run_links(nlp, text: str, claims: list[tuple[str, str, dict[str, Any]]]):
    """Segment ``text``, add the given (label, text, attrs) claims, run the links step."""
    doc = nlp.make_doc(text)
    doc = nlp.get_pipe("claimscope_sentences")(doc)
    for label, piece, attrs in claims:
        start = text.index(piece)
        add_claim(doc, label, start, start + len(piece), attrs)
    return nlp.get_pipe("claimscope_links")(doc)


def claim_at(doc, label: str, piece: str):
    start = doc.text.index(piece)
    return next(s for s in claims_of(doc, label) if claim_range(s) == (start, start + len(piece)))


FLAG_CASES = [
    # (text, claims, the effect/statistic checked, its expected flags)
    (
        "Acupuncture reduces back pain (Qin et al., 2015).",
        [("effect", "Acupuncture reduces back pain", EFFECT),
         ("citation", "(Qin et al., 2015)", TRACEABLE)],
        ("effect", "Acupuncture reduces back pain"),
        [],
    ),
    (
        "Acupuncture reduces back pain. This was shown by Qin et al. (2015).",
        [("effect", "Acupuncture reduces back pain", EFFECT),
         ("citation", "Qin et al. (2015)", TRACEABLE)],
        ("effect", "Acupuncture reduces back pain"),
        [],  # a citation in the next sentence supports it
    ),
    (
        "Acupuncture reduces back pain. Many people like it. Qin et al. (2015) agree.",
        [("effect", "Acupuncture reduces back pain", EFFECT),
         ("citation", "Qin et al. (2015)", TRACEABLE)],
        ("effect", "Acupuncture reduces back pain"),
        ["uncited"],  # two sentences away is too far
    ),
    (
        "Acupuncture reduces back pain.",
        [("effect", "Acupuncture reduces back pain", EFFECT)],
        ("effect", "Acupuncture reduces back pain"),
        ["uncited"],
    ),
    (
        "Research shows acupuncture reduces back pain.",
        [("effect", "acupuncture reduces back pain", EFFECT),
         ("citation", "Research shows", VAGUE)],
        ("effect", "acupuncture reduces back pain"),
        ["untraceable_source"],
    ),
    (
        "Acupuncture reduces back pain (Smith, 2020).",
        [("effect", "Acupuncture reduces back pain", EFFECT),
         ("citation", "(Smith, 2020)", UNRESOLVED)],
        ("effect", "Acupuncture reduces back pain"),
        ["untraceable_source"],
    ),
    (
        "Research shows acupuncture reduces back pain (Qin et al., 2015).",
        [("effect", "acupuncture reduces back pain", EFFECT),
         ("citation", "Research shows", VAGUE),
         ("citation", "(Qin et al., 2015)", TRACEABLE)],
        ("effect", "acupuncture reduces back pain"),
        [],  # one traceable source is enough
    ),
    (
        "Qin Z., 2015, Acupuncture reduces back pain, Ev-Based Comp and Alt Med.",
        [("effect", "Acupuncture reduces back pain", EFFECT),
         ("citation", "Qin Z., 2015, Acupuncture reduces back pain, Ev-Based Comp and Alt Med",
          ENTRY)],
        ("effect", "Acupuncture reduces back pain"),
        ["uncited"],  # a reference-list entry is not an in-text citation
    ),
    (
        "In mice, electro-acupuncture restored motor function (Qin et al., 2015).",
        [("effect", "electro-acupuncture restored motor function", ANIMAL_EFFECT),
         ("citation", "(Qin et al., 2015)", TRACEABLE)],
        ("effect", "electro-acupuncture restored motor function"),
        ["animal_evidence"],
    ),
    (
        "It is a proven fact that acupuncture reduces back pain.",
        [("effect", "acupuncture reduces back pain", BOOSTED_EFFECT)],
        ("effect", "acupuncture reduces back pain"),
        ["uncited", "boosted"],
    ),
    (
        "In my clinic, acupuncture reduces back pain within 37% fewer sessions.",
        [("effect", "acupuncture reduces back pain", EFFECT), ("statistic", "37%", STAT)],
        ("statistic", "37%"),
        ["uncited", "anecdotal"],
    ),
    (
        "I have found that acupuncture reduces back pain.",
        [("effect", "acupuncture reduces back pain", EFFECT)],
        ("effect", "acupuncture reduces back pain"),
        ["uncited", "anecdotal"],
    ),
    (
        "You should try acupuncture, it reduces back pain.",
        [("effect", "it reduces back pain", EFFECT)],
        ("effect", "it reduces back pain"),
        ["uncited", "advice"],
    ),
    (
        "I would strongly urge that you give it a go, since it cuts relapse by 37%.",
        [("statistic", "37%", STAT)],
        ("statistic", "37%"),
        ["uncited", "advice"],
    ),
    (
        "Acupuncture actually cuts relapse by 37%.",
        [("statistic", "37%", STAT)],
        ("statistic", "37%"),
        ["uncited", "boosted"],  # a statistic is boosted by a booster in its sentence
    ),
]  # fmt: skip


@pytest.mark.parametrize("text, claims, target, flags", FLAG_CASES, ids=[c[0] for c in FLAG_CASES])
def test_links_flags(nlp, text, claims, target, flags):
    doc = run_links(nlp, text, claims)
    assert claim_at(doc, *target)._.claim_flags == (flags or None)


def test_links_flags_leave_conditions_and_citations_alone(nlp):
    doc = run_links(
        nlp,
        "Acupuncture reduces back pain.",
        [
            ("effect", "Acupuncture reduces back pain", EFFECT),
            ("condition", "back pain", CONDITION),
        ],
    )
    assert claim_at(doc, "condition", "back pain")._.claim_flags is None


def test_links_same_sentence_only(nlp):
    text = (
        "Acupuncture reduces back pain by 37% (Qin et al., 2015). "
        "Surgery reduces leg pain by 20% (Smith, 2020)."
    )
    doc = run_links(
        nlp,
        text,
        [
            ("effect", "Acupuncture reduces back pain", EFFECT),
            ("condition", "back pain", CONDITION),
            ("statistic", "37%", STAT),
            ("citation", "(Qin et al., 2015)", TRACEABLE),
            ("effect", "Surgery reduces leg pain", EFFECT),
            ("statistic", "20%", STAT),
            ("citation", "(Smith, 2020)", TRACEABLE),
        ],
    )
    effect = claim_at(doc, "effect", "Acupuncture reduces back pain")
    assert effect._.claim_links == ["condition@20-29", "statistic@33-36", "citation@37-55"]
    statistic = claim_at(doc, "statistic", "37%")
    assert statistic._.claim_links == ["condition@20-29", "citation@37-55"]
    second = claim_at(doc, "effect", "Surgery reduces leg pain")
    assert second._.claim_links == ["statistic@85-88", "citation@89-102"]


def test_links_nothing_to_do_without_effects_or_statistics(nlp):
    doc = run_links(nlp, "Back pain is common.", [("condition", "Back pain", CONDITION)])
    assert claim_at(doc, "condition", "Back pain")._.claim_links is None


@pytest.mark.parametrize(
    "kinds, expected",
    [
        ([], "uncited"),
        ([VAGUE], "untraceable_source"),
        ([VAGUE, UNRESOLVED], "untraceable_source"),
        ([VAGUE, TRACEABLE], None),
        ([{"kind": "identifier", "traceable": True}], None),
    ],
)
def test_links_support_flag(nlp, kinds, expected):
    text = "Acupuncture helps " + " ".join(f"[{i}]" for i in range(len(kinds)))
    doc = nlp.make_doc(text)
    citations = [
        add_claim(doc, "citation", text.index(f"[{i}]"), text.index(f"[{i}]") + 3, attrs)
        for i, attrs in enumerate(kinds)
    ]
    assert support_flag(citations) == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("In my clinic, patients improve.", ["anecdotal"]),
        ("My patients improve.", ["anecdotal"]),
        ("I’ve found that patients improve.", ["anecdotal"]),
        ("Try this simple test.", ["advice"]),
        ("I would certainly recommend trying it.", ["advice"]),
        ("In my clinic you should try it.", ["anecdotal", "advice"]),
        ("Patients improve.", []),
    ],
)
def test_links_cue_flags(nlp, sentence, expected):
    tagger = nlp.get_pipe("claimscope_links")
    doc = nlp.make_doc(sentence)
    assert cue_flags(tagger.cue_sentences(doc, [0]), 0) == expected


def test_links_cue_sentences_place_a_cue_by_its_first_token(nlp):
    tagger = nlp.get_pipe("claimscope_links")
    doc = nlp.make_doc("In my clinic it works. Rest well. It is truly a breakthrough.")
    firsts = [0, 6, 9]  # "In", "Rest", "It"
    assert [doc[i].text for i in firsts] == ["In", "Rest", "It"]
    assert tagger.cue_sentences(doc, firsts) == {"anecdote": {0}, "booster": {2}}
    assert cue_flags(tagger.cue_sentences(doc, firsts), 1) == []


# --- on the seeds (full pipeline) ----------------------------------------------------------------


def _effects(seed_records, name: str) -> dict[str, Any]:
    return {r.text: r for r in seed_records[name] if r.type == "effect"}


def test_links_seed_002_vague_support_is_untraceable(seed_records):
    # Depends on the citations component: "Multiple RCTs confirm" is a vague citation and
    # "(JAMA Internal Medicine, 2022)" matches no reference entry, so neither is traceable.
    effect = _effects(seed_records, SEED_002)["it reduces sciatic nerve inflammation"]
    assert effect.flags == ["untraceable_source"]
    linked = {link.split("#", 1)[1].split("@")[0] for link in effect.links}
    assert "citation" in linked


def test_links_seed_000_findings_are_animal_evidence(seed_records):
    effects = _effects(seed_records, SEED_000)
    animal = {text for text, r in effects.items() if "animal_evidence" in r.flags}
    assert animal == set(effects) - {"acupuncture speeds the healing process"}
    assert "electro-acupuncture did not accelerate sensory recovery" in animal
    human = effects["acupuncture speeds the healing process"]
    assert "animal_evidence" not in human.flags


def test_links_seed_000_boosted_and_uncited(seed_records):
    effects = _effects(seed_records, SEED_000)
    first = effects["electro-acupuncture actually stimulates\xa0sciatic nerve regeneration"]
    assert "boosted" in first.flags
    negated = effects["electro-acupuncture did not accelerate sensory recovery"]
    assert negated.flags == ["uncited", "animal_evidence"]


def test_links_seed_002_clinic_statistics_are_anecdotal(seed_records):
    # Depends on the statistics component finding "78%" in the "In my clinic" sentence.
    stats = {r.text: r for r in seed_records[SEED_002] if r.type == "statistic"}
    assert "anecdotal" in stats["78%"].flags


@pytest.mark.parametrize(
    "text, piece, tokens",
    [
        ("Needle point GB30 helps.", "GB", "GB30"),  # inside a token: the token is covered
        ("Pain fell by 37% in trials.", "by 37%", "by 37%"),
        ("Pain fell by 37% in trials.", " in", "in"),  # a token's trailing space is not its own
        ("Pain fell.\n\nNext part", "\nNext", "\n\nNext"),
        ("Pain fell.\n\nNext part", "ll.\n", "fell.\n\n"),
        ("Ends here", "here", "here"),
    ],
)
def test_links_add_claim_spans_cover_the_touched_tokens(nlp, text, piece, tokens):
    # add_claim bisects cached token offsets; it must cover what char_span "expand" covers.
    doc = nlp.make_doc(text)
    start = text.index(piece)
    span = add_claim(doc, "statistic", start, start + len(piece), STAT)
    expanded = doc.char_span(start, start + len(piece), alignment_mode="expand")
    assert (span.start, span.end, span.text) == (expanded.start, expanded.end, tokens)
    assert claim_range(span) == (start, start + len(piece))
    assert span._.claim_attrs == STAT


def test_links_add_claim_keeps_two_claims_of_a_type_over_the_same_tokens_apart(nlp):
    doc = nlp.make_doc("Needle point GB30 helps.")
    whole = add_claim(doc, "statistic", 13, 17, {"kind": "number", "value": 30.0})
    digits = add_claim(doc, "statistic", 15, 17, {"kind": "number", "value": 3.0})
    assert (whole.start, whole.end) == (digits.start, digits.end) == (2, 3)
    assert whole.id != digits.id  # the second one's exact range, as its span id
    assert [claim_range(s) for s in claims_of(doc, "statistic")] == [(13, 17), (15, 17)]
    assert (whole._.claim_attrs["value"], digits._.claim_attrs["value"]) == (30.0, 3.0)
    assert add_claim(doc, "statistic", 15, 17, {"kind": "number"}) is None  # taken
    assert add_claim(doc, "statistic", 17, 17, {"kind": "number"}) is None  # empty


def test_links_claims_added_as_plain_spans_are_linked(nlp):
    # A claim put straight into doc.spans (not through add_claim) is still read and linked.
    text = "Acupuncture reduces back pain by 37%."
    doc = nlp.get_pipe("claimscope_sentences")(nlp.make_doc(text))
    add_claim(doc, "effect", 0, 29, EFFECT)
    stat = Span(doc, 5, 7, label="statistic", span_id="33:36")
    stat._.claim_range = (33, 36)
    stat._.claim_attrs = STAT
    doc.spans["claims"].append(stat)
    doc = nlp.get_pipe("claimscope_links")(doc)
    assert claim_at(doc, "effect", "Acupuncture reduces back pain")._.claim_links == [
        "statistic@33-36"
    ]
    assert claim_at(doc, "statistic", "37%")._.claim_flags == ["uncited"]


def test_links_other_keys_leaves_out_the_claim_itself():
    stat = ("statistic", 10, 13, {})
    twin = ("statistic", 10, 13, {})  # an equal claim (added other than by add_claim)
    cite = ("citation", 20, 25, {})
    effect = ("effect", 0, 30, {})
    targets = [stat, cite]
    keys = claim_keys(targets)
    assert keys == ["statistic@10-13", "citation@20-25"]
    assert other_keys(stat, targets, keys, True) == ["citation@20-25"]
    assert other_keys(cite, targets, keys, True) == ["statistic@10-13"]  # as a target would
    assert other_keys(effect, targets, keys, True) == keys
    targets = [stat, twin, cite]
    keys = claim_keys(targets)
    assert other_keys(stat, targets, keys, False) == ["statistic@10-13", "citation@20-25"]
    assert other_keys(effect, targets, keys, False) == ["statistic@10-13", "citation@20-25"]

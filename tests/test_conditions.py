"""Tests for the condition component, its pure matching helpers and the lexicon build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from claimscope.pipeline.conditions import (
    Condition,
    Guard,
    Match,
    TermIndex,
    find_abbreviation,
    inflections,
    is_case_sensitive,
    is_short_form,
    load_lexicon,
    long_form_offset,
    longest,
    passes_guards,
    plural,
    singular,
    squash,
)
from claimscope.pipeline.cues import TokenView

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ROOT / "src" / "claimscope" / "data" / "conditions.tsv"
BUILD_SCRIPT = ROOT / "scripts" / "build_condition_lexicon.py"

SCIATICA = ("sciatica", "DOID:11446", "disease")


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def conditions(extract, text: str) -> list[tuple[str, str, str | None, str]]:
    """(text, normalized, ontology_id, category) of each condition record, in order."""
    return [
        (r.text, r.attributes.normalized, r.attributes.ontology_id, r.attributes.category)
        for r in extract(text, types=["condition"])
    ]


# --- pure helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, expected",
    [
        ("injury", "injuries"),
        ("bruise", "bruises"),
        ("pain", "pains"),
        ("crush", "crushes"),
        ("headache", "headaches"),
        ("arthritis", None),
        ("bleeding", None),
        ("numbness", None),
        ("anemia", None),
        ("type2", None),
    ],
)
def test_conditions_plural(word, expected):
    assert plural(word) == expected


@pytest.mark.parametrize(
    "word, expected",
    [
        ("injuries", "injury"),
        ("pains", "pain"),
        ("lesions", "lesion"),
        ("arthropathies", "arthropathy"),
        ("neuralgias", "neuralgia"),
        ("arthritides", "arthritis"),
        ("arthritis", "arthritis"),
        ("numbness", "numbness"),
    ],
)
def test_conditions_singular(word, expected):
    assert singular(word) == expected


def test_conditions_inflections_pluralise_the_last_word():
    assert inflections("peripheral nerve injury") == [
        "peripheral nerve injury",
        "peripheral nerve injuries",
    ]
    assert inflections("sciatica") == ["sciatica", "sciaticas"]
    assert inflections("neuropathic pain") == ["neuropathic pain", "neuropathic pains"]
    assert inflections("minor bleeding") == ["minor bleeding"]


@pytest.mark.parametrize(
    "term, expected",
    [("MS", True), ("COPD", True), ("multiple sclerosis", False), ("Ebola", False)],
)
def test_conditions_acronyms_are_case_sensitive(term, expected):
    assert is_case_sensitive(term) is expected


@pytest.mark.parametrize(
    "text, expected",
    [("WD", True), ("NSAIDs", True), ("5-HT", True), ("x", False), ("(a)", False), ("12", False)],
)
def test_conditions_short_form_test(text, expected):
    assert is_short_form(text) is expected


@pytest.mark.parametrize(
    "candidate, short, expected",
    [
        ("patients with Wilson disease", "WD", "Wilson disease"),
        ("prevalence of coronary artery disease", "CAD", "coronary artery disease"),
        ("non-steroidal anti-inflammatory medication", "NSAIDs", None),
        (
            "with non-steroidal anti-inflammatory drugs",
            "NSAIDs",
            "non-steroidal anti-inflammatory drugs",
        ),
        ("began with heart failure", "CAD", None),
        ("relapsing multiple sclerosis", "MS", "multiple sclerosis"),
    ],
)
def test_conditions_find_abbreviation(blank, candidate, short, expected):
    doc = blank.make_doc(f"{candidate} ({short})")
    sf_index = len(doc) - 2
    _, long_form = find_abbreviation(doc[: sf_index - 1], doc[sf_index : sf_index + 1])
    assert (long_form.text if long_form is not None else None) == expected


@pytest.mark.parametrize(
    "long_text, short_text, expected",
    [
        ("patients with wilson disease", "wd", 14),
        ("the swab was dry", "wd", 9),  # "was": the w of "swab" starts no word
        ("swab dry", "wd", None),
        ("a wow dw", "wd", 2),  # the w must start a word: not the one inside "wow"
        ("x-ray damage", "xd", 0),
        ("anything", "", 8),
        ("anything", "-", 8),  # no letter or digit to place
        ("", "ab", None),
    ],
)
def test_conditions_long_form_offset(long_text, short_text, expected):
    assert long_form_offset(long_text, short_text) == expected


@pytest.mark.parametrize(
    "text, start, guards, expected",
    [
        ("a cold shower", 1, [Guard("not_before", frozenset({"shower"}))], False),
        ("a cold today", 1, [Guard("not_before", frozenset({"shower"}))], True),
        ("one stroke", 1, [Guard("not_after", frozenset({"brush"}))], True),
        ("brush stroke", 1, [Guard("not_after", frozenset({"brush"}))], False),
        ("the cold", 1, [Guard("only_after", frozenset({"a"}))], False),
        ("cold", 0, [Guard("only_after", frozenset({"a"}))], False),
        ("250 MS", 1, [Guard("not_after_number", frozenset())], False),
        ("MS patients", 0, [Guard("not_after_number", frozenset())], True),
    ],
)
def test_conditions_passes_guards(blank, text, start, guards, expected):
    doc = blank.make_doc(text)
    assert passes_guards(doc, start, start + 1, guards) is expected


def test_conditions_term_index_matches_token_aligned_text(blank):
    index = TermIndex.build(
        {
            "back pain": Condition("back pain", "SYMP:0000006", "symptom"),
            "pain": Condition("pain", "SYMP:0000099", "symptom"),
            "alzheimer's disease": Condition("alzheimer's disease", "DOID:10652", "disease"),
        }
    )
    doc = blank("Back\npain, Alzheimer's disease and painkillers.")
    found = [(doc[s:e].text, key) for s, e, key in index.matches(doc)]
    assert found == [
        ("Back\npain", "back pain"),
        ("pain", "pain"),
        ("Alzheimer's disease", "alzheimer's disease"),
    ]


_TRIE_TERMS = {
    "back pain": Condition("back pain", "SYMP:0000006", "symptom"),
    "sciatic nerve pain": Condition("sciatic nerve pain", None, "symptom"),
    "sciatic nerve": Condition("sciatic nerve", None, "disease"),
    "οσας disease": Condition("οσας disease", None, "disease"),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sciatic nerve pain, then SCIATIC NERVE and back\npain.",
            ["Sciatic nerve", "Sciatic nerve pain", "SCIATIC NERVE", "back\npain"],
        ),
        ("The sciatic  nerve hurts; back pain too.", ["sciatic  nerve", "back pain"]),
        ("ΟΣΑΣ disease and οσας disease", ["ΟΣΑΣ disease", "οσας disease"]),
        ("Sciatic nerve", ["Sciatic nerve"]),
    ],
)
def test_conditions_term_index_remembered_stretches_match_as_new(blank, text, expected):
    # The second pass walks the trie of remembered stretches; it must find what the first did.
    index = TermIndex.build(_TRIE_TERMS)
    doc = blank(text)
    first = [doc[s:e].text for s, e, _ in index.matches(doc)]
    again = [doc[s:e].text for s, e, _ in index.matches(blank(text))]
    assert first == again == expected


def test_conditions_term_index_gives_nothing_from_forms_that_start_no_term(blank):
    # The tagger hands the index every token its scan found (head words, brackets): those
    # whose forms start no term must add nothing, the first time and from the remembered trie.
    index = TermIndex.build(_TRIE_TERMS)
    doc = blank("Damage (to the) sciatic nerve pain and back pain.")
    lower = doc.to_array("LOWER").tolist()
    view = TokenView.of(doc)
    index.learn(set(lower), doc.vocab.strings)
    every = list(range(len(doc)))
    for _ in range(2):
        found = sorted(zip(*index.columns(view, every, lower, True, True), strict=True))
        assert [doc[s:e].text for s, e, _ in found] == [
            "sciatic nerve",
            "sciatic nerve pain",
            "back pain",
        ]


def test_conditions_term_index_columns_from_the_callers_single_terms(blank):
    # The tagger passes the tokens whose forms spell a term alone (its ALONE kind bit): the
    # same columns as when the index looks them up itself.
    index = TermIndex.build({**_TRIE_TERMS, "pain": Condition("pain", None, "symptom")})
    doc = blank("Damage (to the) sciatic nerve pain and back pain.")
    lower = doc.to_array("LOWER").tolist()
    view = TokenView.of(doc)
    index.learn(set(lower), doc.vocab.strings)
    every = list(range(len(doc)))
    alone_at = [i for i in every if lower[i] in index.yielders]
    assert len(alone_at) == 2  # the two "pain"
    given = index.columns(view, every, lower, True, True, alone_at)
    assert sorted(zip(*given, strict=True)) == index.matches(doc)


def test_conditions_squash():
    assert squash("Sciatic \n Nerve\u00a0Pain") == "sciatic nerve pain"


# --- the lexicon ---------------------------------------------------------------------------


def test_conditions_lexicon_build_reproduces_committed_file(tmp_path):
    output = tmp_path / "conditions.tsv"
    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    assert output.read_bytes() == LEXICON.read_bytes()


def test_conditions_lexicon_rows():
    lexicon = load_lexicon(LEXICON)
    assert 15_000 < len(lexicon) < 30_000
    assert lexicon["sciatica"] == Condition("sciatica", "DOID:11446", "disease")
    assert lexicon["bruising"] == Condition("bruising", "SYMP:0000406", "symptom")
    assert lexicon["wilson disease"] == Condition("wilson disease", "DOID:893", "disease")
    assert lexicon["contusion"].ontology_id == "SYMP:0000406"  # an EXACT synonym
    for junk in ("can", "all", "go", "syndrome", "symptom", "shock", "dil"):
        assert junk not in lexicon
    assert all(c.category in {"disease", "symptom", "injury"} for c in lexicon.values())


# --- the component on real sentences -------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "We have known for years that acupuncture speeds the healing process in sciatica "
            "patients.",
            [("sciatica", *SCIATICA)],
        ),
        (
            "CLICK HERE to watch a short video describing how we treat sciatic nerve pain with "
            "acupuncture.",
            [("sciatic nerve pain", "sciatic nerve pain", "DOID:11446", "symptom")],
        ),
        (
            "The results also showed that electro-acupuncture assisted in the recovery from "
            "“neuropathic pain that develops following a nerve injury.”",
            [
                ("neuropathic pain", "neuropathic pain", "SYMP:0000832", "symptom"),
                ("nerve injury", "nerve injury", None, "injury"),
            ],
        ),
        (
            "The improvement of axonal regeneration is a major objective in the treatment of "
            "peripheral nerve injuries.",
            [("peripheral nerve injuries", "peripheral nerve injury", "DOID:574", "injury")],
        ),
        (
            "electro-acupuncture appears to be a valuable method to accelerate motor recovery "
            "and alleviate neuropathic pain symptoms that occur after nerve crush.",
            [
                ("neuropathic pain", "neuropathic pain", "SYMP:0000832", "symptom"),
                ("nerve crush", "nerve crush", None, "injury"),
            ],
        ),
        (
            "Sciatica is a condition involving inflammation or impingement of the nerve root "
            "in the lower back.",
            [
                ("Sciatica", *SCIATICA),
                ("inflammation", "inflammation", "SYMP:0000061", "symptom"),
                ("impingement of the nerve root", "impingement of the nerve root", None, "injury"),
            ],
        ),
        (
            "It causes unilateral leg pain that can descend to the knee or even foot.",
            [("leg pain", "leg pain", None, "symptom")],
        ),
        (
            "It can also cause numbness and weakness in the leg in extreme cases.",
            [
                ("numbness", "numbness", "SYMP:0000834", "symptom"),
                ("weakness", "weakness", "SYMP:0000177", "symptom"),
            ],
        ),
        (
            "Acupuncture (10 sessions) 4.2 points ↓ −18.5% 22% Low (0.3% minor bruising)",
            [("minor bruising", "bruising", "SYMP:0000406", "symptom")],
        ),
        (
            "Compared to the digestive issues that can arise from non-steroidal "
            "anti-inflammatory medication, acupuncture is preferable.",
            [("digestive issues", "digestive issues", "SYMP:0000459", "symptom")],
        ),
        (
            "The also noted that acupuncture was a safe intervention, at most causing slight "
            "bleeding.",
            [("slight bleeding", "bleeding", "SYMP:0000007", "symptom")],
        ),
        (
            "Multiple RCTs confirm it reduces sciatic nerve inflammation by modulating IL-6.",
            [
                (
                    "sciatic nerve inflammation",
                    "sciatic nerve inflammation",
                    "DOID:11446",
                    "symptom",
                )
            ],
        ),
        (
            "I would certainly recommend it if you have chronic sciatica that medication is "
            "not helping with.",
            [("chronic sciatica", *SCIATICA)],
        ),
        (
            "This groundbreaking study indicates that electro-acupuncture is a valuable "
            "treatment for peripheral nerve damage and neuropathic pain that occur after "
            "damage to the sciatic nerve.",
            [
                ("peripheral nerve damage", "peripheral nerve injury", "DOID:574", "injury"),
                ("neuropathic pain", "neuropathic pain", "SYMP:0000832", "symptom"),
                ("damage to the sciatic nerve", "damage to the sciatic nerve", None, "injury"),
            ],
        ),
        (
            "Surgery is invasive and can cause neurological issues.",
            [("neurological issues", "neurological issues", "SYMP:0000480", "symptom")],
        ),
        (
            "Her knee pain, lumbar pain and wrist inflammation worsened.",
            [
                ("knee pain", "knee pain", "SYMP:0000442", "symptom"),
                ("lumbar pain", "low back pain", "SYMP:0000635", "symptom"),
                ("wrist inflammation", "wrist inflammation", None, "symptom"),
            ],
        ),
        (
            "Radiculopathy, occipital neuralgias and tendinopathies respond to rest.",
            [
                ("Radiculopathy", "radiculopathy", "DOID:4306", "disease"),
                ("neuralgias", "neuralgia", None, "symptom"),
                ("tendinopathies", "tendinopathy", None, "disease"),
            ],
        ),
        (
            "Patients with Alzheimer's disease or type 2 diabetes had more headaches.",
            [
                ("Alzheimer's disease", "alzheimer's disease", "DOID:10652", "disease"),
                ("type 2 diabetes", "type 2 diabetes mellitus", "DOID:9352", "disease"),
                ("headaches", "headache", "SYMP:0000504", "symptom"),
            ],
        ),
    ],
)
def test_conditions_real_sentences(extract, text, expected):
    assert conditions(extract, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Researchers concluded that electro-acupuncture restored motor function and "
        "accelerated motor recovery.",
        "It improves lumbar paraspinal blood flow by up to 37%.",
        "Electro-acupuncture actually stimulates sciatic nerve regeneration.",
        "It changes the processing of signals in the brain and spinal cord.",
        "Treatment generally begins with non-steroidal anti-inflammatory medication (NSAIDs).",
        "Take a cold shower after exercise, or drink cold water.",
        "There was a small depression in the road and a depression of the surface.",
        "A new strain of the virus spread quickly.",
        "One stroke of the pen, then a bold brush stroke.",
        "My star sign is Cancer star sign.",
        "The latency was 250 MS in every trial.",
        "Homeopathy and naturopathy are treatments, and nostalgia is a feeling.",
        "Can all patients go home? Check the label.",
    ],
)
def test_conditions_false_positive_guards(extract, text):
    assert conditions(extract, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I caught a cold last week.", [("cold", "common cold", "DOID:10459", "disease")]),
        (
            "Depression affects millions of adults.",
            [("Depression", "depression", "DOID:1596", "disease")],
        ),
        ("He suffered a stroke last year.", [("stroke", "stroke", "DOID:0051061", "disease")]),
        ("He had a hamstring strain.", [("hamstring strain", "hamstring strain", None, "injury")]),
        (
            "MS patients reported fatigue.",
            [
                ("MS", "multiple sclerosis", "DOID:2377", "disease"),
                ("fatigue", "fatigue", "SYMP:0019177", "symptom"),
            ],
        ),
        ("He has lung cancer.", [("lung cancer", "lung cancer", "DOID:1324", "disease")]),
    ],
)
def test_conditions_guarded_words_in_their_health_sense(extract, text, expected):
    assert conditions(extract, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Patients with Wilson disease (WD) accumulate copper. In WD, the liver fails.",
            [
                ("Wilson disease", None),
                ("WD", "wilson disease"),
                ("WD", "wilson disease"),
            ],
        ),
        (
            "Coronary artery disease (CAD) is common, and CAD kills more adults than cancer.",
            [
                ("Coronary artery disease", None),
                ("CAD", "coronary artery disease"),
                ("CAD", "coronary artery disease"),
                ("cancer", None),
            ],
        ),
        (
            "Multiple sclerosis (MS) affects nerves. MS patients tire easily.",
            [
                ("Multiple sclerosis", None),
                ("MS", "multiple sclerosis"),
                ("MS", "multiple sclerosis"),
            ],
        ),
        # Defined as something else, the acronym is not the disease.
        ("Samples were analysed by mass spectrometry (MS). MS showed two peaks.", []),
        (
            "Treatment begins with non-steroidal anti-inflammatory medication (NSAIDs). "
            "NSAIDs can cause heartburn.",
            [("heartburn", None)],
        ),
    ],
)
def test_conditions_abbreviations(extract, text, expected):
    records = extract(text, types=["condition"])
    assert [(r.text, r.attributes.abbreviation_of) for r in records] == expected


def test_conditions_abbreviation_takes_the_long_form_ids(extract):
    records = extract("Wilson disease (WD) is rare. WD is treatable.", types=["condition"])
    assert {(r.attributes.normalized, r.attributes.ontology_id) for r in records} == {
        ("wilson disease", "DOID:893")
    }


# --- seeds ---------------------------------------------------------------------------------


def test_conditions_every_sciatica_in_the_seeds_has_an_ontology_id(seed_texts, seed_records):
    checked = 0
    for name, text in seed_texts.items():
        spans = [
            r for r in seed_records[name] if r.type == "condition" and r.attributes.ontology_id
        ]
        for mention in re.finditer(r"(?i)\bsciatica\b", text):
            checked += 1
            assert any(r.start <= mention.start() and mention.end() <= r.end for r in spans), (
                name,
                mention.start(),
            )
    assert checked == 26  # all mentions in the three seeds were checked


@pytest.mark.parametrize(
    "seed, phrase",
    [
        ("000_3ef94f7409f58d51.txt", "neuropathic pain"),
        ("000_3ef94f7409f58d51.txt", "peripheral nerve injuries"),
        ("000_3ef94f7409f58d51.txt", "nerve crush"),
        ("000_3ef94f7409f58d51.txt", "Sciatic Nerve Pain"),
        ("002_0cc050c70e66a9dc.txt", "minor bruising"),
        ("002_0cc050c70e66a9dc.txt", "sciatic nerve inflammation"),
        ("004_184933badd9d9c73.txt", "numbness"),
        ("004_184933badd9d9c73.txt", "leg pain"),
        ("004_184933badd9d9c73.txt", "digestive issues"),
        ("004_184933badd9d9c73.txt", "inflammation"),
    ],
)
def test_conditions_seed_phrases_are_whole_spans(seed_records, seed, phrase):
    texts = [r.text for r in seed_records[seed] if r.type == "condition"]
    assert phrase in texts


@pytest.mark.parametrize(
    "seed, phrase",
    [
        ("000_3ef94f7409f58d51.txt", "motor recovery"),
        ("000_3ef94f7409f58d51.txt", "sciatic nerve regeneration"),
        ("002_0cc050c70e66a9dc.txt", "blood flow"),
        ("004_184933badd9d9c73.txt", "NSAIDs"),
    ],
)
def test_conditions_seed_non_conditions(seed_records, seed, phrase):
    texts = [r.text for r in seed_records[seed] if r.type == "condition"]
    assert not any(phrase in text for text in texts)


@pytest.mark.parametrize(
    "ranges",
    [
        [(0, 2), (1, 3), (2, 4)],
        [(0, 1), (0, 3), (2, 5), (4, 5), (5, 6)],
        [(3, 4), (1, 2), (1, 4), (0, 2)],
        [(0, 2), (2, 4), (1, 3)],
        [(0, 1), (2, 3), (2, 5), (3, 4), (6, 7)],
        [(5, 6), (0, 3), (1, 2), (4, 5), (4, 6)],
        [(0, 4), (1, 2), (3, 6), (5, 7)],
        [(2, 3), (0, 1)],
    ],
)
def test_conditions_longest_is_spacys_filter_spans(blank, ranges):
    doc = blank("one two three four five six seven")
    spans = spacy.util.filter_spans([doc[start:end] for start, end in ranges])
    named = Condition("name", None, "disease")
    matches = [Match(start, end, named, 0) for start, end in ranges]
    assert [(m.start, m.end) for m in longest(matches)] == [(s.start, s.end) for s in spans]


def test_conditions_longest_keeps_the_best_rank_then_the_first_of_one_range():
    first, second, third = (Condition(name, None, "disease") for name in ("a", "b", "c"))
    matches = [
        Match(0, 2, first, 1),
        Match(0, 2, second, 0),
        Match(0, 2, third, 0),
        Match(3, 4, third, 2),
        Match(3, 4, first, 2),
    ]
    assert longest(matches) == [Match(0, 2, second, 0), Match(3, 4, third, 2)]


def test_conditions_memos_start_afresh_past_their_limit_with_the_same_matches(
    nlp, seed_texts, monkeypatch
):
    import claimscope.pipeline.conditions as conditions

    texts = [*seed_texts.values(), "Sciatic nerve pain and lower back pain (LBP) in 40 adults."]
    tagger = nlp.get_pipe("claimscope_conditions")
    expected = [[(m.start, m.end, m.condition) for m in tagger.match(nlp(t))] for t in texts]
    monkeypatch.setattr(conditions, "LEARNED_FORMS", 50)
    most = max(len(set(nlp(t).to_array("LOWER").tolist())) for t in texts)
    for round_ in range(3):
        fresh = " ".join(f"zq{round_}x{i}" for i in range(60))  # forms never seen: over 50
        tagger.match(nlp(fresh))
        assert len(tagger._seen) <= 61
        found = [[(m.start, m.end, m.condition) for m in tagger.match(nlp(t))] for t in texts]
        assert found == expected
        assert len(tagger._seen) <= max(50, most)
    assert sum(map(len, expected)) > 50

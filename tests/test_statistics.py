"""Tests of the statistic tagger: CLAIMS.md's statistic table, the "not statistics" list,
the seeds' statistics, and the pure matching functions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscope.pipeline.spans import add_claim, claims_of
from claimscope.pipeline.statistics import (
    blocked_end,
    find_statistics,
    is_year,
    load_patterns,
    number_candidates,
)


@pytest.fixture(scope="module")
def patterns():
    return load_patterns()


def statistics(records) -> list[tuple[str, int, int, dict]]:
    """(text, start, end, attributes without Nones) of the statistic records."""
    return [
        (r.text, r.start, r.end, r.attributes.model_dump(exclude_none=True))
        for r in records
        if r.type == "statistic"
    ]


def the_statistic(extract, sentence: str, span: str) -> dict:
    """The attributes of the one statistic whose text is ``span``; checks its offsets."""
    found = [s for s in statistics(extract(sentence)) if s[0] == span]
    assert len(found) == 1, statistics(extract(sentence))
    _, start, end, attrs = found[0]
    assert (start, end) == (sentence.index(span), sentence.index(span) + len(span))
    return attrs


# Every row of CLAIMS.md's statistic table, then the other forms the component covers.
TABLE = [
    (
        "Today over 40% of adults experience sciatica at least once.",
        "over 40% of adults",
        {"kind": "percent", "value": 40, "unit": "%", "qualifier": "over", "subject": "adults"},
    ),
    (
        "And nearly 1 in 3 try other options first.",
        "nearly 1 in 3",
        {"kind": "proportion", "value": 0.333, "qualifier": "approx"},
    ),
    (
        "It improves blood flow by up to 37% in the leg.",
        "up to 37%",
        {"kind": "percent", "value": 37, "unit": "%", "qualifier": "up_to"},
    ),
    (
        "They compared 11 randomized controlled trials consisting of 962 patients.",
        "962 patients",
        {"kind": "count", "value": 962, "subject": "patients"},
    ),
    (
        "They compared 11 randomized controlled trials consisting of 962 patients.",
        "11 randomized controlled trials",
        {"kind": "count", "value": 11, "subject": "randomized controlled trials"},
    ),
    (
        "Acupuncture (10 sessions) 4.2 points ↓ −18.5% 22% Low",
        "4.2 points ↓",
        {"kind": "score", "value": 4.2, "unit": "points", "direction": "decrease"},
    ),
    (
        "Acupuncture (10 sessions) 4.2 points ↓ −18.5% 22% Low",
        "−18.5%",
        {"kind": "percent", "value": -18.5, "unit": "%"},
    ),
    (
        "Normal sensory recovery was achieved within five to six weeks.",
        "five to six weeks",
        {"kind": "duration", "low": 5, "high": 6, "unit": "weeks"},
    ),
    (
        "Sciatica is more prevalent in 40-60 year olds.",
        "40-60 year olds",
        {"kind": "age", "low": 40, "high": 60, "unit": "year olds"},
    ),
    (
        "Patients doing 8–12 weekly sessions walk better.",
        "8–12 weekly sessions",
        {"kind": "dose", "low": 8, "high": 12, "unit": "weekly sessions"},
    ),
    (
        "The difference was significant (p < 0.05) in both arms.",
        "p < 0.05",
        {"kind": "p_value", "value": 0.05, "comparator": "<"},
    ),
    (
        "Relapse was more common (95% CI 1.2–3.4) in smokers.",
        "95% CI 1.2–3.4",
        {"kind": "ci", "low": 1.2, "high": 3.4, "unit": "95% CI"},
    ),
    (
        "Smokers had OR 2.1 for relapse.",
        "OR 2.1",
        {"kind": "ratio", "value": 2.1, "unit": "OR"},
    ),
    # proportions, percentages and counts
    (
        "Sciatica affects one in five adults.",
        "one in five adults",
        {"kind": "proportion", "value": 0.2, "subject": "adults"},
    ),
    (
        "Symptoms improved in 8 out of 10 patients.",
        "8 out of 10 patients",
        {"kind": "proportion", "value": 0.8, "subject": "patients"},
    ),
    (
        "It can affect up to 40% of the population.",
        "up to 40% of the population",
        {
            "kind": "percent",
            "value": 40,
            "unit": "%",
            "qualifier": "up_to",
            "subject": "population",
        },
    ),
    (
        "About ~15% of men reported it.",
        "~15% of men",
        {"kind": "percent", "value": 15, "unit": "%", "qualifier": "approx", "subject": "men"},
    ),
    (
        "Insurance now covers it in 32 U.S. states.",
        "32 U.S. states",
        {"kind": "count", "value": 32, "subject": "U.S. states"},
    ),
    (
        "The trial enrolled 1,200 people in Ohio.",
        "1,200 people",
        {"kind": "count", "value": 1200, "subject": "people"},
    ),
    (
        "Back pain affects 2.5 million people a year.",
        "2.5 million people",
        {"kind": "count", "value": 2_500_000, "subject": "people"},
    ),
    (
        "There were twenty-five cases in the clinic.",
        "twenty-five cases",
        {"kind": "count", "value": 25, "subject": "cases"},
    ),
    (
        "Most try *at least two* therapies first.",
        "*at least two* therapies",
        {"kind": "count", "value": 2, "qualifier": "at_least", "subject": "therapies"},
    ),
    (
        "The cohort was small (n = 40) but complete.",
        "n = 40",
        {"kind": "count", "value": 40, "subject": "n"},
    ),
    # durations and ages
    (
        "Pain persisted for a two-week period before recovery.",
        "two-week period",
        {"kind": "duration", "value": 2, "unit": "week", "subject": "period"},
    ),
    (
        "Sciatic nerve crush was performed on seven week old female mice.",
        "seven week old",
        {"kind": "age", "value": 7, "unit": "week old"},
    ),
    (
        "I am a licensed acupuncturist with 12+ years treating pain.",
        "12+ years",
        {"kind": "duration", "value": 12, "unit": "years", "qualifier": "more_than"},
    ),
    (
        "78% report walking >30 mins without limping.",
        ">30 mins",
        {"kind": "duration", "value": 30, "unit": "mins", "qualifier": "more_than"},
    ),
    (
        "If it eases discomfort within 90 seconds, it works.",
        "90 seconds",
        {"kind": "duration", "value": 90, "unit": "seconds"},
    ),
    (
        "Participants had a mean age 54.3 years at entry.",
        "age 54.3 years",
        {"kind": "age", "value": 54.3, "unit": "years"},
    ),
    (
        "We recruited adults aged 40-60 from two clinics.",
        "aged 40-60",
        {"kind": "age", "low": 40, "high": 60},
    ),
    (
        "It is common between 40 and 60 years in men.",
        "between 40 and 60 years",
        {"kind": "duration", "low": 40, "high": 60, "unit": "years"},
    ),
    (
        "He is 45 years old and fit.",
        "45 years old",
        {"kind": "age", "value": 45, "unit": "years old"},
    ),
    (
        "Screening is advised from ≥65 years onwards.",
        "≥65 years",
        {"kind": "duration", "value": 65, "unit": "years", "qualifier": "at_least"},
    ),
    # doses
    (
        "The issue is generally resolved in under 10 sessions.",
        "under 10 sessions",
        {"kind": "dose", "value": 10, "unit": "sessions", "qualifier": "under"},
    ),
    (
        "Give 2.5 mg/kg of the drug by mouth.",
        "2.5 mg/kg",
        {"kind": "dose", "value": 2.5, "unit": "mg/kg"},
    ),
    (
        "Patients took 500 mg twice daily for a month.",
        "500 mg twice daily",
        {"kind": "dose", "value": 500, "unit": "mg"},
    ),
    # scores, changes and ratios
    (
        "Pain fell from 7.2 to 4.1 points on the scale.",
        "7.2 to 4.1 points",
        {"kind": "score", "low": 4.1, "high": 7.2, "unit": "points", "direction": "decrease"},
    ),
    (
        "The drug produced a 25% reduction in pain.",
        "25% reduction",
        {"kind": "percent", "value": 25, "unit": "%", "direction": "decrease"},
    ),
    (
        "Smokers were three times more likely to relapse.",
        "three times more likely",
        {"kind": "ratio", "value": 3, "unit": "times", "direction": "increase"},
    ),
    (
        "Smokers were twice as likely to relapse.",
        "twice as likely",
        {"kind": "ratio", "value": 2, "unit": "twice", "direction": "increase"},
    ),
    (
        "Levels showed a 3-fold increase after treatment.",
        "3-fold increase",
        {"kind": "ratio", "value": 3, "unit": "fold", "direction": "increase"},
    ),
    (
        "The adjusted RR 0.8 favoured treatment.",
        "RR 0.8",
        {"kind": "ratio", "value": 0.8, "unit": "RR"},
    ),
    (
        "Mortality fell (HR 1.5 (95% CI 1.2–3.4)) overall.",
        "HR 1.5",
        {"kind": "ratio", "value": 1.5, "low": 1.2, "high": 3.4, "unit": "HR"},
    ),
    (
        "The odds ratio of 1.9 was robust.",
        "odds ratio of 1.9",
        {"kind": "ratio", "value": 1.9, "unit": "odds ratio"},
    ),
    (
        "All results were significant (p<0.001).",
        "p<0.001",
        {"kind": "p_value", "value": 0.001, "comparator": "<"},
    ),
    (
        "The P-value = .03 was reported.",
        "P-value = .03",
        {"kind": "p_value", "value": 0.03, "comparator": "="},
    ),
    (
        "The trend held (p ≤ 0.01) in adults.",
        "p ≤ 0.01",
        {"kind": "p_value", "value": 0.01, "comparator": "<="},
    ),
    (
        "The survey (n = 1,200) was national.",
        "n = 1,200",
        {"kind": "count", "value": 1200, "subject": "n"},
    ),
    (
        "Take 1-2 tablets every 4-6 hours.",
        "1-2 tablets",
        {"kind": "dose", "low": 1, "high": 2, "unit": "tablets"},
    ),
    (
        "Take no more than 8 tablets a day.",
        "no more than 8 tablets a day",
        {"kind": "dose", "value": 8, "unit": "tablets", "qualifier": "at_most"},
    ),
    (
        "Weight fell by about 3 kg in a year.",
        "about 3 kg",
        {"kind": "number", "value": 3, "unit": "kg", "qualifier": "approx"},
    ),
    (
        "A course costs $500 per patient.",
        "$500",
        {"kind": "number", "value": 500, "unit": "$"},
    ),
]


@pytest.mark.parametrize("sentence, span, expected", TABLE)
def test_statistics_table(extract, sentence, span, expected):
    assert the_statistic(extract, sentence, span) == expected


def test_statistics_abstract_sentence(extract):
    sentence = "Mortality was lower (HR 0.74 (95% CI 0.61–0.89; p = 0.002)) with treatment."
    assert [(text, attrs) for text, _, _, attrs in statistics(extract(sentence))] == [
        ("HR 0.74", {"kind": "ratio", "value": 0.74, "low": 0.61, "high": 0.89, "unit": "HR"}),
        ("95% CI 0.61–0.89", {"kind": "ci", "low": 0.61, "high": 0.89, "unit": "95% CI"}),
        ("p = 0.002", {"kind": "p_value", "value": 0.002, "comparator": "="}),
    ]


NOT_STATISTICS = [
    "The study was published in 2015.",
    "Rates were higher in the 1990s than now.",
    "By Joe| February 26th, 2018|Acupuncture, Research",
    "Posted on 26/02/2018 by the clinic.",
    "Needles were placed at acupoints GB 30 and GB 34.",
    "Press firmly on BL40 behind the knee.",
    "It lowers IL-6 and TNF-α cytokines.",
    "Pain was scored on the NRS-11 scale.",
    "Ev-Based Comp and Alt Med. 2015, p13",
    "Patients with COVID-19 were excluded.",
    "Vitamin B12 and Omega-3 supplements were given.",
    "CD4 counts and H1N1 infections were measured.",
    "1. Take the tablets with water.",
    "Step 2 is the hardest part of it.",
    "See page 13 and pp. 461-473 in vol. 99 of the journal.",
    "Call us on (555) 123-4567 for an appointment.",
    "Doors open at 10:30 and close at 5 pm.",
    "Install version 2.3.1 of the app.",
    "Type 2 diabetes is common in older adults.",
    "One day I felt much better.",
    "One of the best studies was large.",
    "The 1st and 2nd trials agreed.",
    "The review is cited widely (NIH, 2023).",
    "Treatment improved by week 6 in most cases.",
    "The 5G network and 3D imaging were used.",
    "Stafford M. A., 2007, British J of Anaesthesia. 99, (4), 461-473",
]


@pytest.mark.parametrize("sentence", NOT_STATISTICS)
def test_statistics_not_statistics(extract, sentence):
    assert statistics(extract(sentence)) == []


SEED_STATISTICS = {
    "000_3ef94f7409f58d51.txt": ["seven week old", "five to six weeks", "two-week period"],
    "002_0cc050c70e66a9dc.txt": [
        "over 40% of adults",
        "nearly 1 in 3",
        "*at least two* therapies",
        "12+ years",
        "up to 37%",
        "6-Month",
        "10 sessions",
        "4.2 points ↓",
        "−18.5%",
        "22%",
        "0.3%",
        "2.6 points ↓",
        "−11.1%",
        "49%",
        "3.1 points ↓",
        "−9.4%",
        "63%",
        "8–12 weekly sessions",
        "78%",
        ">30 mins",
        "32 U.S. states",
        "90 seconds",
    ],
    "004_184933badd9d9c73.txt": [
        "up to 40% of the population",
        "40-60 year olds",
        "11 randomized controlled trials",
        "962 patients",
        "under 10 sessions",
    ],
}

SEED_CODES = ["GB 30", "GB 34", "BL40", "NRS-11", "IL-6", "p13", "February 26th, 2018"]
SEED_YEARS = ["2015", "2023", "2022", "2007", "2018"]


@pytest.mark.parametrize("name", sorted(SEED_STATISTICS))
def test_statistics_seeds_all_found(seed_records, seed_texts, name):
    found = [r for r in seed_records[name] if r.type == "statistic"]
    assert [r.text for r in found] == SEED_STATISTICS[name]
    text = seed_texts[name]
    for record in found:
        assert text[record.start : record.end] == record.text


@pytest.mark.parametrize("name", sorted(SEED_STATISTICS))
def test_statistics_seeds_codes_and_years_are_not_statistics(seed_records, seed_texts, name):
    text = seed_texts[name]
    found = [(r.start, r.end) for r in seed_records[name] if r.type == "statistic"]
    for code in SEED_CODES + SEED_YEARS:
        start = text.find(code)
        while start != -1:
            end = start + len(code)
            assert not any(s < end and start < e for s, e in found), (code, start)
            start = text.find(code, end)


def test_statistics_skip_numbers_inside_citations(nlp):
    text = "Smith reported 962 patients (Smith 2019, 40 patients) and 12 weeks."
    doc = nlp.make_doc(text)
    for name in ("claimscope_sentences",):
        doc = nlp.get_pipe(name)(doc)
    citation = (text.index("(") + 1, text.index(")"))
    add_claim(doc, "citation", *citation, {"kind": "author_year", "traceable": True})
    doc = nlp.get_pipe("claimscope_statistics")(doc)
    spans = [doc.text[s.start_char : s.end_char] for s in claims_of(doc, "statistic")]
    assert spans == ["962 patients", "12 weeks"]


@pytest.mark.parametrize(
    "written, value",
    [
        ("−18.5", -18.5),
        ("-3", -3),
        ("1,200", 1200),
        ("2.5 million", 2_500_000),
        ("twenty-five", 25),
        ("Five", 5),
        ("two hundred", 200),
        ("three thousand", 3000),
    ],
)
def test_statistics_parse_number(patterns, written, value):
    assert patterns.parse_number(written) == value


@pytest.mark.parametrize(
    "written, expected", [("2015", True), ("1800", True), ("2100", False), ("962", False)]
)
def test_statistics_is_year(written, expected):
    assert is_year(written) is expected


def test_statistics_number_candidates_skip_glued_numbers(patterns):
    text = "BL40, IL-6, p13, −5 and 8–12 or seven"
    spans = [text[s:e] for s, e in number_candidates(text, patterns)]
    assert spans == ["−5", "8", "seven"]


@pytest.mark.parametrize(
    "text, span, attrs",
    [
        ("-5 kg on average", "-5 kg", {"kind": "number", "value": -5.0, "unit": "kg"}),
        (
            "−3.5 points lower than before",
            "−3.5 points lower",
            {"kind": "score", "value": -3.5, "unit": "points", "direction": "decrease"},
        ),
        (
            "40% of adults agreed.",
            "40% of adults",
            {"kind": "percent", "value": 40.0, "unit": "%", "subject": "adults"},
        ),
        (
            "5 patients were seen",
            "5 patients",
            {"kind": "count", "value": 5.0, "subject": "patients"},
        ),
    ],
)
def test_statistics_number_at_text_start(patterns, text, span, attrs):
    # A number opening the text was dropped: the missing character before it counted as a
    # minus sign. It reads as it does after other words.
    assert [s for s, _ in number_candidates(text, patterns)][:1] == [0]
    found = [(text[s.start : s.end], s.start, s.attrs) for s in find_statistics(text, patterns)]
    assert found == [(span, 0, attrs)]
    later = find_statistics("So " + text, patterns)
    assert [(s.start - 3, s.end - 3, s.attrs) for s in later] == [(0, len(span), attrs)]


@pytest.mark.parametrize(
    "text, number, blocked",
    [
        ("acupoints GB 30 and", "30", True),
        ("see p. 13 here", "13", True),
        ("on 26/02/2018 we", "26", True),
        ("at 10:30 today", "10", True),
        ("1. First item", "1", True),
        ("about 30 patients", "30", False),
    ],
)
def test_statistics_blocked_end(patterns, text, number, blocked):
    start = text.index(number)
    assert bool(blocked_end(text, start, start + len(number), patterns)) is blocked


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 .,-−–%<>~+*()/:\n pnOR CI in of to"))))
def test_statistics_spans_are_minimal_and_in_bounds(patterns, text):
    for stat in find_statistics(text, patterns):
        span = text[stat.start : stat.end]
        assert 0 <= stat.start < stat.end <= len(text)
        assert span == span.strip() and "\n" not in span


@pytest.mark.parametrize("text", ["It took 5 mınutes.", "About 3 ſeconds later.", "5 MİNUTES"])
def test_statistics_unit_matched_only_by_case_folding_is_no_unit(patterns, text):
    # re's IGNORECASE matches "mınutes" (dotless ı) to "minutes", but no unit is spelt so:
    # the number stays a plain number instead of the document failing with a KeyError.
    found = find_statistics(text, patterns)
    assert all(s.attrs.get("unit") is None for s in found)
    assert all(text[s.start : s.end].strip() == text[s.start : s.end] for s in found)

"""Sentence and block segmentation of web text."""

from __future__ import annotations

import pytest

from claimscope.pipeline.sentences import unwrap_lines


def _sentences(nlp, text: str) -> list[str]:
    doc = nlp.get_pipe("claimscope_sentences")(nlp.make_doc(text))
    pieces = (text[s.start_char : s.end_char].strip() for s in doc.sents)
    return [piece for piece in pieces if piece]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Heading Without Stop\n\nFirst sentence here. Second one follows.",
            ["Heading Without Stop", "First sentence here.", "Second one follows."],
        ),
        (
            "Application before the development of painful symptoms did\nnot prevent it.",
            ["Application before the development of painful symptoms did\nnot prevent it."],
        ),
        (
            "Qin et al. (2015) compared trials. In it they found relief.",
            ["Qin et al. (2015) compared trials.", "In it they found relief."],
        ),
        (
            "These include:\n\nstimulating nerves.\nreducing inflammation.",
            ["These include:", "stimulating nerves.", "reducing inflammation."],
        ),
        (
            "Therapy Avg. Pain Reduction\nAcupuncture (10 sessions) 4.2 points ↓ 22%\n"
            "NSAIDs + PT 2.6 points ↓ 49%",
            [
                "Therapy Avg. Pain Reduction",
                "Acupuncture (10 sessions) 4.2 points ↓ 22%",
                "NSAIDs + PT 2.6 points ↓ 49%",
            ],
        ),
        ("• 时间:\n• 来源:TCM1st", ["• 时间:", "• 来源:TCM1st"]),
        (
            "Ev-Based Comp and Alt Med. 2015, p13",
            ["Ev-Based Comp and Alt Med. 2015, p13"],
        ),
        (
            "He said “it works.” Then he left! Did it? Yes.",
            ["He said “it works.”", "Then he left!", "Did it?", "Yes."],
        ),
        ("It is covered in 32 U.S. states today.", ["It is covered in 32 U.S. states today."]),
        ("Line one\r\n\r\nLine two.", ["Line one", "Line two."]),
    ],
)
def test_sentences_web_text(nlp, text, expected):
    assert _sentences(nlp, text) == expected


def test_sentences_every_token_is_annotated(nlp):
    doc = nlp.get_pipe("claimscope_sentences")(nlp.make_doc("a b. C d\n\ne"))
    assert all(token.is_sent_start is not None for token in doc)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("five to six\nweeks", "five to six weeks"),
        ("did\r\nnot prevent", "did  not prevent"),
        ("published in the\nJournal of Pain", "published in the Journal of Pain"),
        ("Heading\nNext line", "Heading\nNext line"),
        ("Row one 22%\nNSAIDs 49%", "Row one 22%\nNSAIDs 49%"),
        ("It ended.\nthen more", "It ended.\nthen more"),
        ("These include a\n• bullet", "These include a\n• bullet"),
        ("Para one\n\npara two", "Para one\n\npara two"),
    ],
)
def test_sentences_unwrap_lines_joins_hard_wraps_only(text, expected):
    unwrapped = unwrap_lines(text)
    assert unwrapped == expected
    assert len(unwrapped) == len(text)


def test_sentences_claims_match_across_a_hard_wrap(extract):
    records = extract("Recovery took five to six\nweeks in most patients.")
    stats = [r for r in records if r.type == "statistic"]
    assert [r.text for r in stats] == ["five to six\nweeks"]

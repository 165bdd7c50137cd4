"""Sentence and block segmentation of web text."""

from __future__ import annotations

import pytest

from claimscope.pipeline.sentences import rule_starts, unwrap_lines


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


@pytest.mark.parametrize(
    "text, expected",
    [
        # Closers behind the terminal still end the sentence; the walk-back crosses them all.
        ('She said "it helps.") Then it failed.', ['She said "it helps.")', "Then it failed."]),
        # Abbreviations keep the sentence open; other words before a stop do not.
        ("See e.g. Smith on it. Fig. Two says.", ["See e.g. Smith on it.", "Fig. Two says."]),
        ("Trial no. Three was best.", ["Trial no. Three was best."]),
        ("We saw none. No one improved.", ["We saw none.", "No one improved."]),
        # Only a plain space separates sentences inside a line: tab or no-break space do not.
        ("It ended.\tThen more.", ["It ended.\tThen more."]),
        ("It ended.\u00a0Then more.", ["It ended.\u00a0Then more."]),
        ("It ended.  Then more.", ["It ended.", "Then more."]),
        # A line break before a bullet or after a terminal ends a block, even before lower case.
        ("Benefits of the\n• sleep\n• mood", ["Benefits of the", "• sleep", "• mood"]),
        ("It ended.\nthen more", ["It ended.", "then more"]),
        ("Results of the\n2019 trial", ["Results of the\n2019 trial"]),
        ("Dose 5 mg\n10 mg daily", ["Dose 5 mg", "10 mg daily"]),
        # A lower-case, digit or punctuation start inside a line continues the sentence.
        ("It rose 5. 10 left. why? No one knows.", ["It rose 5. 10 left. why?", "No one knows."]),
        ("Wait... «Non» he said. ¿Qué? Sí.", ["Wait...", "«Non» he said. ¿Qué?", "Sí."]),
        ("  \n\n  Leading space. Then text.  \n", ["Leading space.", "Then text."]),
        ("Emoji 😀. Then text.", ["Emoji 😀.", "Then text."]),
    ],
)  # fmt: skip
def test_sentences_punctuation_and_whitespace(nlp, text, expected):
    assert _sentences(nlp, text) == expected


@pytest.mark.parametrize(
    "text, starts",
    [
        ("", []),
        ("   ", [0]),
        ("One. Two.", [0, 2]),
        ("\n\nA b.\n\nC", [0, 4]),
        ("x\r\n\r\nY", [0, 2]),
    ],
)
def test_sentences_start_tokens(nlp, text, starts):
    doc = nlp.get_pipe("claimscope_sentences")(nlp.make_doc(text))
    assert [token.i for token in doc if token.is_sent_start] == starts
    assert sorted(rule_starts(doc)) == starts


def test_sentences_refresh_a_token_view_made_before_segmentation(nlp):
    from claimscope.pipeline.cues import TokenView

    doc = nlp.make_doc("Pain eased. Sleep improved.")
    assert TokenView.of(doc).sent_starts == [0]  # cached before the sentences are set
    doc = nlp.get_pipe("claimscope_sentences")(doc)
    assert TokenView.of(doc).sent_starts == [0, 3]


@pytest.mark.parametrize(
    "text",
    [
        "Pain eased. Sleep  improved.\n\n• Less pain",
        "x",
        "A b.\r\nC",
        # Starts after line breaks and inside lines together, each once and in order.
        'He said "Stop." Then left.\nNext (see Fig. 2) here.\n\n- one\n- two. Three\n',
        "Dose 5 mg (low).   Then more!\tTab. “Quoted” end? Yes…\n \nLast",
    ],
)
def test_sentences_cache_the_token_columns_of_every_later_component(nlp, text):
    from claimscope.pipeline.cues import TokenView
    from claimscope.pipeline.spans import token_offsets

    doc = nlp.get_pipe("claimscope_sentences")(nlp.make_doc(text))
    view = TokenView.of(doc)
    assert view.lower_hashes == [token.lower for token in doc]
    assert view.space == [int(bool(token.whitespace_)) for token in doc]
    assert view.idx == [token.idx for token in doc]
    assert view.sent_starts == [token.i for token in doc if token.is_sent_start]
    assert token_offsets(doc) == (view.idx, [token.idx + len(token) for token in doc])

"""Tests for claim-level diffs: alignment on hand-built records, then edited seeds end to end."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimscope import diff as claimdiff
from claimscope import extraction, render_diff
from claimscope.cli import app
from claimscope.models import parse_claim
from claimscope.records import fingerprint

SEED_000 = "000_3ef94f7409f58d51.txt"
SEED_002 = "002_0cc050c70e66a9dc.txt"
SEED_004 = "004_184933badd9d9c73.txt"

DEFAULT_ATTRIBUTES = {
    "statistic": {"kind": "percent", "value": 40.0},
    "citation": {"kind": "source_year", "traceable": True},
    "condition": {"normalized": "sciatica", "category": "disease"},
    "effect": {"direction": "decrease", "strength": "causal"},
}


def record(claim_type: str, text: str, start: int, prefix: str = "", suffix: str = "", **attrs):
    """A valid claim record built by hand; attributes default per type, overridden by attrs."""
    flags = attrs.pop("flags", [])
    end = start + len(text)
    return parse_claim(
        {
            "id": f"t#{claim_type}@{start}-{end}",
            "fingerprint": fingerprint(claim_type, text),
            "type": claim_type,
            "text": text,
            "start": start,
            "end": end,
            "start_utf16": start,
            "end_utf16": end,
            "line": 1,
            "column": start + 1,
            "prefix": prefix,
            "suffix": suffix,
            "sentence": {"start": max(0, start - len(prefix)), "end": end + len(suffix)},
            "source": {
                "path": "t",
                "document": "t",
                "sha256": "0" * 64,
                "media_type": "text/plain",
            },
            "links": [],
            "flags": flags,
            "attributes": {**DEFAULT_ATTRIBUTES[claim_type], **attrs},
        }
    )


def statuses(result) -> list[tuple[str, str]]:
    """(status, text) of every change, the text taken from the new record when there is one."""
    return [(c.status, (c.new or c.old).text) for c in result.changes]


def fields_of(change) -> dict:
    return {name: (value.old, value.new) for name, value in change.fields.items()}


# --- pure helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("you're not alone — ", "you're not alone — ", True),
        ("you're not\n  alone —  ", "you're not alone — ", True),  # whitespace only
        ("long context: you're not alone — ", "alone — ", True),  # shorter window
        ("you're not alone — ", "you're not sure — ", False),
        ("", "", True),  # both at document start
        ("", "Title\n\n", False),
    ],
)
def test_diff_prefix_agrees(old, new, expected):
    assert claimdiff.prefix_agrees(old, new) is expected


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (" experience sciatica at least", " experience\nsciatica  at least once", True),
        (" experience sciatica", " suffer from sciatica", False),
    ],
)
def test_diff_suffix_agrees(old, new, expected):
    assert claimdiff.suffix_agrees(old, new) is expected


@pytest.mark.parametrize(
    "sequence, expected",
    [
        ([0, 1, 2, 3], {0, 1, 2, 3}),
        ([3, 4, 0, 1, 2, 5], {2, 3, 4, 5}),  # two items jumped over three: the three stay
        ([1, 0], {1}),
        ([], set()),
    ],
)
def test_diff_in_order_longest_increasing(sequence, expected):
    assert claimdiff.in_order(sequence) == expected


# --- alignment on hand-built records -------------------------------------------------------


def test_diff_identical_records_are_unchanged():
    old = [
        record("statistic", "over 40% of adults", 10, "not alone — ", " experience sciatica"),
        record("condition", "sciatica", 50, "adults experience ", " at least once"),
    ]
    result = claimdiff.diff_records(old, list(old), include_unchanged=True)
    assert statuses(result) == [("unchanged", "over 40% of adults"), ("unchanged", "sciatica")]
    assert not result.differs


def test_diff_offsets_and_whitespace_do_not_count():
    old = [record("effect", "it reduces sciatic\nnerve inflammation", 10, "RCTs confirm ", " by")]
    new = [record("effect", "it reduces sciatic nerve  inflammation", 95, "RCTs  confirm ", " by")]
    result = claimdiff.diff_records(old, new, include_unchanged=True)
    assert statuses(result) == [("unchanged", "it reduces sciatic nerve  inflammation")]


def test_diff_reanchors_changed_statistic_by_context():
    old = [record("statistic", "over 40% of adults", 10, "you're not alone — ", " experience")]
    new = [
        record(
            "statistic", "over 45% of adults", 10, "you're not alone — ", " experience", value=45
        )
    ]
    (change,) = claimdiff.diff_records(old, new).changes
    assert change.status == "changed"
    assert fields_of(change) == {
        "text": ("over 40% of adults", "over 45% of adults"),
        "value": (40.0, 45.0),
    }


def test_diff_fuzzy_pairs_hedged_effect_in_new_context():
    old = [record("effect", "it reduces sciatic nerve inflammation", 10, "RCTs confirm ", " by")]
    new = [
        record(
            "effect",
            "it may reduce sciatic nerve inflammation",
            300,
            "Some trials suggest ",
            ", and",
            strength="conditional",
            hedges=["may"],
        )
    ]
    result = claimdiff.diff_records(old, new)
    (change,) = result.changes
    assert change.status == "changed"
    assert fields_of(change) == {
        "text": (
            "it reduces sciatic nerve inflammation",
            "it may reduce sciatic nerve inflammation",
        ),
        "strength": ("causal", "conditional"),
        "hedges": ([], ["may"]),
    }
    assert result.evidence.model_dump() == {
        "strength_increased": 0,
        "strength_decreased": 1,
        "hedges_added": 1,
        "hedges_removed": 0,
        "citations_added": 0,
        "citations_removed": 0,
        "verdict": "weaker",
    }


def test_diff_dissimilar_texts_are_removed_and_added():
    old = [record("statistic", "over 40% of adults", 10, "alone — ", " experience")]
    new = [record("statistic", "962 patients", 500, "consisting of ", ".", kind="count")]
    result = claimdiff.diff_records(old, new)
    assert statuses(result) == [("removed", "over 40% of adults"), ("added", "962 patients")]
    assert result.differs


def test_diff_never_pairs_different_types():
    old = [record("condition", "sciatica", 10, "for ", " relief")]
    new = [record("effect", "sciatica", 10, "for ", " relief")]
    result = claimdiff.diff_records(old, new)
    assert sorted(c.status for c in result.changes) == ["added", "removed"]


def test_diff_repeated_text_pairs_by_context_then_order():
    old = [
        record("condition", "sciatica", 10, "treating ", " with"),
        record("condition", "sciatica", 60, "chronic ", " that"),
    ]
    new = [
        record("condition", "sciatica", 10, "treating ", " with"),
        record("condition", "sciatica", 35, "suffer from ", " pain"),  # inserted
        record("condition", "sciatica", 85, "chronic ", " that"),
    ]
    result = claimdiff.diff_records(old, new, include_unchanged=True)
    assert [(c.status, c.new.start) for c in result.changes] == [
        ("unchanged", 10),
        ("added", 35),
        ("unchanged", 85),
    ]


def test_diff_repeated_text_prefers_one_agreeing_side_over_order():
    # A sentence inserted before "Treatment of sciatica" changes that claim's prefix only.
    old = [record("condition", "sciatica", 10, "year olds.\n\nTreatment of ", " generally")]
    new = [
        record("condition", "sciatica", 30, "Over 60% of patients with ", " also report"),
        record("condition", "sciatica", 70, "report numbness.\n\nTreatment of ", " generally"),
    ]
    result = claimdiff.diff_records(old, new, include_unchanged=True)
    assert [(c.status, c.new.start) for c in result.changes] == [("added", 30), ("unchanged", 70)]


def test_diff_reordered_claims_are_moved_not_changed():
    a = record("condition", "sciatica", 10, "a ", " b")
    b = record("condition", "leg pain", 40, "c ", " d")
    c = record("condition", "numbness", 70, "e ", " f")
    new = [
        record("condition", "leg pain", 10, "c ", " d"),
        record("condition", "numbness", 40, "e ", " f"),
        record("condition", "sciatica", 70, "a ", " b"),
    ]
    result = claimdiff.diff_records([a, b, c], new, include_unchanged=True)
    assert statuses(result) == [
        ("moved", "sciatica"),
        ("unchanged", "leg pain"),
        ("unchanged", "numbness"),
    ]
    assert not result.differs
    assert result.summary.model_dump() == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "moved": 1,
        "unchanged": 2,
    }


@pytest.mark.parametrize(
    "old_attrs, new_attrs, expected",
    [
        ({"hedges": ["may", "appears"]}, {"hedges": ["appears", "may"]}, {}),  # a set
        ({"negated": False}, {"negated": True}, {"negated": (False, True)}),
        (
            {"direction": "decrease"},
            {"direction": "no_effect"},
            {"direction": ("decrease", "no_effect")},
        ),
        (
            {"intervention": {"text": "acupuncture", "start": 0, "end": 11}},
            {"intervention": {"text": "acupuncture", "start": 90, "end": 101}},
            {},  # a part compares by its text, not its offsets
        ),
        (
            {"intervention": {"text": "acupuncture", "start": 0, "end": 11}},
            {"intervention": {"text": "cupping", "start": 0, "end": 7}},
            {"intervention": ("acupuncture", "cupping")},
        ),
        (
            {"flags": ["uncited"]},
            {"flags": ["uncited", "boosted"]},
            {"flags": (["uncited"], ["uncited", "boosted"])},
        ),
    ],
)
def test_diff_field_changes(old_attrs, new_attrs, expected):
    text = "acupuncture reduces pain"
    old = record("effect", text, 0, "", ".", **old_attrs)
    new = record("effect", text, 5, "Yes. ", ".", **new_attrs)
    assert fields_of_dict(claimdiff.field_changes(old, new)) == expected


def fields_of_dict(fields: dict) -> dict:
    return {name: (value.old, value.new) for name, value in fields.items()}


def test_diff_citation_changes_count_in_evidence():
    old = [
        record("citation", "(JAMA Internal Medicine, 2022)", 10, "cytokines ", ", while"),
        record("citation", "(NIH, 2023)", 80, "relief ", ". As"),
    ]
    new = [
        record("citation", "(NIH, 2023)", 50, "relief ", ". As"),
        record("citation", "Qin et al. (2015)", 90, "conducted by ", ".", kind="author_year"),
    ]
    evidence = claimdiff.diff_records(old, new).evidence
    assert (evidence.citations_added, evidence.citations_removed, evidence.verdict) == (
        1,
        1,
        "mixed",
    )


def test_diff_summary_and_evidence_lines():
    shift = claimdiff.EvidenceShift(strength_decreased=1, hedges_added=1, verdict="weaker")
    assert render_diff.evidence_line(shift) == (
        "evidence weaker: strength ↑0 ↓1, hedges +1 −0, citations +0 −0"
    )
    assert render_diff.summary_line(claimdiff.DiffSummary(changed=1, unchanged=41)) == (
        "1 changed, 0 added, 0 removed, 0 moved, 41 unchanged"
    )


# --- inputs --------------------------------------------------------------------------------


def test_diff_read_claim_records_tells_records_from_documents(tmp_path):
    records = tmp_path / "records.jsonl"
    line = record("condition", "sciatica", 3, "a ", " b").model_dump_json()
    records.write_text(line + "\n\n" + line + "\n", encoding="utf-8")
    documents = tmp_path / "docs.jsonl"
    documents.write_text(json.dumps({"id": "a", "text": "Sciatica hurts."}) + "\n")
    assert len(claimdiff.read_claim_records(records)) == 2
    assert claimdiff.read_claim_records(documents) is None


def test_diff_read_claim_records_rejects_a_bad_later_line(tmp_path):
    records = tmp_path / "records.jsonl"
    line = record("condition", "sciatica", 3).model_dump_json()
    records.write_text(line + "\n{}\n", encoding="utf-8")
    with pytest.raises(claimdiff.DiffInputError, match=r"records.jsonl:2: not a claim record"):
        claimdiff.read_claim_records(records)


# --- edited seeds through the real pipeline ------------------------------------------------


@pytest.fixture
def run(nlp, monkeypatch):
    """run(*args) -> CliRunner result of `claimscope diff ...`, using the session pipeline."""
    monkeypatch.setattr(extraction, "shared_nlp", lambda: nlp)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["diff", *args])

    return invoke


def edited(seed: str, old: str, new: str) -> str:
    assert seed.count(old) == 1, f"edit anchor {old!r} must occur once"
    return seed.replace(old, new)


def write_pair(tmp_path: Path, old_text: str, new_text: str) -> tuple[str, str]:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_bytes(old_text.encode("utf-8"))
    new.write_bytes(new_text.encode("utf-8"))
    return str(old), str(new)


def diff_json(run, old: str, new: str, *options: str):
    result = run(old, new, "--format", "json", *options)
    return result, json.loads(result.stdout)


def test_diff_seed_statistic_value_changed(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_002]
    old, new = write_pair(tmp_path, seed, edited(seed, "over 40% of adults", "over 45% of adults"))
    result, data = diff_json(run, old, new)
    assert result.exit_code == 1
    assert [(c["status"], c["type"]) for c in data["changes"]] == [("changed", "statistic")]
    assert data["changes"][0]["fields"] == {
        "text": {"old": "over 40% of adults", "new": "over 45% of adults"},
        "value": {"old": 40.0, "new": 45.0},
    }
    assert data["summary"]["changed"] == 1
    assert data["summary"]["unchanged"] > 0


def test_diff_seed_hedge_added(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_002]
    new_text = edited(seed, "confirm it reduces sciatic", "confirm it may reduce sciatic")
    result, data = diff_json(run, *write_pair(tmp_path, seed, new_text))
    assert result.exit_code == 1
    (change,) = [c for c in data["changes"] if c["type"] == "effect"]
    assert change["status"] == "changed"
    assert change["old"]["text"] == "it reduces sciatic nerve inflammation"
    assert change["new"]["text"] == "it may reduce sciatic nerve inflammation"
    assert {name: change["fields"][name] for name in ("strength", "hedges")} == {
        "strength": {"old": "causal", "new": "conditional"},
        "hedges": {"old": [], "new": ["may"]},
    }
    assert set(change["fields"]) == {"text", "strength", "hedges"}
    assert [c["type"] for c in data["changes"]] == ["effect"]
    assert data["evidence"]["strength_decreased"] == 1
    assert data["evidence"]["hedges_added"] == 1
    assert data["evidence"]["verdict"] == "weaker"


def test_diff_seed_citation_removed(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_002]
    new_text = edited(seed, " (JAMA Internal Medicine, 2022)", "")
    result, data = diff_json(run, *write_pair(tmp_path, seed, new_text))
    assert result.exit_code == 1
    removed = [c for c in data["changes"] if c["status"] == "removed"]
    assert [(c["type"], c["old"]["text"]) for c in removed] == [
        ("citation", "(JAMA Internal Medicine, 2022)")
    ]
    assert data["summary"]["added"] == 0
    # Removing a citation may change the triage flags of its neighbours, and nothing else.
    others = [c for c in data["changes"] if c["status"] != "removed"]
    assert all(c["status"] == "changed" and set(c["fields"]) == {"flags"} for c in others)
    assert data["evidence"]["citations_removed"] == 1
    assert data["evidence"]["verdict"] == "weaker"


def test_diff_seed_sentence_added(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_004]
    sentence = " Over 60% of patients with sciatica also report numbness."
    anchor = "more prevalent in 40-60 year olds."
    new_text = edited(seed, anchor, anchor + sentence)
    result, data = diff_json(run, *write_pair(tmp_path, seed, new_text))
    assert result.exit_code == 1
    start = new_text.index(sentence) + 1
    added = [c["new"] for c in data["changes"] if c["status"] == "added"]
    assert {c["status"] for c in data["changes"]} == {"added"}
    assert added, "the new sentence's claims are added"
    assert all(start <= r["start"] and r["end"] <= start + len(sentence) for r in added)
    assert ("statistic", "Over 60% of patients") in [(r["type"], r["text"]) for r in added]


def respace(text: str) -> str:
    """Whitespace-only edits: doubled spaces, extra (and space-only) blank lines."""
    return text.replace(". ", ".  ").replace(", ", ",  ").replace("\n\n", "\n \n\n")


def hard_wrap(text: str) -> str:
    """Re-wrap long prose paragraphs at 72 columns (reference-list entries keep their lines)."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        "\n".join(textwrap.wrap(p, width=72, break_long_words=False, break_on_hyphens=False))
        if len(p) > 200 and p.endswith(".")
        else p
        for p in paragraphs
    )


@pytest.mark.parametrize("seed", [SEED_000, SEED_002, SEED_004])
def test_diff_seed_whitespace_edits_change_nothing(run, tmp_path, seed_texts, seed):
    text = seed_texts[seed]
    new_text = respace(text)
    assert new_text != text and new_text.split() == text.split()
    result, data = diff_json(run, *write_pair(tmp_path, text, new_text))
    assert data["changes"] == []
    assert data["summary"]["unchanged"] > 0
    assert result.exit_code == 0


@pytest.mark.parametrize("seed", [SEED_000, SEED_004])
def test_diff_seed_hard_wrap_changes_nothing(run, tmp_path, seed_texts, seed):
    text = seed_texts[seed]
    new_text = hard_wrap(text)
    assert new_text != text and new_text.split() == text.split()
    result, data = diff_json(run, *write_pair(tmp_path, text, new_text))
    assert data["changes"] == []
    assert result.exit_code == 0


def test_diff_seed_paragraph_swap_changes_no_claim(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_004]
    first = seed[seed.index("Sciatica is a condition") : seed.index("\n\nTreatment of sciatica")]
    second = seed[seed.index("Treatment of sciatica") : seed.index("\n\nAcupuncture for Sciatica")]
    new_text = seed.replace(first + "\n\n" + second, second + "\n\n" + first)
    assert new_text != seed
    result, data = diff_json(run, *write_pair(tmp_path, seed, new_text))
    assert {c["status"] for c in data["changes"]} == {"moved"}
    # The shorter paragraph is the one that moved; the longer one kept its order.
    start = seed.index(second)
    assert all(start <= c["old"]["start"] < start + len(second) for c in data["changes"])
    assert data["summary"]["added"] + data["summary"]["removed"] == 0
    assert result.exit_code == 0


def test_diff_seed_file_against_extract_jsonl(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_002]
    old, new = write_pair(tmp_path, seed, edited(seed, "(NIH, 2023)", "(NIH, 2024)"))
    records = tmp_path / "old.jsonl"
    extracted = CliRunner().invoke(app, ["extract", old, "-o", str(records), "--quiet"])
    assert extracted.exit_code == 0
    count = len(records.read_text(encoding="utf-8").splitlines())

    same, data = diff_json(run, old, str(records), "--all")
    assert same.exit_code == 0
    assert data["summary"]["unchanged"] == count
    assert {c["status"] for c in data["changes"]} == ({"unchanged"} if count else set())

    changed, data = diff_json(run, str(records), new)
    assert changed.exit_code == 1
    assert [(c["status"], c["type"]) for c in data["changes"]] == [("changed", "citation")]
    assert data["changes"][0]["fields"] == {
        "text": {"old": "(NIH, 2023)", "new": "(NIH, 2024)"},
        "year": {"old": 2023, "new": 2024},
    }


def test_diff_documents_jsonl_is_extracted_not_read_as_records(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_002]
    documents = tmp_path / "docs.jsonl"
    documents.write_text(json.dumps({"id": "clinic", "text": seed}) + "\n", encoding="utf-8")
    old, _ = write_pair(tmp_path, seed, seed)
    result, data = diff_json(run, str(documents), old)
    assert result.exit_code == 0
    assert data["changes"] == []


def test_diff_folders_pair_by_relative_path(run, tmp_path, seed_texts):
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    (old_dir / "sub").mkdir(parents=True)
    (new_dir / "sub").mkdir(parents=True)
    seed = seed_texts[SEED_002]
    (old_dir / "sub" / "a.txt").write_text(seed, encoding="utf-8")
    (new_dir / "sub" / "a.txt").write_text(
        edited(seed, "(NIH, 2023)", "(NIH, 2024)"), encoding="utf-8"
    )
    (old_dir / "gone.txt").write_text("Acupuncture cures sciatica.", encoding="utf-8")
    (new_dir / "fresh.txt").write_text("Over 60% of adults have back pain.", encoding="utf-8")
    result, data = diff_json(run, str(old_dir), str(new_dir))
    assert result.exit_code == 1
    assert data["removed_documents"] == ["gone.txt"]
    assert data["added_documents"] == ["fresh.txt"]
    by_new = {Path(d["new"]).name if d["new"] else None: d for d in data["documents"]}
    assert set(by_new) == {"fresh.txt", None, "a.txt"}
    assert by_new[None]["old"].endswith("gone.txt")
    assert [c["status"] for c in by_new["a.txt"]["changes"]] == ["changed"]
    lines = run(str(old_dir), str(new_dir), "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["status"] for line in lines] == [
        c["status"] for d in data["documents"] for c in d["changes"]
    ]


def test_diff_human_view_is_plain_when_piped(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_002]
    result = run(*write_pair(tmp_path, seed, edited(seed, "(NIH, 2023)", "(NIH, 2024)")))
    assert result.exit_code == 1
    assert "\x1b[" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ")
    assert "citation" in lines
    assert "      year: 2023 → 2024" in lines
    assert lines[-1].startswith("evidence ")
    assert ", 0 moved, " in lines[-2]


@pytest.mark.parametrize(
    "make_old, reason",
    [
        (lambda tmp: str(tmp / "missing.txt"), "no such file or directory"),
        (lambda tmp: _write(tmp / "x.pdf", b"%PDF-1.4 binary"), "binary file (PDF document)"),
        (
            lambda tmp: _write(tmp / "bad.jsonl", b'{"id": "t#x", "type": "effect"}\n'),
            "'text' field",
        ),
    ],
)
def test_diff_trouble_exits_2_with_one_line(run, tmp_path, make_old, reason):
    new = _write(tmp_path / "new.txt", b"Acupuncture cures sciatica.")
    result = run(make_old(tmp_path), new)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("claimscope: ") and reason in result.stderr
    assert "Traceback" not in result.stderr


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_diff_types_option_keeps_only_those_types(run, tmp_path, seed_texts):
    seed = seed_texts[SEED_002]
    new_text = edited(edited(seed, "(NIH, 2023)", "(NIH, 2024)"), "over 40%", "over 45%")
    old, new = write_pair(tmp_path, seed, new_text)
    result, data = diff_json(run, old, new, "--types", "citation", "--all")
    assert result.exit_code == 1
    assert {c["type"] for c in data["changes"]} == {"citation"}
    assert [c["status"] for c in data["changes"] if c["status"] != "unchanged"] == ["changed"]


def test_diff_folder_with_unreadable_file_reports_it_and_exits_2(run, tmp_path):
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    (old_dir / "a.txt").write_text("Sciatica is common (NIH, 2023).", encoding="utf-8")
    (new_dir / "a.txt").write_text("Sciatica is common.", encoding="utf-8")
    (new_dir / "scan.pdf").write_bytes(b"%PDF-1.4 binary")
    result = run(str(old_dir), str(new_dir), "--format", "jsonl")
    assert result.exit_code == 2
    assert [json.loads(line)["status"] for line in result.stdout.splitlines()] == ["removed"]
    assert result.stderr.splitlines() == [
        f"claimscope: {new_dir / 'scan.pdf'}: binary file (PDF document), not text"
    ]


def test_diff_document_jsonl_pairs_with_its_extract_records_by_id(run, tmp_path, seed_texts):
    lines = [json.dumps({"id": name, "text": seed_texts[name]}) for name in (SEED_002, SEED_004)]
    documents = tmp_path / "docs.jsonl"
    documents.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = tmp_path / "records.jsonl"
    assert CliRunner().invoke(app, ["extract", str(documents), "-o", str(records)]).exit_code == 0
    edited_docs = tmp_path / "edited.jsonl"
    edited_docs.write_text(
        edited("\n".join(lines), "(NIH, 2023)", "(NIH, 2024)") + "\n", encoding="utf-8"
    )
    result, data = diff_json(run, str(records), str(edited_docs))
    assert result.exit_code == 1
    assert data["added_documents"] == data["removed_documents"] == []
    assert [(d["old"], d["new"], len(d["changes"])) for d in data["documents"]] == [
        (f"{documents}#{SEED_002}", f"{edited_docs}#{SEED_002}", 1),
        (f"{documents}#{SEED_004}", f"{edited_docs}#{SEED_004}", 0),
    ]


def test_diff_reads_its_own_jsonl_with_line_separators_inside_strings(run, tmp_path):
    text = "Acupuncture reduces sciatic\u2028nerve pain in 40% of adults.\u0085 More text."
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    extracted = CliRunner().invoke(app, ["extract", str(article)])
    assert extracted.exit_code == 0
    assert "\u2028" in extracted.stdout  # pydantic writes it raw inside JSON strings
    records = tmp_path / "a.jsonl"
    records.write_text(extracted.stdout, encoding="utf-8")
    result, data = diff_json(run, str(records), str(article), "--all")
    statuses = [change["status"] for change in data["changes"]]
    assert statuses == ["unchanged"] * extracted.stdout.count("\n")
    assert len(statuses) >= 3
    assert result.exit_code == 0

"""The record contract: schema in sync with the models, strict validation."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from pydantic import ValidationError

from claimscope.models import claim_json_schema, parse_claim


def _record(**changes) -> dict:
    record = {
        "id": "a.txt#statistic@0-3",
        "fingerprint": "0123456789abcdef",
        "type": "statistic",
        "text": "40%",
        "start": 0,
        "end": 3,
        "start_utf16": 0,
        "end_utf16": 3,
        "line": 1,
        "column": 1,
        "prefix": "",
        "suffix": " of adults",
        "sentence": {"start": 0, "end": 13},
        "source": {"path": "a.txt", "document": "a.txt", "sha256": "x", "media_type": "text/plain"},
        "attributes": {"kind": "percent", "value": 40, "unit": "%"},
    }
    record.update(changes)
    return record


def test_models_committed_schema_matches_models():
    committed = json.loads((ROOT / "claims_schema.json").read_text(encoding="utf-8"))
    hint = "regenerate with: claimscope schema -o claims_schema.json"
    assert committed == claim_json_schema(), hint


def test_models_type_selects_attribute_model():
    claim = parse_claim(_record())
    assert type(claim).__name__ == "StatisticClaim"
    assert claim.attributes.value == 40.0
    assert parse_claim(claim.model_dump_json()) == claim


@pytest.mark.parametrize(
    "changes",
    [
        {"type": "sentiment"},
        {"surprise": 1},
        {"attributes": {"kind": "percent", "value": 40, "colour": "red"}},
        {"type": "citation"},  # statistic attributes do not validate as a citation
        {"flags": ["made_up"]},
        {"line": 0},
        {"end": 4},  # the text "40%" has three code points
        {"start": 3, "end": 0},
        {"end_utf16": 0, "start_utf16": 3},
    ],
)
def test_models_reject_invalid_records(changes):
    with pytest.raises(ValidationError):
        parse_claim(_record(**changes))

"""Claim records to JSON text: the one JSON line format of every writer and worker.

Extraction builds records as plain dicts (records.doc_to_dicts) holding every field of their
model in the model's order, so the standard library's encoder writes exactly what
``model_dump_json()`` would, at a fraction of the cost of validating a model per claim.
Tests compare both on every seed and fuzzed record.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def record_json(record: dict[str, Any] | BaseModel) -> str:
    """One record (a plain dict or a model) as compact JSON, without a newline."""
    if isinstance(record, BaseModel):
        return record.model_dump_json()
    return _ENCODER.encode(record)

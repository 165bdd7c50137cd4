"""The public Python API in claimscope/__init__.py."""

from __future__ import annotations

import claimscope


def test_api_extract_text_returns_typed_records():
    records = claimscope.extract_text("Acupuncture may reduce sciatic nerve pain by up to 37%.")
    assert [(r.type, r.text) for r in records] == [
        ("effect", "Acupuncture may reduce sciatic nerve pain"),
        ("condition", "sciatic nerve pain"),
        ("statistic", "up to 37%"),
    ]
    effect = records[0]
    assert isinstance(effect, claimscope.EffectClaim)
    assert (effect.attributes.strength, effect.attributes.hedges) == ("conditional", ["may"])


def test_api_diff_module_is_not_shadowed():
    import claimscope.diff

    assert callable(claimscope.diff.align)


def test_api_diff_reports_a_softened_claim_and_a_changed_number(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("Acupuncture reduces pain in 40% of adults.", encoding="utf-8")
    new.write_text("Acupuncture may reduce pain in 45% of adults.", encoding="utf-8")
    result = claimscope.diff_paths(str(old), str(new))
    assert (result.summary.changed, result.summary.added, result.summary.removed) == (2, 0, 0)
    fields = {change.type: change.fields for change in result.changes}
    assert fields["effect"]["strength"].old == "causal"
    assert fields["effect"]["strength"].new == "conditional"
    assert (fields["statistic"]["value"].old, fields["statistic"]["value"].new) == (40, 45)


def test_api_extract_streams_records_of_paths(tmp_path):
    (tmp_path / "a.txt").write_text("Over 40% of adults have sciatica.", encoding="utf-8")
    records = list(claimscope.extract([str(tmp_path)]))
    assert [r.text for r in records] == ["Over 40% of adults", "sciatica"]


def test_api_unknown_claim_type_is_an_error_not_an_empty_result():
    import pytest

    with pytest.raises(ValueError, match="unknown claim type effects"):
        claimscope.extract_text("Acupuncture reduces pain.", types=["effects"])

"""claimscope: extract evidence claims from health articles as span-pinned JSON records.

>>> from claimscope import extract_text
>>> [r.type for r in extract_text("Over 40% of adults have sciatica.")]  # doctest: +SKIP
['statistic', 'condition']

Heavy modules (spaCy) load on first use, so importing claimscope stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .documents import Document, LoadError, iter_documents
    from .models import (
        CitationClaim,
        Claim,
        ConditionClaim,
        EffectClaim,
        StatisticClaim,
        claim_json_schema,
        parse_claim,
    )

# Public names loaded on first use: the CLI imports this package, and building the pydantic
# models takes about as long as the rest of `claimscope --help`.
_LAZY = {
    "Document": "documents",
    "LoadError": "documents",
    "iter_documents": "documents",
    "CitationClaim": "models",
    "Claim": "models",
    "ConditionClaim": "models",
    "EffectClaim": "models",
    "StatisticClaim": "models",
    "claim_json_schema": "models",
    "parse_claim": "models",
}

__version__ = "0.1.0"

__all__ = [
    "CitationClaim",
    "Claim",
    "ConditionClaim",
    "Document",
    "EffectClaim",
    "LoadError",
    "StatisticClaim",
    "__version__",
    "build_nlp",
    "claim_json_schema",
    "diff_paths",
    "diff_records",
    "extract",
    "extract_text",
    "iter_documents",
    "parse_claim",
]


def extract(paths: list[str], types: list[str] | None = None) -> Any:
    """Yield the claim records of files, folders or '-' (stdin); unreadable inputs are skipped."""
    from .extraction import extract_paths

    return extract_paths(paths, types=types)


def extract_text(text: str, path: str = "<text>", types: list[str] | None = None) -> list[Any]:
    """The claim records of one text."""
    from .extraction import extract_text as _extract_text

    return _extract_text(text, path=path, types=types)


def build_nlp() -> Any:
    """The claimscope spaCy pipeline (blank English + rule components)."""
    from .pipeline import build_nlp as _build_nlp

    return _build_nlp()


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'claimscope' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def diff_paths(old: str, new: str, include_unchanged: bool = False) -> Any:
    """Compare the claims of two versions (files, folders or extract JSONL): a ClaimDiff.

    For folders, a FolderDiff with one ClaimDiff per paired document. Inputs that could not
    be read raise ``claimscope.diff.DiffInputError``. (The module ``claimscope.diff`` holds
    the alignment itself; a function of the same name would shadow it.)
    """
    from .diff import diff_paths as _diff_paths

    result, _skipped = _diff_paths(old, new, include_unchanged=include_unchanged)
    return result


def diff_records(old: list[Any], new: list[Any]) -> Any:
    """Compare two lists of claim records of one document: a ClaimDiff."""
    from .diff import diff_records as _diff_records

    return _diff_records(old, new)

"""Shared fixtures: one claimscope pipeline per test session, and the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimscope.documents import Document
from claimscope.extraction import extract_documents
from claimscope.pipeline import build_nlp

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def nlp():
    return build_nlp()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Seed file name -> text exactly as on disk (no newline translation)."""
    return {path.name: path.read_bytes().decode("utf-8") for path in SEED_FILES}


@pytest.fixture(scope="session")
def seed_records(nlp, seed_texts) -> dict[str, list]:
    """Seed file name -> its claim records."""
    documents = [Document(id=name, path=name, text=text) for name, text in seed_texts.items()]
    return {doc.id: records for doc, records in extract_documents(documents, nlp=nlp)}


@pytest.fixture
def extract(nlp):
    """extract(text) -> records of one text, through the full pipeline."""

    def run(text: str, types: list[str] | None = None) -> list:
        document = Document(id="t", path="t", text=text)
        return next(extract_documents([document], types=types, nlp=nlp))[1]

    return run

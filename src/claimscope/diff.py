"""Claim-level diff of two versions of an article: align claims, classify them, list field changes.

Alignment runs in three passes, each over the claims the earlier passes left unpaired:

1. **Fingerprint**: claims with the same fingerprint (type + whitespace/case-normalised text).
   Repeated texts (``sciatica`` twenty times) are paired first where their quote contexts
   agree, then in document order.
2. **Re-anchoring** (W3C Web Annotation ``TextQuoteSelector`` style): a claim whose text
   changed but whose ``prefix`` and ``suffix`` still agree (compared with all whitespace
   removed and case folded) is the same claim edited in place.
3. **Fuzzy**: claims of the same type whose normalised texts score at least
   ``FUZZY_THRESHOLD`` (the larger of rapidfuzz ``ratio`` and ``token_sort_ratio``, 0-100);
   the best score wins, ties go to the closest position.

Each pair then gets a status. ``changed``: a compared field differs (see ``field_changes``;
offsets, ids, line/column, prefix/suffix, sentence, source and links are never compared,
so whitespace reflow changes nothing). ``moved``: no field differs but the claim left the
longest run of pairs that kept their relative order (a longest increasing subsequence), so
a paragraph swap moves the smaller paragraph's claims and changes nothing else.
``unchanged``: neither. Unpaired claims are ``added`` or ``removed``.

The result models live in models.py, input loading in diff_inputs.py, and the writers and the
terminal view in render_diff.py.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from .diff_inputs import DiffInputError as DiffInputError
from .diff_inputs import Side as Side
from .diff_inputs import load_side as load_side
from .diff_inputs import read_claim_records as read_claim_records
from .documents import DEFAULT_MAX_BYTES, LoadError
from .models import CLAIM_TYPES
from .models import STATUSES as STATUSES
from .models import ChangeRecord as ChangeRecord
from .models import ClaimDiff as ClaimDiff
from .models import DiffSummary as DiffSummary
from .models import EvidenceShift as EvidenceShift
from .models import FieldChange as FieldChange
from .models import FolderDiff as FolderDiff
from .models import Status as Status

FUZZY_THRESHOLD = 80.0
"""Minimum rapidfuzz score (0-100) for pairing two same-type claims by text similarity."""

ANCHOR_CONTEXT = 16
"""Characters of prefix/suffix (whitespace removed) that must agree to re-anchor a claim."""

ANCHOR_MIN_SIMILARITY = 50.0
"""Text similarity needed to re-anchor when only one side of the context agrees."""

STRENGTH_ORDER = {"none": 0, "correlational": 1, "conditional": 2, "causal": 3}

# Compared as sets: the order cues or flags were found in is not a change.
SET_FIELDS = frozenset({"flags", "hedges", "boosters"})
# Record ids embed offsets, so a resolved citation's target id moves with any edit.
IGNORED_ATTRIBUTES = frozenset({"resolved_to"})

_WHITESPACE = re.compile(r"\s+")
_TYPE_ORDER = {name: i for i, name in enumerate(CLAIM_TYPES)}


# --- alignment -----------------------------------------------------------------------------


def normal_text(text: str) -> str:
    """Text as the fingerprint sees it: whitespace runs folded to one space, case folded."""
    return _WHITESPACE.sub(" ", text).strip().casefold()


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Text with all whitespace removed and case folded, for comparing quote contexts."""
    return _WHITESPACE.sub("", text).casefold()


def prefix_agrees(old: str, new: str, length: int = ANCHOR_CONTEXT) -> bool:
    """True when the ends of two prefixes agree (whitespace ignored), over up to ``length``."""
    a, b = squash(old), squash(new)
    n = min(len(a), len(b), length)
    if n == 0:
        return not a and not b
    return a[-n:] == b[-n:]


def suffix_agrees(old: str, new: str, length: int = ANCHOR_CONTEXT) -> bool:
    """True when the starts of two suffixes agree (whitespace ignored), over up to ``length``."""
    a, b = squash(old), squash(new)
    n = min(len(a), len(b), length)
    if n == 0:
        return not a and not b
    return a[:n] == b[:n]


def text_similarity(old: str, new: str) -> float:
    """Similarity of two claim texts, 0-100: max of rapidfuzz ratio and token_sort_ratio."""
    from rapidfuzz import fuzz

    a, b = normal_text(old), normal_text(new)
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


Pair = tuple[Any | None, Any | None]


def align(old: Sequence[Any], new: Sequence[Any]) -> list[Pair]:
    """Pair old and new claim records; unpaired ones come back as (old, None) / (None, new).

    Pairs are returned in old-document order, with added claims inserted by position.
    """
    old_left, new_left = set(range(len(old))), set(range(len(new)))
    matches: dict[int, int] = {}
    for step in (_pair_fingerprints, _pair_anchors, _pair_fuzzy):
        for i, j in step(old, new, sorted(old_left), sorted(new_left)):
            matches[i] = j
            old_left.discard(i)
            new_left.discard(j)
    pairs: list[tuple[tuple, Pair]] = [
        ((*_position(old[i]), 1), (old[i], new[matches[i]] if i in matches else None))
        for i in range(len(old))
    ]
    pairs += [(_added_position(new[j], old, new, matches), (None, new[j])) for j in new_left]
    pairs.sort(key=lambda item: item[0])
    return [pair for _, pair in pairs]


def _position(record: Any) -> tuple:
    return (record.start, record.end, _TYPE_ORDER.get(record.type, 99))


def _added_position(record: Any, old: Sequence[Any], new: Sequence[Any], matches: dict) -> tuple:
    """Sort key placing an added claim just after the old claim paired with its nearest new
    predecessor (or just before the first paired claim; after everything when none is)."""
    here = _position(record)
    before = [(_position(new[j]), i) for i, j in matches.items() if _position(new[j]) < here]
    if before:
        return (*_position(old[max(before)[1]]), 2, record.start)
    if matches:
        return (*_position(old[min(matches)]), 0, record.start)
    return (float("inf"), 0, 0, 0, record.start)


def _pair_fingerprints(old, new, old_left, new_left) -> Iterable[tuple[int, int]]:
    """Pass 1: equal fingerprints. Repeats pair where both sides of their quote context agree,
    then where one side does (an edit next to a claim changes the other), then in order."""
    by_print: dict[str, list[int]] = defaultdict(list)
    for j in new_left:
        by_print[new[j].fingerprint].append(j)
    groups: dict[str, list[int]] = defaultdict(list)
    for i in old_left:
        groups[old[i].fingerprint].append(i)
    for key, olds in groups.items():
        news = by_print.get(key, [])
        for level in (2, 1):
            if not olds or not news:
                break
            pairs = list(_pair_by_context(old, new, olds, news, level))
            yield from pairs
            olds = [i for i in olds if i not in {p[0] for p in pairs}]
            news = [j for j in news if j not in {p[1] for p in pairs}]
        yield from zip(olds, news, strict=False)


def _pair_by_context(old, new, olds, news, level: int) -> Iterable[tuple[int, int]]:
    """Pair each old record, in order, with the first free new one whose context agrees on
    ``level`` sides."""
    taken: set[int] = set()
    for i in olds:
        j = next(
            (j for j in news if j not in taken and _context_agrees(old[i], new[j]) == level),
            None,
        )
        if j is not None:
            taken.add(j)
            yield i, j


def _context_agrees(a: Any, b: Any) -> int:
    """How many sides of the quote context (prefix, suffix) of two records agree: 0-2."""
    return int(prefix_agrees(a.prefix, b.prefix)) + int(suffix_agrees(a.suffix, b.suffix))


def _pair_anchors(old, new, old_left, new_left) -> Iterable[tuple[int, int]]:
    """Pass 2: re-anchor by quote context: same type, prefix and suffix agree (or one does
    and the texts are still fairly similar). Candidates come from an index on the context
    ends, so this stays near-linear on long documents."""
    index: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    short: dict[str, list[int]] = defaultdict(list)  # contexts too short to index
    for j in new_left:
        keys = _context_keys(new[j])
        if keys is None:
            short[new[j].type].append(j)
        else:
            index[(new[j].type, "prefix", keys[0])].append(j)
            index[(new[j].type, "suffix", keys[1])].append(j)
    taken: set[int] = set()
    for i in old_left:
        record = old[i]
        keys = _context_keys(record)
        if keys is None:
            candidates = [j for j in new_left if new[j].type == record.type]
        else:
            candidates = [
                *index.get((record.type, "prefix", keys[0]), ()),
                *index.get((record.type, "suffix", keys[1]), ()),
                *short.get(record.type, ()),
            ]
        best = _best_anchor(record, new, [j for j in candidates if j not in taken])
        if best is not None:
            taken.add(best)
            yield i, best


def _context_keys(record: Any) -> tuple[str, str] | None:
    """The indexable ends of a record's quote context, or None when either is too short."""
    prefix, suffix = squash(record.prefix), squash(record.suffix)
    if min(len(prefix), len(suffix)) < ANCHOR_CONTEXT:
        return None
    return prefix[-ANCHOR_CONTEXT:], suffix[:ANCHOR_CONTEXT]


def _best_anchor(record: Any, new: Sequence[Any], candidates: Iterable[int]) -> int | None:
    best: tuple | None = None
    for j in set(candidates):
        sides = _context_agrees(record, new[j])
        if sides == 0:
            continue
        similarity = text_similarity(record.text, new[j].text)
        if sides == 1 and similarity < ANCHOR_MIN_SIMILARITY:
            continue
        key = (sides, similarity, -abs(record.start - new[j].start), -j)
        if best is None or key > best[0]:
            best = (key, j)
    return None if best is None else best[1]


def _pair_fuzzy(old, new, old_left, new_left) -> Iterable[tuple[int, int]]:
    """Pass 3: same-type texts scoring at least FUZZY_THRESHOLD; best score, then nearest."""
    import numpy as np
    from rapidfuzz import fuzz, process

    candidates = []
    for claim_type in CLAIM_TYPES:
        olds = [i for i in old_left if old[i].type == claim_type]
        news = [j for j in new_left if new[j].type == claim_type]
        if not olds or not news:
            continue
        a = [normal_text(old[i].text) for i in olds]
        b = [normal_text(new[j].text) for j in news]
        scores = np.maximum(
            process.cdist(a, b, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD),
            process.cdist(a, b, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD),
        )
        for x, y in zip(*np.nonzero(scores >= FUZZY_THRESHOLD), strict=True):
            i, j = olds[x], news[y]
            candidates.append((-float(scores[x, y]), abs(old[i].start - new[j].start), i, j))
    candidates.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, _, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            yield i, j


def in_order(sequence: Sequence[Any]) -> set[int]:
    """Indices of one longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[Any] = []
    tail_index: list[int] = []
    previous = [-1] * len(sequence)
    for index, item in enumerate(sequence):
        slot = bisect_left(tails, item)
        if slot == len(tails):
            tails.append(item)
            tail_index.append(index)
        else:
            tails[slot] = item
            tail_index[slot] = index
        previous[index] = tail_index[slot - 1] if slot else -1
    kept: set[int] = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept


# --- field changes -------------------------------------------------------------------------


def field_changes(old: Any, new: Any) -> dict[str, FieldChange]:
    """Changed fields of two paired records: text, flags and every attribute.

    Not compared: id, fingerprint, offsets, line/column, prefix/suffix, sentence, source and
    links (they move with any edit), nor a citation's resolved_to (an id). Text is compared
    as the fingerprint normalises it; an effect's intervention/outcome/comparator by text.
    """
    changes: dict[str, FieldChange] = {}
    if normal_text(old.text) != normal_text(new.text):
        changes["text"] = FieldChange(old=old.text, new=new.text)
    if _comparable("flags", old.flags) != _comparable("flags", new.flags):
        changes["flags"] = FieldChange(old=list(old.flags), new=list(new.flags))
    old_attrs, new_attrs = old.attributes.model_dump(), new.attributes.model_dump()
    for name in old_attrs.keys() | new_attrs.keys():
        if name in IGNORED_ATTRIBUTES:
            continue
        a, b = old_attrs.get(name), new_attrs.get(name)
        if _comparable(name, a) != _comparable(name, b):
            changes[name] = FieldChange(old=_shown(a), new=_shown(b))
    order = {name: i for i, name in enumerate(["text", "flags", *old_attrs])}
    return dict(sorted(changes.items(), key=lambda item: order.get(item[0], 99)))


def _comparable(name: str, value: Any) -> Any:
    """A value as compared: whitespace runs in strings folded (a reflowed venue is the same
    venue), a TextSpan by its text, cue and flag lists as sorted lists."""
    if isinstance(value, dict) and "text" in value and "start" in value:
        return normal_text(value["text"])
    if isinstance(value, str):
        return _WHITESPACE.sub(" ", value).strip()
    if isinstance(value, list):
        items = [_comparable(name, item) for item in value]
        return sorted(items, key=repr) if name in SET_FIELDS else items
    if isinstance(value, dict):
        return {key: _comparable(key, item) for key, item in value.items()}
    return value


def _shown(value: Any) -> Any:
    """A TextSpan is shown by its text; everything else as is."""
    if isinstance(value, dict) and "text" in value and "start" in value:
        return value["text"]
    return value


# --- diffing -------------------------------------------------------------------------------


def classify(pairs: Sequence[Pair]) -> list[ChangeRecord]:
    """A ChangeRecord per pair, in the order given."""
    matched = [k for k, (a, b) in enumerate(pairs) if a is not None and b is not None]
    steady = in_order([_position(pairs[k][1]) for k in matched])
    kept = {matched[k] for k in steady}
    records = []
    for k, (a, b) in enumerate(pairs):
        if a is None:
            records.append(ChangeRecord(status="added", type=b.type, new=b))
        elif b is None:
            records.append(ChangeRecord(status="removed", type=a.type, old=a))
        else:
            fields = field_changes(a, b)
            status = "changed" if fields else ("unchanged" if k in kept else "moved")
            records.append(ChangeRecord(status=status, type=a.type, old=a, new=b, fields=fields))
    return records


def evidence_shift(changes: Iterable[ChangeRecord]) -> EvidenceShift:
    """Count strength moves and hedge changes of paired effects, and citations added/removed."""
    counts: Counter[str] = Counter()
    for change in changes:
        if change.type == "citation" and change.status in ("added", "removed"):
            counts[f"citations_{change.status}"] += 1
        if change.type != "effect" or change.status != "changed":
            continue
        strength = change.fields.get("strength")
        if strength is not None:
            step = STRENGTH_ORDER[strength.new] - STRENGTH_ORDER[strength.old]
            if step:
                counts["strength_increased" if step > 0 else "strength_decreased"] += 1
        hedges = change.fields.get("hedges")
        if hedges is not None:
            old, new = Counter(hedges.old), Counter(hedges.new)
            counts["hedges_added"] += sum((new - old).values())
            counts["hedges_removed"] += sum((old - new).values())
    return _with_verdict(counts)


def _with_verdict(counts: Counter[str]) -> EvidenceShift:
    up = counts["strength_increased"] + counts["hedges_removed"] + counts["citations_added"]
    down = counts["strength_decreased"] + counts["hedges_added"] + counts["citations_removed"]
    if up and down:
        verdict = "mixed"
    elif up or down:
        verdict = "stronger" if up else "weaker"
    else:
        verdict = "unchanged"
    return EvidenceShift(**counts, verdict=verdict)


def diff_records(
    old: Sequence[Any],
    new: Sequence[Any],
    old_source: str | None = None,
    new_source: str | None = None,
    include_unchanged: bool = False,
) -> ClaimDiff:
    """Diff the claim records of two versions of one document."""
    records = classify(align(old, new))
    summary = DiffSummary(**Counter(record.status for record in records))
    shown = [r for r in records if include_unchanged or r.status != "unchanged"]
    return ClaimDiff(
        old=old_source,
        new=new_source,
        summary=summary,
        evidence=evidence_shift(records),
        changes=shown,
    )


# --- pairing documents ---------------------------------------------------------------------


def diff_sides(old: Side, new: Side, include_unchanged: bool = False) -> ClaimDiff | FolderDiff:
    """Pair the documents of two sides and diff each pair.

    Two single documents pair with each other whatever their names (so do a file and a
    one-document folder or record file); otherwise documents pair by key (relative path or
    JSONL id), and the rest are added or removed documents.
    """
    if (old.single or new.single) and max(len(old.documents), len(new.documents)) <= 1:
        (old_src, old_recs), (new_src, new_recs) = _only(old), _only(new)
        return diff_records(old_recs, new_recs, old_src, new_src, include_unchanged)
    documents = []
    for key in sorted(old.documents.keys() | new.documents.keys()):
        old_src, old_recs = old.documents.get(key, (None, []))
        new_src, new_recs = new.documents.get(key, (None, []))
        documents.append(diff_records(old_recs, new_recs, old_src, new_src, include_unchanged))
    return FolderDiff(
        old=old.path,
        new=new.path,
        summary=DiffSummary(**{s: sum(getattr(d.summary, s) for d in documents) for s in STATUSES}),
        evidence=_total_evidence([d.evidence for d in documents]),
        added_documents=sorted(new.documents.keys() - old.documents.keys()),
        removed_documents=sorted(old.documents.keys() - new.documents.keys()),
        documents=documents,
    )


def _only(side: Side) -> tuple[str, list[Any]]:
    return next(iter(side.documents.values()), (side.path, []))


def _total_evidence(shifts: list[EvidenceShift]) -> EvidenceShift:
    names = [name for name in EvidenceShift.model_fields if name != "verdict"]
    return _with_verdict(Counter({name: sum(getattr(s, name) for s in shifts) for name in names}))


def diff_paths(
    old: str,
    new: str,
    include_unchanged: bool = False,
    types: Iterable[str] | None = None,
    nlp: Any = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[ClaimDiff | FolderDiff, list[LoadError]]:
    """Diff two inputs (files, folders, '-' or extract JSONL); also return skipped inputs.

    Raises DiffInputError when a side cannot be read at all.
    """
    old_side = load_side(old, types, nlp, max_bytes)
    new_side = load_side(new, types, nlp, max_bytes)
    result = diff_sides(old_side, new_side, include_unchanged)
    return result, old_side.errors + new_side.errors

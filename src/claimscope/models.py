"""Pydantic models of a claim record: the contract every consumer of claimscope relies on.

The JSON Schema published as ``claims_schema.json`` is generated from these models
(``claimscope schema``); never edit that file by hand. The diff result models at the end
(``ClaimDiff`` and its parts) are what ``claimscope diff`` returns; they are not in that schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

CLAIM_TYPES: tuple[str, ...] = ("statistic", "citation", "condition", "effect")

Flag = Literal["uncited", "untraceable_source", "animal_evidence", "anecdotal", "advice", "boosted"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextSpan(_Frozen):
    """A piece of the document text, e.g. the intervention of an effect."""

    text: str = Field(description="The exact text, equal to document[start:end].")
    start: int = Field(ge=0, description="Start offset in code points.")
    end: int = Field(ge=0, description="End offset in code points (exclusive).")


class SentenceSpan(_Frozen):
    """The sentence (or block: heading, bullet, table row) a claim sits in."""

    start: int = Field(ge=0, description="Start offset of the sentence in code points.")
    end: int = Field(ge=0, description="End offset of the sentence in code points (exclusive).")


class Source(_Frozen):
    """Where the document came from."""

    path: str = Field(description="The input path as given ('-' for stdin).")
    document: str = Field(
        description="Document id: the path for files, the 'id' field for JSONL lines."
    )
    sha256: str = Field(description="SHA-256 of the loaded text (UTF-8), which offsets refer to.")
    media_type: str = Field(description="Media type of the input, e.g. text/plain, text/html.")


# --- per-type attributes -------------------------------------------------------------------


StatisticKind = Literal[
    "percent",
    "proportion",
    "count",
    "score",
    "duration",
    "age",
    "dose",
    "p_value",
    "ci",
    "ratio",
    "number",
]


class StatisticAttributes(_Frozen):
    """A number with what it quantifies."""

    kind: StatisticKind = Field(description="What sort of quantity this is.")
    value: float | None = Field(
        default=None, description="The parsed value (None for a range, see low/high)."
    )
    low: float | None = Field(default=None, description="Lower bound of a range or interval.")
    high: float | None = Field(default=None, description="Upper bound of a range or interval.")
    unit: str | None = Field(
        default=None, description="Unit as written, e.g. '%', 'weeks', 'points'."
    )
    qualifier: str | None = Field(
        default=None,
        description="Hedge on the number: over, under, approx, up_to, at_least, at_most, "
        "less_than, more_than, exactly.",
    )
    subject: str | None = Field(
        default=None, description="What is counted or measured, when adjacent."
    )
    direction: Literal["increase", "decrease"] | None = Field(
        default=None, description="Direction shown by an arrow or sign word, if any."
    )
    comparator: str | None = Field(
        default=None, description="Comparison operator of a p-value: '<', '<=', '=', '>'."
    )


CitationKind = Literal[
    "author_year",
    "source_year",
    "venue",
    "numeric",
    "identifier",
    "reference_entry",
    "vague",
]


class CitationAttributes(_Frozen):
    """A pointer to a source of evidence."""

    kind: CitationKind = Field(description="The form of the citation.")
    authors: list[str] = Field(default_factory=list, description="Author names as written.")
    year: int | None = Field(default=None, description="Publication year.")
    year_suffix: str | None = Field(
        default=None, description="Disambiguating letter after the year ('2020a')."
    )
    venue: str | None = Field(default=None, description="Journal, publisher or organisation.")
    title: str | None = Field(default=None, description="Title of the cited work.")
    numbers: list[int] = Field(
        default_factory=list, description="Reference numbers of a numeric citation, expanded."
    )
    identifiers: dict[str, str] = Field(
        default_factory=dict, description="Identifiers by scheme: doi, pmid, pmcid, url."
    )
    resolved_to: str | None = Field(
        default=None, description="Id of the reference_entry record this citation matches."
    )
    traceable: bool = Field(
        description="False for vague appeals and for in-text citations that match no entry "
        "and carry no identifier."
    )


class ConditionAttributes(_Frozen):
    """A disease, disorder, injury or symptom."""

    normalized: str = Field(description="Lower-case canonical name.")
    ontology_id: str | None = Field(
        default=None, description="DOID:… or SYMP:… id, when the name is in an ontology."
    )
    category: Literal["disease", "symptom", "injury"] = Field(description="Kind of condition.")
    abbreviation_of: str | None = Field(
        default=None, description="Long form, when this mention is a defined abbreviation."
    )


EffectDirection = Literal[
    "increase", "decrease", "improve", "worsen", "cause", "prevent", "no_effect", "compare"
]


class EffectAttributes(_Frozen):
    """An intervention that changes (or fails to change) a health outcome."""

    intervention: TextSpan | None = Field(
        default=None, description="The treatment, exposure or behaviour."
    )
    intervention_resolved: TextSpan | None = Field(
        default=None, description="Antecedent of a pronoun intervention ('it' → 'acupuncture')."
    )
    outcome: TextSpan | None = Field(default=None, description="The health outcome affected.")
    comparator: TextSpan | None = Field(
        default=None, description="What the intervention is compared with."
    )
    direction: EffectDirection = Field(description="Which way the outcome moves.")
    negated: bool = Field(default=False, description="True when the effect is denied.")
    negation_cue: str | None = Field(default=None, description="The negation cue, if negated.")
    strength: Literal["causal", "conditional", "correlational", "none"] = Field(
        description="Claim strength after Yu et al. (EMNLP 2019)."
    )
    hedges: list[str] = Field(default_factory=list, description="Hedge cues found ('may').")
    boosters: list[str] = Field(default_factory=list, description="Booster cues ('proven').")
    population: Literal["human", "animal"] | None = Field(
        default=None, description="Population of the evidence, when stated."
    )


# --- records -------------------------------------------------------------------------------


class _ClaimBase(_Frozen):
    id: str = Field(description="Unique in the run: '<document>#<type>@<start>-<end>'.")
    fingerprint: str = Field(
        description="Stable across versions: hash of type and whitespace/case-normalised text."
    )
    # Declared here so it serialises near the top; each subclass narrows it to a Literal tag.
    type: str = Field(description="Claim type.")
    text: str = Field(description="The claim's exact text: document[start:end].")
    start: int = Field(ge=0, description="Start offset in code points.")
    end: int = Field(ge=0, description="End offset in code points (exclusive).")
    start_utf16: int = Field(ge=0, description="Start offset in UTF-16 code units (JavaScript).")
    end_utf16: int = Field(ge=0, description="End offset in UTF-16 code units (exclusive).")
    line: int = Field(ge=1, description="1-based line of start.")
    column: int = Field(ge=1, description="1-based column of start, in code points.")
    prefix: str = Field(description="Up to 32 code points before the claim (quote selector).")
    suffix: str = Field(description="Up to 32 code points after the claim (quote selector).")
    sentence: SentenceSpan = Field(description="The claim's sentence.")
    source: Source = Field(description="The document the claim comes from.")
    links: list[str] = Field(
        default_factory=list, description="Ids of related records in the same sentence."
    )
    flags: list[Flag] = Field(default_factory=list, description="Evidence-triage flags.")

    @model_validator(mode="after")
    def _span_is_consistent(self) -> _ClaimBase:
        """The offsets must describe the text: end - start code points, end not before start."""
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"text has {len(self.text)} code points but [start, end) spans "
                f"{self.end - self.start}"
            )
        if self.end_utf16 < self.start_utf16:
            raise ValueError("end_utf16 is before start_utf16")
        return self


class StatisticClaim(_ClaimBase):
    """A quantitative assertion."""

    type: Literal["statistic"] = Field(description="Claim type.")
    attributes: StatisticAttributes = Field(description="Parsed number.")


class CitationClaim(_ClaimBase):
    """A pointer to a source of evidence."""

    type: Literal["citation"] = Field(description="Claim type.")
    attributes: CitationAttributes = Field(description="Parsed citation.")


class ConditionClaim(_ClaimBase):
    """A disease, disorder, injury or symptom."""

    type: Literal["condition"] = Field(description="Claim type.")
    attributes: ConditionAttributes = Field(description="Normalised condition.")


class EffectClaim(_ClaimBase):
    """An intervention → outcome assertion."""

    type: Literal["effect"] = Field(description="Claim type.")
    attributes: EffectAttributes = Field(description="Parts and strength of the effect.")


Claim = Annotated[
    StatisticClaim | CitationClaim | ConditionClaim | EffectClaim,
    Field(discriminator="type"),
]

CLAIM_ADAPTER: TypeAdapter[Any] = TypeAdapter(Claim)
CLAIM_MODELS: dict[str, type[_ClaimBase]] = {
    "statistic": StatisticClaim,
    "citation": CitationClaim,
    "condition": ConditionClaim,
    "effect": EffectClaim,
}


def claim_json_schema() -> dict[str, Any]:
    """The JSON Schema of one claim record, as published in claims_schema.json."""
    schema = CLAIM_ADAPTER.json_schema(mode="serialization")
    schema["title"] = "claimscope claim record"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def parse_claim(data: str | bytes | dict[str, Any]) -> Any:
    """Validate one record (a JSON line or a dict) into its typed claim model."""
    if isinstance(data, dict):
        return CLAIM_ADAPTER.validate_python(data)
    return CLAIM_ADAPTER.validate_json(data)


# --- diff results --------------------------------------------------------------------------
# What `claimscope diff` returns. Not part of the claim record schema (claims_schema.json).

Status = Literal["unchanged", "moved", "changed", "added", "removed"]
STATUSES: tuple[str, ...] = ("changed", "added", "removed", "moved", "unchanged")
"""The statuses in the order summaries list them."""


class FieldChange(_Frozen):
    """One field's value before and after."""

    old: Any = Field(description="Value in the old version.")
    new: Any = Field(description="Value in the new version.")


class ChangeRecord(_Frozen):
    """One aligned pair of claims (or an unpaired claim) and what changed."""

    status: Status = Field(description="unchanged, moved, changed, added or removed.")
    type: str = Field(description="Claim type.")
    old: Claim | None = Field(default=None, description="The old record (null when added).")
    new: Claim | None = Field(default=None, description="The new record (null when removed).")
    fields: dict[str, FieldChange] = Field(
        default_factory=dict, description="Changed fields by name (only for 'changed')."
    )


class DiffSummary(_Frozen):
    """How many claims got each status."""

    added: int = Field(default=0, description="Claims only in the new version.")
    removed: int = Field(default=0, description="Claims only in the old version.")
    changed: int = Field(default=0, description="Paired claims with a changed field.")
    moved: int = Field(default=0, description="Unchanged claims whose order changed.")
    unchanged: int = Field(default=0, description="Paired claims with nothing changed.")


class EvidenceShift(_Frozen):
    """Did the evidence get stronger or weaker?"""

    strength_increased: int = Field(default=0, description="Effects whose strength went up.")
    strength_decreased: int = Field(default=0, description="Effects whose strength went down.")
    hedges_added: int = Field(default=0, description="Hedge cues added to paired effects.")
    hedges_removed: int = Field(default=0, description="Hedge cues removed from paired effects.")
    citations_added: int = Field(default=0, description="Citation claims added.")
    citations_removed: int = Field(default=0, description="Citation claims removed.")
    verdict: Literal["stronger", "weaker", "mixed", "unchanged"] = Field(
        default="unchanged", description="Which way the signals above point, taken together."
    )


class ClaimDiff(_Frozen):
    """The claim diff of one pair of documents."""

    old: str | None = Field(description="Old source (null for a document only in the new).")
    new: str | None = Field(description="New source (null for a document only in the old).")
    summary: DiffSummary = Field(description="Counts by status (unchanged always counted).")
    evidence: EvidenceShift = Field(description="Strength, hedge and citation shifts.")
    changes: list[ChangeRecord] = Field(
        description="Changes in old-document order, added claims at their new position; "
        "unchanged pairs only when asked for (--all)."
    )

    @property
    def differs(self) -> bool:
        s = self.summary
        return bool(s.added or s.removed or s.changed)


class FolderDiff(_Frozen):
    """The claim diff of two folders (or multi-document inputs), one ClaimDiff a document."""

    old: str = Field(description="Old folder or file.")
    new: str = Field(description="New folder or file.")
    summary: DiffSummary = Field(description="Counts by status over all documents.")
    evidence: EvidenceShift = Field(description="Shifts over all documents.")
    added_documents: list[str] = Field(description="Documents only in the new input.")
    removed_documents: list[str] = Field(description="Documents only in the old input.")
    documents: list[ClaimDiff] = Field(description="One diff per document, by relative path.")

    @property
    def differs(self) -> bool:
        return any(document.differs for document in self.documents)

    @property
    def changes(self) -> list[ChangeRecord]:
        return [change for document in self.documents for change in document.changes]

"""Tests for the effect component: spans, parts, direction, negation, strength, population."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimscope.pipeline.cues import longest_ranges
from claimscope.pipeline.effects import (
    CueSpec,
    _longest_runs,
    direction_of,
    left_np,
    licensed,
    load_effect_lexicon,
    negation_cue,
    right_np,
    strength_of,
    walk_gap,
)
from claimscope.pipeline.spans import claim_range, claims_of

DATA = Path(__file__).parent / "data"
SEED_000 = "000_3ef94f7409f58d51.txt"
SEED_002 = "002_0cc050c70e66a9dc.txt"
SEED_004 = "004_184933badd9d9c73.txt"
WORDS = load_effect_lexicon().words

DEFAULTS: dict[str, Any] = {
    "comparator": None,
    "resolved": None,
    "negated": False,
    "negation_cue": None,
    "strength": "causal",
    "hedges": [],
    "boosters": [],
    "population": None,
}


def effects_in(nlp, text: str) -> dict[str, dict[str, Any]]:
    """Effect text -> (start, attributes) for every effect the pipeline finds in ``text``."""
    doc = nlp(text)
    found = {}
    for span in claims_of(doc, "effect"):
        start, end = claim_range(span)
        found[text[start:end]] = {"start": start, **span._.claim_attrs}
    return found


def part(text: str, effect_start: int, effect_text: str, sub: str | None) -> dict | None:
    """The expected {text, start, end} of ``sub`` inside the effect at ``effect_start``."""
    if sub is None:
        return None
    start = effect_start + effect_text.index(sub)
    return {"text": sub, "start": start, "end": start + len(sub)}


def antecedent(text: str, before: int, sub: str | None) -> dict | None:
    """The expected {text, start, end} of the last ``sub`` before offset ``before``."""
    if sub is None:
        return None
    start = text.rindex(sub, 0, before)
    return {"text": sub, "start": start, "end": start + len(sub)}


def assert_effect(found: dict[str, dict[str, Any]], text: str, expected: dict[str, Any]) -> None:
    """One expected effect, with exact spans and every attribute."""
    effect_text = expected["text"]
    assert effect_text in found, f"{effect_text!r} not in {list(found)}"
    got = found[effect_text]
    start = got["start"]
    assert text[start : start + len(effect_text)] == effect_text
    want = {**DEFAULTS, **expected}
    for name in ("intervention", "outcome", "comparator"):
        assert got[name] == part(text, start, effect_text, want[name]), name
    assert got["intervention_resolved"] == antecedent(text, start + 1, want["resolved"])
    for name in ("direction", "negated", "negation_cue", "strength", "hedges", "boosters"):
        assert got[name] == want[name], name
    assert got["population"] == want["population"]


def E(text: str, intervention: str | None, outcome: str | None, direction: str, **rest: Any):
    return {
        "text": text,
        "intervention": intervention,
        "outcome": outcome,
        "direction": direction,
        **rest,
    }


# --- every effect example of CLAIMS.md, in a context that makes it one ---------------------------

CLAIMS_EXAMPLES = [
    (
        "A new study has demonstrated that electro-acupuncture actually stimulates sciatic nerve "
        "regeneration.",
        E(
            "electro-acupuncture actually stimulates sciatic nerve regeneration",
            "electro-acupuncture",
            "sciatic nerve regeneration",
            "increase",
            boosters=["actually"],
        ),
    ),
    (
        "First, the bottom line: acupuncture isn't magic. Multiple RCTs confirm it reduces sciatic "
        "nerve inflammation by modulating cytokines.",
        E(
            "it reduces sciatic nerve inflammation",
            "it",
            "sciatic nerve inflammation",
            "decrease",
            resolved="acupuncture",
        ),
    ),
    (
        "In mice, electro-acupuncture did not accelerate sensory recovery.",
        E(
            "electro-acupuncture did not accelerate sensory recovery",
            "electro-acupuncture",
            "sensory recovery",
            "increase",
            negated=True,
            negation_cue="did not",
            strength="none",
            population="animal",
        ),
    ),
    (
        "The authors concluded that acupuncture was more effective than non-steroidal "
        "anti-inflammatory medications, of which there are questions.",
        E(
            "acupuncture was more effective than non-steroidal anti-inflammatory medications",
            "acupuncture",
            None,
            "compare",
            comparator="non-steroidal anti-inflammatory medications",
        ),
    ),
    (
        "All of these treatments can have side effects and surgery is invasive, can cause "
        "neurological issues and, for healthcare providers, is expensive.",
        E(
            "surgery is invasive, can cause neurological issues",
            "surgery",
            "neurological issues",
            "cause",
            strength="conditional",
            hedges=["can"],
        ),
    ),
]


@pytest.mark.parametrize("text, expected", CLAIMS_EXAMPLES)
def test_effects_claims_md_examples(nlp, text, expected):
    found = effects_in(nlp, text)
    assert_effect(found, text, expected)
    assert len(found) == 1


# --- all effects of the first seed ---------------------------------------------------------------

NBSP = "\xa0"
ANIMAL = {"population": "animal"}
SEED_000_EFFECTS = [
    E(
        f"electro-acupuncture actually stimulates{NBSP}sciatic nerve regeneration",
        "electro-acupuncture",
        "sciatic nerve regeneration",
        "increase",
        boosters=["groundbreaking", "actually"],
        **ANIMAL,
    ),
    E(
        "acupuncture speeds the healing process",
        "acupuncture",
        "the healing process",
        "increase",
        population="human",
    ),
    E(
        "electro-acupuncture restored motor function",
        "electro-acupuncture",
        "motor function",
        "improve",
        **ANIMAL,
    ),
    E(
        "electro-acupuncture restored motor function and stimulated a rapid recovery",
        "electro-acupuncture",
        "a rapid recovery",
        "increase",
        **ANIMAL,
    ),
    E(
        "electro-acupuncture assisted in the recovery from “neuropathic pain",
        "electro-acupuncture",
        "neuropathic pain",
        "improve",
        **ANIMAL,
    ),
    E(
        f"electro-acupuncture stimulation promotes sensory and motor nerve fiber{NBSP}regeneration",
        "electro-acupuncture stimulation",
        f"sensory and motor nerve fiber{NBSP}regeneration",
        "increase",
        **ANIMAL,
    ),
    E(
        f"electro-acupuncture stimulation promotes sensory and motor nerve fiber{NBSP}regeneration"
        " and shortens the duration of recovery times",
        "electro-acupuncture stimulation",
        "the duration of recovery times",
        "decrease",
        **ANIMAL,
    ),
    E(
        "electro-acupuncture appears to be a valuable method to accelerate motor recovery",
        "electro-acupuncture",
        "motor recovery",
        "increase",
        strength="conditional",
        hedges=["appears"],
        **ANIMAL,
    ),
    E(
        "electro-acupuncture appears to be a valuable method to accelerate motor recovery and "
        "alleviate neuropathic pain symptoms",
        "electro-acupuncture",
        "neuropathic pain symptoms",
        "decrease",
        strength="conditional",
        hedges=["appears"],
        **ANIMAL,
    ),
    E(
        "acupuncture is an efficient treatment for pain",
        "acupuncture",
        "pain",
        "improve",
        **ANIMAL,
    ),
    E(
        "electro-acupuncture did not accelerate sensory recovery",
        "electro-acupuncture",
        "sensory recovery",
        "increase",
        negated=True,
        negation_cue="did not",
        strength="none",
        **ANIMAL,
    ),
    E(
        f"it did alleviate{NBSP}pain-related behaviour",
        "it",
        "pain-related behaviour",
        "decrease",
        resolved="electro-acupuncture",
        **ANIMAL,
    ),
    E(
        "Application before the development of painful symptoms did\nnot prevent their occurrence",
        "Application before the development of painful symptoms",
        "their occurrence",
        "prevent",
        negated=True,
        negation_cue="did not",
        strength="none",
        **ANIMAL,
    ),
    E(
        f"the electro-acupuncture{NBSP}specifically improved motor recovery",
        "the electro-acupuncture",
        "motor recovery",
        "improve",
        strength="conditional",
        hedges=["suggests"],
        **ANIMAL,
    ),
    E(
        f"electro-acupuncture is{NBSP}a valuable treatment{NBSP}for{NBSP}accelerating motor "
        "recovery from peripheral nerve damage",
        "electro-acupuncture",
        "motor recovery from peripheral nerve damage",
        "increase",
        boosters=["groundbreaking"],
        **ANIMAL,
    ),
    E(
        f"electro-acupuncture is{NBSP}a valuable treatment{NBSP}for{NBSP}accelerating motor "
        "recovery from peripheral nerve damage and alleviating neuropathic pain symptoms",
        "electro-acupuncture",
        "neuropathic pain symptoms",
        "decrease",
        boosters=["groundbreaking"],
        **ANIMAL,
    ),
    E(
        "electro-acupuncture actually stimulates sciatic nerve regeneration",
        "electro-acupuncture",
        "sciatic nerve regeneration",
        "increase",
        boosters=["groundbreaking", "actually"],
        **ANIMAL,
    ),
]


@pytest.fixture(scope="module")
def seed_effects(nlp, seed_texts) -> dict[str, dict[str, dict[str, Any]]]:
    return {name: effects_in(nlp, text) for name, text in seed_texts.items()}


@pytest.mark.parametrize("expected", SEED_000_EFFECTS, ids=lambda e: e["text"][:40])
def test_effects_seed_000(seed_effects, seed_texts, expected):
    assert_effect(seed_effects[SEED_000], seed_texts[SEED_000], expected)


def test_effects_seed_000_has_no_others(seed_effects):
    assert set(seed_effects[SEED_000]) == {e["text"] for e in SEED_000_EFFECTS}


def test_effects_seed_texts_are_exact(seed_records, seed_texts):
    for name, records in seed_records.items():
        for record in records:
            if record.type != "effect":
                continue
            text = seed_texts[name]
            assert text[record.start : record.end] == record.text
            for piece in (record.attributes.intervention, record.attributes.outcome):
                if piece is not None:
                    assert text[piece.start : piece.end] == piece.text


SEED_004_EFFECTS = [
    E(
        "These interventions are generally considered to reduce pain",
        "These interventions",
        "pain",
        "decrease",
        strength="conditional",
        hedges=["considered"],
        population="human",
    ),
    E(
        "acupuncture can enhance the effects of the drugs and reduce their side-effects",
        "acupuncture",
        "their side-effects",
        "decrease",
        strength="conditional",
        hedges=["can"],
        population="human",
    ),
]


@pytest.mark.parametrize("expected", SEED_004_EFFECTS, ids=lambda e: e["text"][:40])
def test_effects_seed_004(seed_effects, seed_texts, expected):
    assert_effect(seed_effects[SEED_004], seed_texts[SEED_004], expected)


def test_effects_seed_004_drops_unresolved_it_of_a_disease(seed_effects):
    # "Sciatica is a condition … It causes unilateral leg pain": no intervention to resolve.
    assert not any(text.startswith("It ") for text in seed_effects[SEED_004])


# --- further sentences: strength classes, passives, comparatives, negation, harms ----------------

C, K, R = "conditional", "correlational", "none"
FURTHER = [
    # causal
    ("Acupuncture reduces chronic low back pain in adults.",
     E("Acupuncture reduces chronic low back pain", "Acupuncture", "chronic low back pain",
       "decrease", population="human")),
    ("Smoking causes lung cancer.",
     E("Smoking causes lung cancer", "Smoking", "lung cancer", "cause")),
    ("Metformin lowered fasting glucose in patients with type 2 diabetes.",
     E("Metformin lowered fasting glucose", "Metformin", "fasting glucose", "decrease",
       population="human")),
    ("Vitamin D supplementation prevents fractures.",
     E("Vitamin D supplementation prevents fractures", "Vitamin D supplementation", "fractures",
       "prevent")),
    ("Alcohol consumption worsens symptoms of depression.",
     E("Alcohol consumption worsens symptoms of depression", "Alcohol consumption",
       "symptoms of depression", "worsen")),
    ("Probiotics boost immune function in children.",
     E("Probiotics boost immune function", "Probiotics", "immune function", "increase",
       population="human")),
    ("Cognitive behavioural therapy shortens the duration of insomnia.",
     E("Cognitive behavioural therapy shortens the duration of insomnia",
       "Cognitive behavioural therapy", "the duration of insomnia", "decrease")),
    ("Physical therapy speeds recovery after knee replacement.",
     E("Physical therapy speeds recovery", "Physical therapy", "recovery", "increase")),
    ("Cupping has been shown to reduce neck pain.",
     E("Cupping has been shown to reduce neck pain", "Cupping", "neck pain", "decrease")),
    ("Meditation is an effective treatment for anxiety.",
     E("Meditation is an effective treatment for anxiety", "Meditation", "anxiety", "improve")),
    ("In mice, electroacupuncture enhanced axonal regeneration.",
     E("electroacupuncture enhanced axonal regeneration", "electroacupuncture",
       "axonal regeneration", "increase", population="animal")),
    # conditional (hedged causal)
    ("Omega-3 supplementation could elevate serum irisin in patients with CAD.",
     E("Omega-3 supplementation could elevate serum irisin", "Omega-3 supplementation",
       "serum irisin", "increase", strength=C, hedges=["could"], population="human")),
    ("Acupuncture may reduce the frequency of migraine attacks.",
     E("Acupuncture may reduce the frequency of migraine attacks", "Acupuncture",
       "the frequency of migraine attacks", "decrease", strength=C, hedges=["may"])),
    ("Mindfulness appears to improve attention in adolescents.",
     E("Mindfulness appears to improve attention", "Mindfulness", "attention", "improve",
       strength=C, hedges=["appears"], population="human")),
    ("These findings suggest that tai chi improves balance.",
     E("tai chi improves balance", "tai chi", "balance", "improve", strength=C,
       hedges=["suggest"])),
    ("Chiropractic care potentially relieves tension headaches.",
     E("Chiropractic care potentially relieves tension headaches", "Chiropractic care",
       "tension headaches", "decrease", strength=C, hedges=["potentially"])),
    ("Long-term opioid use is likely to cause dependence.",
     E("Long-term opioid use is likely to cause dependence", "Long-term opioid use",
       "dependence", "cause", strength=C, hedges=["likely"])),
    ("A Mediterranean diet might prevent cardiovascular events.",
     E("A Mediterranean diet might prevent cardiovascular events", "A Mediterranean diet",
       "cardiovascular events", "prevent", strength=C, hedges=["might"])),
    # correlational
    ("Low socioeconomic status is associated with higher risk of depression.",
     E("Low socioeconomic status is associated with higher risk of depression",
       "Low socioeconomic status", "higher risk of depression", "increase", strength=K)),
    ("Air pollution is linked to asthma in children.",
     E("Air pollution is linked to asthma", "Air pollution", "asthma", "increase", strength=K,
       population="human")),
    ("Coffee consumption was associated with lower mortality.",
     E("Coffee consumption was associated with lower mortality", "Coffee consumption",
       "lower mortality", "decrease", strength=K)),
    ("Obesity is a risk factor for type 2 diabetes.",
     E("Obesity is a risk factor for type 2 diabetes", "Obesity", "type 2 diabetes", "increase",
       strength=K)),
    ("Sleep deprivation is correlated with poor academic performance.",
     E("Sleep deprivation is correlated with poor academic performance", "Sleep deprivation",
       "poor academic performance", "worsen", strength=K)),
    ("Physical activity predicts better cognitive function in later life.",
     E("Physical activity predicts better cognitive function", "Physical activity",
       "better cognitive function", "improve", strength=K)),
    # passives
    ("Pain was reduced by acupuncture.",
     E("Pain was reduced by acupuncture", "acupuncture", "Pain", "decrease")),
    ("Symptoms were significantly relieved by the herbal formula.",
     E("Symptoms were significantly relieved by the herbal formula", "the herbal formula",
       "Symptoms", "decrease")),
    ("Nerve regeneration was promoted by electroacupuncture in rats.",
     E("Nerve regeneration was promoted by electroacupuncture", "electroacupuncture",
       "Nerve regeneration", "increase", population="animal")),
    ("Recovery was not accelerated by the drug.",
     E("Recovery was not accelerated by the drug", "the drug", "Recovery", "increase",
       negated=True, negation_cue="was not", strength=R)),
    # comparatives
    ("Acupuncture was more effective than sham acupuncture.",
     E("Acupuncture was more effective than sham acupuncture", "Acupuncture", None, "compare",
       comparator="sham acupuncture")),
    ("Exercise therapy outperformed usual care.",
     E("Exercise therapy outperformed usual care", "Exercise therapy", None, "compare",
       comparator="usual care")),
    ("Naproxen was superior to placebo in reducing pain.",
     E("Naproxen was superior to placebo in reducing pain", "Naproxen", "pain", "compare",
       comparator="placebo")),
    ("Moxibustion was less effective than acupuncture.",
     E("Moxibustion was less effective than acupuncture", "Moxibustion", None, "compare",
       comparator="acupuncture")),
    # negation cues
    ("Vitamin C had no effect on the duration of colds.",
     E("Vitamin C had no effect on the duration of colds", "Vitamin C", "the duration of colds",
       "no_effect", negated=True, negation_cue="no effect on", strength=R)),
    ("Glucosamine failed to improve joint pain.",
     E("Glucosamine failed to improve joint pain", "Glucosamine", "joint pain", "improve",
       negated=True, negation_cue="failed to", strength=R)),
    ("Antibiotics do not cure viral infections.",
     E("Antibiotics do not cure viral infections", "Antibiotics", "viral infections", "improve",
       negated=True, negation_cue="do not", strength=R)),
    ("Fish oil never prevented heart attacks in the trial.",
     E("Fish oil never prevented heart attacks", "Fish oil", "heart attacks", "prevent",
       negated=True, negation_cue="never", strength=R)),
    ("Gabapentin didn't reduce leg pain.",
     E("Gabapentin didn't reduce leg pain", "Gabapentin", "leg pain", "decrease", negated=True,
       negation_cue="didn't", strength=R)),
    # harms
    ("Steroid injections can cause tendon damage.",
     E("Steroid injections can cause tendon damage", "Steroid injections", "tendon damage",
       "cause", strength=C, hedges=["can"])),
    ("Long-term NSAID use damages the stomach lining.",
     E("Long-term NSAID use damages the stomach lining", "Long-term NSAID use",
       "the stomach lining", "worsen")),
    ("Chemotherapy induces nausea in most patients.",
     E("Chemotherapy induces nausea", "Chemotherapy", "nausea", "cause", population="human")),
    ("Surgery may lead to nerve injury.",
     E("Surgery may lead to nerve injury", "Surgery", "nerve injury", "cause", strength=C,
       hedges=["may"])),
    ("Acupuncture significantly reduced pain intensity compared with usual care.",
     E("Acupuncture significantly reduced pain intensity compared with usual care",
       "Acupuncture", "pain intensity", "decrease", comparator="usual care")),
    # pronouns and boosters
    ("Ibuprofen is a common painkiller. It can irritate the stomach.",
     E("It can irritate the stomach", "It", "the stomach", "worsen", resolved="Ibuprofen",
       strength=C, hedges=["can"])),
    ("Our new supplement is clinically proven to boost energy levels.",
     E("Our new supplement is clinically proven to boost energy levels", "Our new supplement",
       "energy levels", "increase", boosters=["clinically proven"])),
    ("Acupuncture is popular. This treatment clearly relieves stress.",
     E("This treatment clearly relieves stress", "This treatment", "stress", "decrease",
       resolved="Acupuncture", boosters=["clearly"])),
    ("Yoga is gentle. It is a proven way to improve flexibility.",
     E("It is a proven way to improve flexibility", "It", "flexibility", "improve",
       resolved="Yoga", boosters=["proven"])),
]  # fmt: skip


@pytest.mark.parametrize("text, expected", FURTHER, ids=[t for t, _ in FURTHER])
def test_effects_further_sentences(nlp, text, expected):
    found = effects_in(nlp, text)
    assert_effect(found, text, expected)
    assert len(found) == 1


# --- blind-evaluation error classes (own sentences): A whole intervention, B hyphenated
# comparator, C inflected association cues, D "it" naming a phrase outside the lexicon, E idioms

K_DEC = {"strength": K, "direction": "decrease"}
ERROR_CLASSES = [
    # A: gerund phrases, "N of/to/at M", -ing modifiers, hyphenated modifiers
    ("Cutting down on sugar lowers blood pressure.",
     E("Cutting down on sugar lowers blood pressure", "Cutting down on sugar", "blood pressure",
       "decrease")),
    ("Drinking green tea every day lowers cholesterol.",
     E("Drinking green tea every day lowers cholesterol", "Drinking green tea every day",
       "cholesterol", "decrease")),
    ("Taking a daily aspirin prevents heart attacks.",
     E("Taking a daily aspirin prevents heart attacks", "Taking a daily aspirin",
       "heart attacks", "prevent")),
    ("Listening to music reduces anxiety before surgery.",
     E("Listening to music reduces anxiety", "Listening to music", "anxiety", "decrease")),
    ("Switching to whole grains lowers cholesterol.",
     E("Switching to whole grains lowers cholesterol", "Switching to whole grains",
       "cholesterol", "decrease")),
    ("Sitting for long periods raises the risk of diabetes.",
     E("Sitting for long periods raises the risk of diabetes", "Sitting for long periods",
       "the risk of diabetes", "increase")),
    ("Exposure to traffic noise is linked to hypertension.",
     E("Exposure to traffic noise is linked to hypertension", "Exposure to traffic noise",
       "hypertension", "increase", strength=K)),
    ("Acupuncture at the PC6 point reduces nausea.",
     E("Acupuncture at the PC6 point reduces nausea", "Acupuncture at the PC6 point", "nausea",
       "decrease")),
    ("Standing desks reduce back pain in office workers.",
     E("Standing desks reduce back pain", "Standing desks", "back pain", "decrease")),
    ("Increasing age is associated with higher risk of falls.",
     E("Increasing age is associated with higher risk of falls", "Increasing age",
       "higher risk of falls", "increase", strength=K)),
    ("Once-daily tablets improve adherence.",
     E("Once-daily tablets improve adherence", "Once-daily tablets", "adherence", "improve")),
    # B: a hyphenated comparator is one word
    ("Online therapy was as effective as face-to-face counselling for insomnia.",
     E("Online therapy was as effective as face-to-face counselling for insomnia",
       "Online therapy", "insomnia", "compare", comparator="face-to-face counselling")),
    ("Video consultations were not inferior to in-person visits.",
     E("Video consultations were not inferior to in-person visits", "Video consultations",
       None, "compare", comparator="in-person visits", negated=True, negation_cue="were not",
       strength=R)),
    # C: perfect tense, adverbs and adjectives inside association cues
    ("Poor sleep has been associated with weight gain.",
     E("Poor sleep has been associated with weight gain", "Poor sleep", "weight gain",
       "increase", strength=K)),
    ("High salt intake has repeatedly been linked to stroke.",
     E("High salt intake has repeatedly been linked to stroke", "High salt intake", "stroke",
       "increase", strength=K)),
    ("Night shifts have long been tied to breast cancer.",
     E("Night shifts have long been tied to breast cancer", "Night shifts", "breast cancer",
       "increase", strength=K)),
    ("Vitamin D levels correlated inversely with fracture risk.",
     E("Vitamin D levels correlated inversely with fracture risk", "Vitamin D levels",
       "fracture risk", **K_DEC)),
    ("Fiber intake is inversely correlated with colon cancer.",
     E("Fiber intake is inversely correlated with colon cancer", "Fiber intake",
       "colon cancer", **K_DEC)),
    ("Sedentary behaviour was independently and positively associated with mortality.",
     E("Sedentary behaviour was independently and positively associated with mortality",
       "Sedentary behaviour", "mortality", "increase", strength=K)),
    ("Red meat intake was associated positively with colorectal cancer.",
     E("Red meat intake was associated positively with colorectal cancer", "Red meat intake",
       "colorectal cancer", "increase", strength=K)),
    ("Smoking is an established risk factor for stroke.",
     E("Smoking is an established risk factor for stroke", "Smoking", "stroke", "increase",
       strength=K)),
    ("Physical inactivity is a well-known risk factor for diabetes.",
     E("Physical inactivity is a well-known risk factor for diabetes", "Physical inactivity",
       "diabetes", "increase", strength=K)),
    ("Obesity is the main risk factor for knee osteoarthritis.",
     E("Obesity is the main risk factor for knee osteoarthritis", "Obesity",
       "knee osteoarthritis", "increase", strength=K)),
    ("Elevated homocysteine levels are independent risk factors for dementia.",
     E("Elevated homocysteine levels are independent risk factors for dementia",
       "Elevated homocysteine levels", "dementia", "increase", strength=K)),
    # D: "it" resolved to the subject (or a person's object) of the clause or sentence before
    ("We recommend cold water swimming because it improves circulation.",
     E("it improves circulation", "it", "circulation", "improve",
       resolved="cold water swimming")),
    ("Whole-body vibration was delivered daily. It increased bone density.",
     E("It increased bone density", "It", "bone density", "increase",
       resolved="Whole-body vibration")),
    ("Cold exposure is unpleasant, but it boosts brown fat activity.",
     E("it boosts brown fat activity", "it", "brown fat activity", "increase",
       resolved="Cold exposure")),
    ("The supplement was popular. However, it caused liver damage.",
     E("it caused liver damage", "it", "liver damage", "cause", resolved="The supplement")),
    # E: lay idioms
    ("The cream did nothing for my eczema.",
     E("The cream did nothing for my eczema", "The cream", "my eczema", "no_effect",
       negated=True, negation_cue="did nothing for", strength=R)),
    ("Stretching does nothing for muscle soreness.",
     E("Stretching does nothing for muscle soreness", "Stretching", "muscle soreness",
       "no_effect", negated=True, negation_cue="does nothing for", strength=R)),
    ("Yoga helps with lower back pain.",
     E("Yoga helps with lower back pain", "Yoga", "lower back pain", "improve")),
    ("Magnesium may help with muscle cramps.",
     E("Magnesium may help with muscle cramps", "Magnesium", "muscle cramps", "improve",
       strength=C, hedges=["may"])),
]  # fmt: skip


@pytest.mark.parametrize("text, expected", ERROR_CLASSES, ids=[t for t, _ in ERROR_CLASSES])
def test_effects_error_classes(nlp, text, expected):
    found = effects_in(nlp, text)
    assert_effect(found, text, expected)
    assert len(found) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Sciatica is common. It causes leg pain.",  # "it" is a condition
        "Migraine is disabling. It impairs concentration.",
        "Acupuncture is popular. Back pain is common. It reduces quality of life.",
        "The researchers were surprised. It reduced pain.",  # not an intervention
        "It worked wonders and it reduced the itching.",  # a pronoun subject resolves nothing
    ],
)
def test_effects_unresolvable_it_is_dropped(nlp, text):
    assert effects_in(nlp, text) == {}


def test_effects_coordinated_verbs_share_the_intervention(nlp):
    text = "Acupuncture relieves pain and improves mobility."
    found = effects_in(nlp, text)
    assert set(found) == {
        "Acupuncture relieves pain",
        "Acupuncture relieves pain and improves mobility",
    }
    assert_effect(
        found, text, E("Acupuncture relieves pain and improves mobility", "Acupuncture", "mobility",
                       "improve")
    )  # fmt: skip


NO_EFFECT = [
    "The aim of this study was to evaluate the effects of electro-acupuncture on the functional "
    "recovery of sensorimotor responses following left sciatic nerve crush in mice.",
    "Sciatic nerve crush was performed on seven week old female mice.",
    "Mechanical and heat sensitivity tests were performed to evaluate sensory recovery.",
    "The improvement of axonal regeneration is a major objective in the treatment of peripheral "
    "nerve injuries.",
    "Sciatica affects millions of people worldwide.",
    "Patients were randomly assigned to acupuncture or sham treatment.",
    "We measured pain intensity with a visual analogue scale.",
    "Low back pain is a leading cause of disability.",
    "This site uses Akismet to reduce spam.",
    "If it eases the pain, keep going.",
    "We investigated whether acupuncture reduces pain after surgery.",
    "Pain relieving medication is not helping.",
    "Researchers recruited 120 participants with chronic neck pain.",
    "Sciatica is a condition of the lower back. It causes unilateral leg pain.",
    "Acupuncture affects the body through mechanisms that help to reduce the pain.",
    "CLICK HERE to watch a short video describing how we treat sciatic nerve pain with "
    "acupuncture.",
]


@pytest.mark.parametrize("text", NO_EFFECT)
def test_effects_none_in_background_aims_methods(nlp, text):
    assert effects_in(nlp, text) == {}


# --- the pure matching functions -----------------------------------------------------------------


def tokens(nlp, text: str):
    return nlp.make_doc(text)


@pytest.mark.parametrize(
    "text, cue_word, gap",
    [
        ("electro-acupuncture did not accelerate recovery", "accelerate", "did not"),
        ("surgery is invasive, can cause issues", "cause", "is invasive, can"),
        ("X appears to be a valuable method to accelerate recovery", "accelerate",
         "appears to be a valuable method to"),
        ("X is an efficient treatment for reducing pain", "reducing",
         "is an efficient treatment for"),
        ("acupuncture reduces pain", "reduces", ""),
    ],
)  # fmt: skip
def test_effects_walk_gap(nlp, text, cue_word, gap):
    doc = tokens(nlp, text)
    cue = next(t.i for t in doc if t.text == cue_word)
    start = walk_gap(doc, cue, 0, WORDS)
    assert doc.text[doc[start].idx : doc[cue].idx].strip() == gap


@pytest.mark.parametrize(
    "text, end_word, expected",
    [
        ("we know that acupuncture speeds healing", "speeds", "acupuncture"),
        ("Application before the development of painful symptoms did not", "did",
         "Application before the development of painful symptoms"),
        ("research is showing acupuncture is better", "is", "acupuncture"),
        ("a Mediterranean diet lowers", "lowers", "a Mediterranean diet"),
        ("Multiple RCTs confirm it reduces", "reduces", "it"),
        ("mechanisms that help", "help", None),
        ("Cutting back on salt lowers", "lowers", "Cutting back on salt"),
        ("Exposure to wildfire-like haze raises", "raises", "Exposure to wildfire-like haze"),
        ("Acupuncture at LI4 eases", "eases", "Acupuncture at LI4"),
        ("Once-weekly injections reduce", "reduce", "Once-weekly injections"),
        ("a study showing running shoes reduce", "reduce", "running shoes"),
        ("Wearing a brace every night eases", "eases", "Wearing a brace every night"),
    ],
)  # fmt: skip
def test_effects_left_np(nlp, text, end_word, expected):
    doc = tokens(nlp, text)
    end = max(t.i for t in doc if t.text == end_word)
    found = left_np(doc, end, 0, WORDS)
    assert (doc[found[0] : found[1]].text if found else None) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the healing process in sciatica patients", "the healing process"),
        ("sensory and motor nerve regeneration", "sensory and motor nerve regeneration"),
        ("the duration of recovery times following injuries", "the duration of recovery times"),
        ("“neuropathic pain that develops", "neuropathic pain"),
        ("higher risk of depression.", "higher risk of depression"),
        (", which helps", None),
        ("face-to-face therapy for pain", "face-to-face therapy"),
        ("up-to-date vaccines and", "up-to-date vaccines"),
    ],
)  # fmt: skip
def test_effects_right_np(nlp, text, expected):
    doc = tokens(nlp, text)
    found = right_np(doc, 0, len(doc), WORDS)
    assert (doc[found[0] : found[1]].text if found else None) == expected


@pytest.mark.parametrize(
    "form, gap, expected",
    [
        ("base", ["can"], True),
        ("base", ["did", "not"], True),
        ("base", ["to"], False),  # "Akismet to reduce spam"
        ("base", ["helps", "to"], True),
        ("base", [], False),  # "pain relieve" without a subject agreement
        ("ing", [], False),  # "pain relieving medication"
        ("ing", ["is", "a", "treatment", "for"], True),
        ("s", [], True),
        ("ed", ["was"], False),  # a bare passive with no "by"
        ("be", ["is"], True),
        ("be", [], False),  # "pain related to …" is no claim
    ],
)
def test_effects_licensed(form, gap, expected):
    assert licensed(CueSpec("causal", "decrease", form), gap, WORDS) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("X did not reduce", "did not"),
        ("X failed to reduce", "failed to"),
        ("X did\nnot reduce", "did not"),
        ("X can reduce", None),
        ("X no longer reduces", "no longer"),
    ],
)
def test_effects_negation_cue(nlp, text, expected):
    doc = tokens(nlp, text)
    assert negation_cue(doc, 1, len(doc) - 1, WORDS) == expected


@pytest.mark.parametrize(
    "kind, negated, hedges, expected",
    [
        ("causal", False, [], "causal"),
        ("causal", False, ["may"], "conditional"),
        ("association", False, [], "correlational"),
        ("association", False, ["may"], "correlational"),
        ("causal", True, [], "none"),
        ("compare", False, [], "causal"),
    ],
)
def test_effects_strength_of(kind, negated, hedges, expected):
    assert strength_of(CueSpec(kind, "decrease", "s"), negated, hedges) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("lower mortality", "decrease"), ("higher risk", "increase"), ("asthma", "increase")],
)
def test_effects_direction_of_association(nlp, text, expected):
    doc = tokens(nlp, text)
    spec = CueSpec("association", "increase", "be")
    assert direction_of(spec, doc, (0, len(doc))) == expected


# --- the labelled sets ---------------------------------------------------------------------------


def _gold_rows(name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


GOLD_ROWS = [
    row
    for name in ("effects_gold.jsonl", "effects_heldout.jsonl", "effects_heldout2.jsonl")
    for row in _gold_rows(name)
]


@pytest.mark.parametrize("row", GOLD_ROWS, ids=[row["text"][:50] for row in GOLD_ROWS])
def test_effects_labelled_sentences(nlp, row):
    found = effects_in(nlp, row["text"])
    assert set(found) == {e["text"] for e in row["effects"]}
    for expected in row["effects"]:
        got = found[expected["text"]]
        for name in ("intervention", "outcome", "comparator"):
            assert (got[name] or {}).get("text") == expected[name], name
        for name in ("direction", "negated", "strength"):
            assert got[name] == expected[name], name


def test_effects_records_validate(extract):
    records = extract("Acupuncture may reduce pain. It also improves sleep.", types=["effect"])
    assert [r.text for r in records] == ["Acupuncture may reduce pain", "It also improves sleep"]
    assert records[1].attributes.intervention_resolved.text == "Acupuncture"


@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("We offered acupuncture. It reduced pain in most patients.", "acupuncture"),
        ("We offered acupuncture.\nIt reduced pain in most patients.", "acupuncture"),
        # A mention in the paragraph before (past a blank line) resolves nothing.
        ("We offered acupuncture.\n\nIt reduced pain in most patients.", None),
        ("Yoga helps.\n\nWe offered acupuncture.\n\nIt reduced pain in most patients.", None),
        ("Yoga helps.\n\nWe offered acupuncture. It reduced pain in most patients.", "acupuncture"),
    ],
)
def test_effects_pronoun_resolved_within_its_paragraph(extract, text, resolved):
    records = extract(text, types=["effect"])
    found = [r.attributes.intervention_resolved for r in records if r.text.startswith("It")]
    assert [part.text if part else None for part in found] == ([resolved] if resolved else [])


@pytest.mark.parametrize(
    ("ranges", "kept"),
    [
        ([], []),
        ([(0, 1), (2, 4), (4, 5)], [(0, 1), (2, 4), (4, 5)]),
        # "reduce" inside "reduce the risk of": the longer wins.
        ([(3, 4), (3, 7), (9, 10)], [(3, 7), (9, 10)]),
        # A chain of overlaps is one run: (2, 5) wins, (4, 7) loses, then (6, 8) is free.
        ([(0, 1), (2, 5), (4, 7), (6, 8), (10, 12)], [(0, 1), (2, 5), (6, 8), (10, 12)]),
        # Equal lengths: the first wins.
        ([(5, 7), (6, 8), (1, 2)], [(1, 2), (5, 7)]),
    ],
)
def test_longest_runs_keeps_what_longest_ranges_keeps(ranges, kept):
    assert _longest_runs(ranges) == kept
    assert longest_ranges(ranges) == kept

"""Unit tests of the dictionary event coder baseline (bench/coder.py), on sentences written for them."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.coder import DictionaryCoder, coder_predictor  # noqa: E402
from bench.lexicon import LEXICON, inflections, root_label  # noqa: E402


@pytest.fixture(scope="module")
def coder():
    return DictionaryCoder()


def ex(text: str, source: str, target: str, *others: str) -> dict:
    """An example with the first occurrence of each name as its span."""
    def span(word: str) -> list[list[int]]:
        i = text.index(word)
        return [[i, i + len(word)]]

    return {"text": text, "source_spans": span(source), "target_spans": span(target),
            "other_spans": [s for w in others for s in span(w)]}


@pytest.mark.parametrize("text, source, target, others, label, root", [
    ("Norway condemned Chile over the fishing dispute.", "Norway", "Chile", (), "oppose", "11"),
    ("Norway condemned Chile over the fishing dispute.", "Chile", "Norway", (), "neutral", None),
    ("Peru praised Ecuador for its handling of the floods.", "Peru", "Ecuador", (), "support", "05"),
    ("Kenya sent emergency aid to Somalia.", "Kenya", "Somalia", (), "support", "07"),
    ("Japan imposed new sanctions on Iran.", "Japan", "Iran", (), "oppose", "16"),
    ("Brazil urged Argentina to lower tariffs.", "Brazil", "Argentina", (), "neutral", "02"),
    ("Mexico hosted Canada for two days of talks.", "Mexico", "Canada", (), "support", "04"),
    ("Turkey's army invaded Syria at dawn.", "Turkey", "Syria", (), "oppose", "19"),
    ("Sweden agreed to cooperate with Finland on defence.", "Sweden", "Finland", (), "support", "06"),
    ("Vietnam has accused China of harassing its fishermen.", "Vietnam", "China", (), "oppose", "11"),
])
def test_active_verbs_code_source_toward_target(coder, text, source, target, others, label, root):
    assert coder.code(ex(text, source, target, *others))[:2] == (label, root)


def test_passive_with_agent_reverses_direction(coder):
    text = "Chile was sharply criticised by Norway on Monday."
    assert coder.code(ex(text, "Norway", "Chile"))[:2] == ("oppose", "11")
    assert coder.code(ex(text, "Chile", "Norway"))[:2] == ("neutral", None)


def test_passive_without_agent_is_neutral(coder):
    assert coder.code(ex("Chile was criticised in a report that Norway published.", "Chile", "Norway")).label \
        == "neutral"


@pytest.mark.parametrize("text", [
    "Norway did not condemn Chile.",
    "Norway didn't condemn Chile.",
    "Norway has never criticised Chile.",
    "Norway refused to sanction Chile.",
    "Norway declined to praise Chile.",
])
def test_negation_gives_neutral(coder, text):
    assert coder.code(ex(text, "Norway", "Chile")) .label == "neutral"


def test_reciprocal_act_labels_both_directions(coder):
    text = "Ghana and Togo signed a border pact on Friday."
    assert coder.code(ex(text, "Ghana", "Togo"))[:2] == ("support", "05")
    assert coder.code(ex(text, "Togo", "Ghana"))[:2] == ("support", "05")
    clash = "Sudan and Chad clashed along the frontier."
    assert coder.code(ex(clash, "Chad", "Sudan"))[:2] == ("oppose", "19")


def test_coordinated_actors_acting_on_a_third_are_neutral_to_each_other(coder):
    text = "Ghana and Togo condemned Mali."
    assert coder.code(ex(text, "Ghana", "Togo", "Mali")).label == "neutral"
    assert coder.code(ex(text, "Ghana", "Mali", "Togo"))[:2] == ("oppose", "11")


def test_reported_speech_belongs_to_the_reported_actor(coder):
    text = "Austria said Hungary had attacked Serbia."
    assert coder.code(ex(text, "Hungary", "Serbia", "Austria"))[:2] == ("oppose", "19")
    assert coder.code(ex(text, "Austria", "Serbia", "Hungary")).label == "neutral"


def test_co_presence_and_missing_actor_are_unmatched(coder):
    coding = coder.code(ex("Both Italy and Spain attended the summit in Rome.", "Italy", "Spain"))
    assert coding.label == "neutral" and coding.root is None
    assert coding.probabilities == {"support": 0.2, "oppose": 0.2, "neutral": 0.6}
    no_target = {"text": "Italy spoke.", "source_spans": [[0, 5]], "target_spans": [], "other_spans": []}
    assert coder.code(no_target).root is None


def test_predict_proba_is_in_labels_order_and_sums_to_one(coder):
    examples = [ex("Peru praised Ecuador.", "Peru", "Ecuador"), ex("Peru attacked Ecuador.", "Peru", "Ecuador"),
                ex("Peru and Ecuador.", "Peru", "Ecuador")]
    proba = coder.predict_proba(examples)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(proba.argmax(axis=1)) == [0, 1, 2]  # support, oppose, neutral
    assert proba[0, 0] == pytest.approx(0.8)
    assert list(coder.known_word_counts(examples)) == [1, 1, 1]
    assert coder.predict_proba([]).shape == (0, 3)


def test_runs_inside_the_stance_predictor():
    res = coder_predictor().stance("France condemned Russia on Monday.", "FRA", "RUS")
    assert res.stance == "oppose"
    assert res.probabilities["oppose"] == pytest.approx(0.8)


def test_lexicon_covers_every_root_and_inflects():
    assert sorted(LEXICON) == [f"{i:02d}" for i in range(1, 21)]
    assert sum(len(v) for v in LEXICON.values()) >= 300
    assert {"condemns", "condemned", "condemning"} <= inflections("condemn")
    assert {"criticised", "criticising"} <= inflections("criticise")
    assert {"banned", "bans"} <= inflections("ban")
    assert {"met", "meets"} <= inflections("meet")
    assert [root_label(r) for r in ("01", "02", "03", "08", "09", "20")] == \
        ["neutral", "neutral", "support", "support", "oppose", "oppose"]

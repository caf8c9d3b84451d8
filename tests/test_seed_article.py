"""The commissioning article as a test (issue 9): the dyads an analyst expects from its body.

The expectations are in ``tests/data/seed_expected.json``, annotated by the label rules (README "What the
labels mean", ``data/CARD.md``). The model is the session fixture, trained without the seed article.
Sentence indices count the body only (the title is not part of it).
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((ROOT / "tests" / "data" / "seed_expected.json").read_text(encoding="utf-8"))
ENTRIES = {(d["source"], d["target"]): d for d in EXPECTED["dyads"]}
OPPOSITE = {"support": "oppose", "oppose": "support", "neutral": None}

# Measured with the session fixture (embedded corpus without the seed, no grid search), with mention
# roles, the wire and people batches: 16 of the 22 expectations met (0.73), 8 of the 12 that need no
# mention roles (0.67); before roles and those batches, 7 of 22. The thresholds leave a margin of two dyads
# for data changes.
MIN_AGREEMENT = 0.6
MIN_AGREEMENT_WITHOUT_ROLES = 0.5

MISREAD = ("the default model reads 'successes ... and sanctions are a blow for Russia, but Putin can count on "
           "an ally' as support (issue 9 parts 4-5: wire-copy data and calibration)")
XFAIL_REASONS = {("CHN", "USA"): "the venue is gone, but the default model still reads China's counterweight to "
                                 "Washington (sentences 2 and 4) as support",
                 ("UKR", "RUS"): MISREAD, ("WEST", "RUS"): MISREAD}


@pytest.fixture(scope="module")
def dyads(predictor):
    body = (ROOT / EXPECTED["article"]).read_text(encoding="utf-8").split("\n", 1)[1]
    return {(r.source.code, r.target.code): r for r in predictor.dyads(body)}


def _agrees(entry, dyads):
    found = dyads.get((entry["source"], entry["target"]))
    if entry["expected"] == "absent":
        return found is None
    return found is not None and found.stance == entry["expected"]


def test_every_dyad_found_has_an_expectation(dyads):
    missing = sorted(set(dyads) - set(ENTRIES))
    assert missing == [], f"dyads without an expectation in seed_expected.json: {missing}"
    expected_present = {k for k, d in ENTRIES.items() if d["expected"] != "absent"}
    assert expected_present <= set(dyads), sorted(expected_present - set(dyads))


def test_china_toward_russia_is_support(dyads):
    result = dyads[("CHN", "RUS")]
    assert result.stance == "support"
    assert result.probabilities["support"] > 0.5
    assert len(result.evidence) >= 5
    by_index = {e.sentence_index: e.text for e in result.evidence}
    assert by_index[16].startswith("Moscow and Beijing then signed a joint statement")  # body numbering


def _named_pairs():
    for pair, entry in ENTRIES.items():
        if entry["named"]:
            marks = [pytest.mark.xfail(strict=False, reason=XFAIL_REASONS[pair])] if pair in XFAIL_REASONS else []
            yield pytest.param(pair, marks=marks, id=">".join(pair))


@pytest.mark.parametrize("pair", list(_named_pairs()))
def test_named_dyads_have_no_wrong_sign(dyads, pair):
    entry = ENTRIES[pair]
    found = dyads.get(pair)
    if entry["expected"] == "absent":
        assert found is None, (pair, found.stance)
        return
    assert found is not None and found.stance is not None, pair
    assert found.stance != OPPOSITE[entry["expected"]], (pair, found.stance, found.probabilities)


def test_overall_agreement_with_the_expectations(dyads):
    entries = list(ENTRIES.values())
    overall = sum(_agrees(d, dyads) for d in entries) / len(entries)
    plain = [d for d in entries if not d["depends_on_roles"]]
    without_roles = sum(_agrees(d, dyads) for d in plain) / len(plain)
    print(f"seed agreement {overall:.2f} overall, {without_roles:.2f} without roles")
    assert overall >= MIN_AGREEMENT, overall
    assert without_roles >= MIN_AGREEMENT_WITHOUT_ROLES, without_roles

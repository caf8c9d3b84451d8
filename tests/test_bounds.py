"""Bounded work whatever the input: linear growth of the library path and the worst case per request.

Growth is measured by counting the Python lines executed (deterministic, unlike timings): doubling a
hostile input must not much more than double the count, where the former code squared it. The regular
expressions run in C and are not counted; for them, and for the whole path, a generous time bound on
inputs of 100,000 characters (the service's text limit) stands in.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from training import features
from training.examples import candidate_examples, pair_examples, prepare, resolve_in, resolve_pair
from training.features import DyadMasker
from training.limits import LimitExceeded
from training.text import clean_text, split_sentences

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.worst_case import SIXTEEN, every_actor_names, run, worst_inputs  # noqa: E402

BOUND_S = 10.0  # per 100,000-character input; they take well under a second on an idle core


def lines(fn, *args, **kwargs) -> int:
    """Python lines executed by ``fn(*args, **kwargs)``."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        fn(*args, **kwargs)
    finally:
        sys.settrace(None)
    return count


def growth(make, work, n: int) -> float:
    """Lines executed by ``work(make(2n))`` over those of ``work(make(n))``, after a first call that fills
    the caches (compiled patterns)."""
    small, large = make(n), make(2 * n)
    work(make(n))
    return lines(work, large) / lines(work, small)


def test_pair_examples_grow_linearly_with_sentences(dictionary):
    def work(doc):
        src, tgt = resolve_pair(doc, dictionary, "China", "Russia")
        assert len(pair_examples(doc, src, tgt)) == len(doc.sentences)

    ratio = growth(lambda n: prepare("China backed Russia. " * n, dictionary), work, 400)
    assert ratio < 2.3, ratio  # the former scan of every mention for every sentence gave about 4


def test_literal_span_overlaps_grow_linearly(dictionary):
    def work(doc):
        assert len(resolve_in(doc, dictionary, "EU", span="EU").mentions) == len(doc.sentences)

    ratio = growth(lambda n: prepare("EU and Britain met. " * n, dictionary), work, 400)
    assert ratio < 2.3, ratio


def test_cameo_joins_grow_linearly(dictionary):
    # no state mention joins its role noun, so each noun used to be tried against every earlier mention
    def work(doc):
        assert len(resolve_in(doc, dictionary, "GBRGOV").mentions) == len(doc.sentences)

    ratio = growth(lambda n: prepare("Britain met them far away and the government left. " * n, dictionary),
                   work, 200)
    assert ratio < 2.3, ratio


def test_dyad_grouping_grows_linearly(predictor):
    # many mentions of two actors and one sentence with a pair: grouping used to scan every mention per pair
    def make(n):
        return "Kenya backed Ethiopia. " + "EU EU. UK UK. " * n

    ratio = growth(make, predictor.document, 300)
    assert ratio < 2.3, ratio
    ratio = growth(lambda n: predictor.document(make(n)), lambda doc: candidate_examples(doc), 300)
    assert ratio < 2.3, ratio


def test_closest_pair_grows_linearly():
    def make(n):
        return (["xsrcx", "w"] * n) + (["xtgtx", "w"] * n)

    ratio = growth(make, features._closest_pair, 300)
    assert ratio < 2.3, ratio
    assert features._closest_pair(make(3)) == (4, 6)


def test_masker_reads_a_long_sentence_once_and_around_its_pairs(dictionary):
    words = "officials said that the talks would go on " * 250
    doc = prepare(" ".join(f"{name} {words}" for name in SIXTEEN) + ".", dictionary)
    examples = candidate_examples(doc)
    assert len(examples) == 240 and len(doc.text) > 150_000
    features._layout.cache_clear()
    views = DyadMasker().transform(examples)
    assert features._layout.cache_info().misses == 1  # one tokenisation for the 240 pairs
    lengths = [len(v.split()) for v in views[:, 0]]
    assert max(lengths) <= features._MAX_TOKENS + 3
    assert all(" xsrcx " in f" {v} " and " xtgtx " in f" {v} " for v in views[:, 0])


def test_short_sentences_are_read_whole(dictionary):
    doc = prepare("China, " + "and " * 150 + "Russia met.", dictionary)
    [view] = DyadMasker().transform(candidate_examples(doc)[:1])[:, 0]
    assert len(view.split()) == 154 and "_gap" not in view


@pytest.mark.parametrize("text", ["Ok. " * 25_000, "!" * 100_000, "U.S. Mr. " * 11_111, "a." * 50_000,
                                  "<script " * 12_500, "<!--" * 25_000, "<" * 100_000, "x" * 100_000 + ". The"])
def test_cleaning_and_splitting_are_fast_on_hostile_text(text):
    start = time.perf_counter()
    sentences = split_sentences(clean_text(text))
    assert time.perf_counter() - start < 5.0  # quadratic code took 7 to 200 s on these
    assert sentences and all(s.end - s.start == len(s.text) for s in sentences)


@pytest.fixture(scope="module")
def cases(dictionary):
    return worst_inputs(100_000, every_actor=every_actor_names(dictionary))


EXPECTED = {
    "boundaries": "stance=None evidence=0 reason=source_not_found",
    "abbreviations": "stance=None evidence=0 reason=source_not_found",
    "mentions_one_sentence": "LimitExceeded(max_mentions_per_sentence",
    "pair_per_sentence": "evidence=4761 reason=None",
    "pair_per_sentence_dyads": "LimitExceeded(max_dyads",
    "literal_names": "evidence=3125 reason=None",
    "literal_one_sentence": "LimitExceeded(max_mentions_per_sentence",
    "cameo_roles": "evidence=2127 reason=None",
    "long_sentence": "evidence=1 reason=None",
    "punctuation_run": "evidence=1 reason=None",
    "unclosed_script": "evidence=1 reason=None",
    "unclosed_comment": "evidence=1 reason=None",
    "sixteen_one_sentence": "dyads=240",
    "sixteen_eight_sentences": "dyads=240",
    "format_characters": "evidence=4347 reason=None",
    "fullwidth": "evidence=4761 reason=None",
    "seventeen_actors": "LimitExceeded(max_pairs_per_sentence, found=272)",
    "every_actor_sentence": "LimitExceeded(max_mentions_per_sentence",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_worst_case_per_request(predictor, cases, name):
    method, text, kwargs = cases[name]
    start = time.perf_counter()
    outcome = run(predictor, method, text, kwargs)
    elapsed = time.perf_counter() - start
    assert EXPECTED[name] in outcome
    if "evidence=" in outcome and "stance=None" not in outcome:
        assert outcome.split()[0] in ("stance=support", "stance=oppose", "stance=neutral")
    assert elapsed < BOUND_S, (name, elapsed)


def test_every_hostile_input_is_covered(cases):
    assert set(cases) == set(EXPECTED)


def test_caps_name_themselves(predictor):
    with pytest.raises(LimitExceeded) as err:
        predictor.dyads(" and ".join(SIXTEEN + ("Peru",)) + " agreed.")
    assert (err.value.limit, err.value.value, err.value.found) == ("max_pairs_per_sentence", 240, 272)

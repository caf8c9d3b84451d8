"""The embedded corpus keeps the spread its data card promises (issue 3), so edits cannot shrink it."""

import collections
import glob
from pathlib import Path

import pytest

from training.articles import read_annotations
from training.fitting.dataset import BuildReport, examples_from_articles
from training.reading import read_articles

ROOT = Path(__file__).resolve().parent.parent
REGIONS = {  # at least one actor of every world region must act in the corpus (UN geoscheme regions)
    "Africa": {"NGA", "NER", "KEN", "ETH", "ZAF", "EGY", "SDN", "SSD", "AU", "ECOWAS"},
    "Americas": {"USA", "CAN", "MEX", "BRA", "ARG", "VEN", "CUB", "COL", "OAS"},
    "Asia": {"CHN", "JPN", "KOR", "PRK", "IND", "PAK", "TWN", "ASEAN", "VNM", "PHL"},
    "Europe": {"GBR", "FRA", "DEU", "RUS", "UKR", "POL", "EU", "NATO"},
    "Middle East": {"IRN", "ISR", "SAU", "TUR", "PSE", "ARE", "QAT", "GCC"},
    "Oceania": {"AUS", "NZL", "FJI", "SLB", "PNG"},
}


@pytest.fixture(scope="module")
def corpus(dictionary):
    articles = read_articles(ROOT / "data" / "corpus") + read_articles(ROOT / "seeds")
    notes = [a for f in sorted(glob.glob(str(ROOT / "data" / "annotations" / "*.jsonl"))) for a in read_annotations(f)]
    report = BuildReport()
    examples = examples_from_articles(articles, notes, dictionary, report)
    return articles, examples, report


def test_size(corpus, dictionary):
    from training.examples import prepare

    articles, examples, _ = corpus
    assert len(articles) >= 400 and len(examples) >= 2000
    lengths = [len(prepare(a.text, dictionary).sentences) for a in articles]
    assert sum(2 <= n <= 8 for n in lengths) >= 400


def test_every_annotation_matches_and_every_article_is_annotated(corpus):
    _, _, report = corpus
    assert report.unmatched_annotations == []
    assert report.unannotated_articles == []


def test_label_shares(corpus):
    _, examples, _ = corpus
    counts = collections.Counter(e["label"] for e in examples)
    shares = {label: counts[label] / len(examples) for label in ("support", "oppose", "neutral")}
    # enough of each stance to learn from, and a neutral share between authored leads and real copy
    assert shares["support"] >= 0.20 and shares["oppose"] >= 0.20, shares
    assert 0.30 <= shares["neutral"] <= 0.60, shares


def test_actors_regions_and_dyads(corpus):
    _, examples, _ = corpus
    actors = {e["source"] for e in examples} | {e["target"] for e in examples}
    assert len(actors) >= 60
    for region, codes in REGIONS.items():
        assert actors & codes, region
    dyads = collections.Counter(tuple(sorted((e["source"], e["target"]))) for e in examples)
    (top, n), = dyads.most_common(1)
    assert n / len(examples) <= 0.03, top


def test_dates_spread_over_years(corpus):
    articles = [a for a in corpus[0] if not a.origin.startswith(str(ROOT / "seeds"))]  # the seed has no date
    years = {a.date.year for a in articles if a.date}
    assert all(a.date for a in articles)
    assert len(years) >= 20 and min(years) <= 2005 and max(years) >= 2024


def _labels(examples, doc_id, sentence):
    return {(e["source"], e["target"]): e["label"] for e in examples
            if e["doc_id"] == doc_id and e["sentence_index"] == sentence}


def test_cameo_04_leads_are_support_both_ways_and_01_02_leads_neutral(corpus):
    """Consultations, calls, visits and meetings (CAMEO 04) are cooperation; statements and appeals are not."""
    _, examples, _ = corpus
    for n in range(53, 61):
        labels = _labels(examples, f"cameo-{n:03d}", 0)
        assert len(labels) == 2 and set(labels.values()) == {"support"}, (n, labels)
    for n in range(1, 33):
        labels = _labels(examples, f"cameo-{n:03d}", 0)
        assert labels and set(labels.values()) == {"neutral"}, (n, labels)


@pytest.mark.parametrize("doc_id,sentence,expected", [
    # a meeting or call between two actors: both directions
    ("eur-008", 0, {("USA", "RUS"): "support", ("RUS", "USA"): "support"}),
    ("mea-066", 0, {("NGA", "USA"): "support", ("USA", "NGA"): "support"}),
    ("amg-033", 2, {("CHN", "USA"): "support", ("USA", "CHN"): "support"}),  # talks without agreement
    ("mea-080", 3, {("RUS", "ISR"): "support", ("ISR", "RUS"): "support"}),  # an appeal made in a call
    # a visit: the visitor and the host
    ("apac-053", 0, {("USA", "MMR"): "support", ("MMR", "USA"): "support"}),
    ("hard-047", 1, {("CHN", "PAK"): "support", ("PAK", "CHN"): "support"}),
    # talks hosted or mediated by a third actor: each party and the host support each other
    ("mea-083", 0, {("USA", "EGY"): "support", ("EGY", "USA"): "support", ("ETH", "USA"): "support",
                    ("EGY", "ETH"): "support"}),
    ("apac-016", 1, {("IDN", "CHN"): "support", ("CHN", "IDN"): "support"}),  # the summit's host
    # co-presence at a third party's meeting, separate talks, a visit to a disputed place: neutral
    ("hard-003", 2, {("EGY", "SAU"): "neutral", ("SAU", "EGY"): "neutral"}),
    ("apac-011", 2, {("JPN", "IND"): "neutral", ("IND", "JPN"): "neutral"}),
    ("hard-094", 0, {("RUS", "JPN"): "neutral", ("JPN", "RUS"): "oppose"}),
    ("amg-039", 0, {("RUS", "ZAF"): "neutral", ("ZAF", "RUS"): "neutral"}),  # will not travel
    # talks that went badly, a boycott and a cancelled summit carry the stated stance
    ("eur-061", 2, {("UKR", "RUS"): "oppose", ("RUS", "UKR"): "oppose"}),
    ("mea-064", 2, {("USA", "ISR"): "support", ("ISR", "USA"): "oppose"}),
    ("amg-028", 0, {("MEX", "USA"): "oppose", ("USA", "MEX"): "neutral"}),
    ("eur-056", 0, {("USA", "RUS"): "oppose"}),
])
def test_meeting_rules_in_the_annotations(corpus, doc_id, sentence, expected):
    _, examples, _ = corpus
    labels = _labels(examples, doc_id, sentence)
    assert {pair: labels.get(pair) for pair in expected} == expected


def test_every_embedded_annotation_file_says_it_is_complete():
    """The project's annotation files label every pair of their articles: the format says so (a header row), so
    their unlabelled pairs are taught as neutral, while a user's files (no header) are partial."""
    files = [Path(f) for folder in ("data/annotations", "data/news/annotations", "data/news/second")
             for f in sorted(glob.glob(str(ROOT / folder / "*.jsonl")))]
    assert len(files) >= 12
    for f in files:
        assert f.read_text(encoding="utf-8").splitlines()[0] == '{"complete": true}', f
        assert all(a.complete for a in read_annotations(f)), f


def test_completeness_rows(tmp_path):
    from training.articles import DataError

    p = tmp_path / "a.jsonl"
    p.write_text('{"doc_id": "d1", "source": "CHN", "target": "RUS", "label": "support", "sentence": 0}\n'
                 '{"doc_id": "d2", "source": "CHN", "target": "RUS", "label": "oppose", "sentence": 0}\n'
                 '{"doc_id": "d2", "complete": true}\n', encoding="utf-8")
    assert [(a.doc_id, a.complete) for a in read_annotations(p)] == [("d1", False), ("d2", True)]
    p.write_text('{"doc_id": "d1", "source": "CHN", "target": "RUS", "label": "support"}\n{"complete": true}\n')
    with pytest.raises(DataError, match=r"a.jsonl:2: a file-wide \{\"complete\": ...\} row must be the first row"):
        read_annotations(p)
    p.write_text('{"complete": "yes"}\n')
    with pytest.raises(DataError, match=r"a.jsonl:1: field 'complete' must be true or false"):
        read_annotations(p)

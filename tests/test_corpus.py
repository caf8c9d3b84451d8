"""The embedded corpus keeps the spread its data card promises (issue 3), so edits cannot shrink it."""

import collections
import glob
from pathlib import Path

import pytest

from training.articles import read_annotations, read_articles
from training.dataset import BuildReport, examples_from_articles

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
    for label in ("support", "oppose", "neutral"):
        assert 0.25 <= counts[label] / len(examples) <= 0.45, (label, counts)


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

"""Example building: candidate pairs per sentence, labels from annotations, labelled-pair rows."""

import datetime as dt

from training.articles import Annotation, Article, LabelledPair
from training.dataset import BuildReport, examples_from_articles, examples_from_pairs, to_dataset
from training.examples import candidate_examples, prepare


def test_ordered_pairs_of_distinct_actors_per_sentence(dictionary):
    doc = prepare("China praised Russia and Beijing thanked Moscow. Iran was absent.", dictionary)
    ex = candidate_examples(doc)
    assert [(e["sentence_index"], e["source"], e["target"]) for e in ex] == [(0, "CHN", "RUS"), (0, "RUS", "CHN")]
    e = ex[0]
    assert [e["text"][s:t] for s, t in e["source_spans"]] == ["China", "Beijing"]
    assert [e["text"][s:t] for s, t in e["target_spans"]] == ["Russia", "Moscow"]


def test_other_actors_are_marked(dictionary):
    [e, *_] = candidate_examples(prepare("India welcomed Japan's offer but rejected China's plan.", dictionary))
    assert (e["source"], e["target"]) == ("IND", "JPN")
    assert [e["text"][s:t] for s, t in e["other_spans"]] == ["China"]


def test_annotations_label_pairs_and_rest_is_neutral(dictionary):
    art = Article("a1", "Greece accused Turkey of provocations. Both met in Brussels.", date=dt.date(2020, 1, 1))
    report = BuildReport()
    ex = examples_from_articles([art], [Annotation("a1", "Greece", "TUR", "oppose", 0, "x:1"),
                                        Annotation("a1", "CHN", "RUS", "oppose", None, "x:2")], dictionary, report)
    labels = {(e["source"], e["target"]): e["label"] for e in ex}
    assert labels == {("GRC", "TUR"): "oppose", ("TUR", "GRC"): "neutral"}
    assert report.unmatched_annotations == ["x:2"]


def test_unannotated_articles_are_skipped(dictionary):
    report = BuildReport()
    assert examples_from_articles([Article("z", "China praised Russia.")], [], dictionary, report) == []
    assert report.unannotated_articles == ["z"]


def test_labelled_pairs_with_spans_and_codes(dictionary):
    rows = [
        LabelledPair("r1", "d1", "The stopover came as the US leader met Chinese officials.", "USA", "CHN", "support"),
        LabelledPair("r2", "d2", "Senator Smith attacked Governor Jones over the budget.", "Smith", "Jones", "oppose",
                     source_span="Senator Smith", target_span="Jones"),
        LabelledPair("r3", "d3", "Nobody here.", "USA", "CHN", "neutral"),
    ]
    report = BuildReport()
    ex = examples_from_pairs(rows, dictionary, report)
    assert [(e["id"], e["source"], e["target"], e["label"]) for e in ex] == [
        ("r1", "USA", "CHN", "support"), ("r2", "Smith", "Jones", "oppose")]
    assert report.pairs_without_shared_sentence == 1
    assert ex[1]["text"][slice(*ex[1]["source_spans"][0])] == "Senator Smith"


def test_dataset_has_classlabel(dictionary):
    ex = examples_from_pairs([LabelledPair("r1", "d1", "China praised Russia.", "CHN", "RUS", "support")], dictionary)
    ds = to_dataset(ex)
    assert ds.features["label"].names == ["support", "oppose", "neutral"]
    assert ds[0]["label"] == 0 and ds[0]["source"] == "CHN"

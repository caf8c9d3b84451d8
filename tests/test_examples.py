"""Example building: candidate pairs per sentence, labels from annotations, labelled-pair rows."""

import datetime as dt

from training.articles import Annotation, Article, LabelledPair
from training.examples import candidate_examples, prepare
from training.fitting.dataset import BuildReport, examples_from_articles, examples_from_pairs, to_dataset


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


def test_annotations_label_pairs_and_rest_is_neutral_when_complete(dictionary):
    art = Article("a1", "Greece accused Turkey of provocations. Both met in Brussels.", date=dt.date(2020, 1, 1))
    report = BuildReport()
    ex = examples_from_articles([art], [Annotation("a1", "Greece", "TUR", "oppose", 0, "x:1", complete=True),
                                        Annotation("a1", "CHN", "RUS", "oppose", None, "x:2", complete=True)],
                                dictionary, report)
    labels = {(e["source"], e["target"]): e["label"] for e in ex}
    assert labels == {("GRC", "TUR"): "oppose", ("TUR", "GRC"): "neutral"}
    assert report.unmatched_annotations == ["x:2"]
    assert report.inputs == {"x": {"complete_articles": 1, "partial_articles": 0, "labelled": 1,
                                   "neutral_by_completeness": 1}}


def test_partial_annotations_train_only_the_pairs_labelled(dictionary):
    text = "Russia fired missiles at Ukrainian cities. Germany promised Ukraine air defence. Greece accused Turkey."
    art = Article("a1", text)
    report = BuildReport()
    ex = examples_from_articles([art], [Annotation("a1", "GRC", "TUR", "oppose", 2, "mine.jsonl:1")], dictionary,
                                report)
    assert [(e["id"], e["label"]) for e in ex] == [("a1:2:GRC>TUR", "oppose")]
    assert report.inputs["mine.jsonl"] == {"complete_articles": 0, "partial_articles": 1, "labelled": 1,
                                           "neutral_by_completeness": 0}


def test_a_partial_article_whose_only_label_matches_nothing_teaches_nothing(dictionary):
    report = BuildReport()
    ex = examples_from_articles([Article("a1", "Russia attacked Ukraine.")],
                                [Annotation("a1", "RUS", "UKRR", "oppose", 0, "mine.jsonl:1")], dictionary, report)
    assert ex == []
    assert report.unmatched[0]["reason"] == "unknown_actor"


def test_later_labels_win_and_conflicts_name_both_places(dictionary):
    art = Article("a1", "Greece accused Turkey of provocations.")
    report = BuildReport()
    ex = examples_from_articles([art], [Annotation("a1", "GRC", "TUR", "oppose", 0, "a.jsonl:3"),
                                        Annotation("a1", "Greece", "Turkey", "oppose", 0, "b.jsonl:1"),
                                        Annotation("a1", "GRC", "TUR", "neutral", None, "b.jsonl:7")],
                                dictionary, report)
    assert [(e["id"], e["label"]) for e in ex] == [("a1:0:GRC>TUR", "neutral")]
    assert [c["where"] for c in report.conflicts] == [["b.jsonl:1", "b.jsonl:7"]]
    assert report.conflicts[0]["message"] == ("conflicting labels for a1:0:GRC>TUR: oppose at b.jsonl:1, neutral at "
                                              "b.jsonl:7; the later one (neutral) is used")


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


def test_cameo_sub_actors_of_one_state_are_told_apart(dictionary):
    from training.examples import pair_examples, resolve_in

    doc = prepare("Georgian demonstrators launched missiles at the Georgian government.", dictionary)
    src, tgt = resolve_in(doc, dictionary, "GEOOPP"), resolve_in(doc, dictionary, "GEOGOV")
    assert [m.text for m in src.mentions] == ["Georgian demonstrators"]
    assert [m.text for m in tgt.mentions] == ["Georgian government"]
    [e] = pair_examples(doc, src, tgt)
    assert (e["source"], e["target"]) == ("GEOOPP", "GEOGOV")


def test_cameo_government_includes_leaders_and_stateless_roles(dictionary):
    from training.examples import resolve_in

    doc = prepare("Obama faces pressure from Congress to help Iran.", dictionary, date=dt.date(2014, 5, 1))
    assert [m.text for m in resolve_in(doc, dictionary, "USAGOV").mentions] == ["Obama"]
    assert [m.text for m in resolve_in(doc, dictionary, "---LEG").mentions] == ["Congress"]
    doc = prepare("Turkish troops crossed into Syria.", dictionary)
    assert [m.text for m in resolve_in(doc, dictionary, "TURMIL").mentions] == ["Turkish troops"]
    assert [m.text for m in resolve_in(doc, dictionary, "SYRGOV").mentions] == ["Syria"]  # no agent: the state


def test_labelled_spans_keep_two_mentions_of_one_state_apart(dictionary):
    row = LabelledPair("r", "d", "Trump attacked the U.S. trade deficit with China.", "Trump", "U.S.", "oppose",
                       source_span="Trump", target_span="U.S.")
    [e] = examples_from_pairs([row], dictionary)
    assert (e["source"], e["target"]) == ("Trump", "U.S.")
    assert [e["text"][s:t] for s, t in e["target_spans"]] == ["U.S."]


def test_hidden_names_give_examples_with_spans_into_the_sentence(dictionary):
    from training.examples import pair_examples, resolve_pair

    doc = prepare("Talks ended. \uff23\uff48\uff49\uff4e\uff41 backed Rus\u00adsia.", dictionary)
    src, tgt = resolve_pair(doc, dictionary, "Chi\u200bna", "\uff32\uff35\uff33")
    [e] = pair_examples(doc, src, tgt)
    assert (e["source"], e["target"], e["sentence_index"], e["sentence_start"]) == ("CHN", "RUS", 1, 13)
    assert [e["text"][s:t] for s, t in e["source_spans"]] == ["\uff23\uff48\uff49\uff4e\uff41"]
    assert [e["text"][s:t] for s, t in e["target_spans"]] == ["Rus\u00adsia"]


def _reference_pair_examples(doc, source, target):
    """The former all-pairs version of pair_examples: every mention tested against every sentence."""
    def overlaps(m, ms):
        return any(m.start < o.end and o.start < m.end for o in ms)

    out = []
    for i, s in enumerate(doc.sentences):
        src = [m for m in source.mentions if s.start <= m.start and m.end <= s.end]
        tgt = [m for m in target.mentions if s.start <= m.start and m.end <= s.end and not overlaps(m, src)]
        if src and tgt:
            others = [m for m in doc.sentence_mentions(i) if not overlaps(m, src) and not overlaps(m, tgt)]
            out.append((i, [(m.start, m.end) for m in src], [(m.start, m.end) for m in tgt],
                        [(m.start, m.end) for m in others]))
    return out


def test_pair_examples_match_the_all_pairs_reference(dictionary):
    import random

    from training.examples import pair_examples, resolve_pair

    rng = random.Random(11)
    words = ["China", "Beijing", "Russia", "Moscow", "Iran", "the EU", "backed", "and", "met", ".", "Mr.",
             "Wagner Group", "U.S.", "Xi Jinping"]
    for _ in range(300):
        doc = prepare(" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))), dictionary,
                      date=dt.date(2022, 1, 1))
        for source, target, span in (("China", "Russia", None), ("EU", "Wagner Group", None),
                                     ("China", "USA", "Beijing")):
            src, tgt = resolve_pair(doc, dictionary, source, target, span)
            got = [(e["sentence_index"],
                    *([(a + e["sentence_start"], b + e["sentence_start"]) for a, b in e[k]]
                      for k in ("source_spans", "target_spans", "other_spans")))
                   for e in pair_examples(doc, src, tgt)]
            assert got == _reference_pair_examples(doc, src, tgt)


def test_literal_mentions_count_against_the_mention_cap(dictionary):
    import pytest

    from training.examples import pair_examples, resolve_pair
    from training.limits import LimitExceeded, Limits

    doc = prepare("Wagner Group and Hamas " * 60 + "fought.", dictionary)
    src, tgt = resolve_pair(doc, dictionary, "Wagner Group", "Hamas")
    with pytest.raises(LimitExceeded) as err:
        pair_examples(doc, src, tgt)
    assert (err.value.limit, err.value.found) == ("max_mentions_per_sentence", 120)
    assert len(pair_examples(doc, src, tgt, limits=Limits(max_mentions_per_sentence=120))) == 1

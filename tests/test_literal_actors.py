"""Annotations may name actors the dictionary does not know (people, parties): they act in their article."""

from training.articles import Annotation, Article
from training.fitting.dataset import BuildReport, examples_from_articles


def _examples(dictionary, text, notes):
    article = Article(id="a1", text=text)
    report = BuildReport()
    anns = [Annotation("a1", s, t, label, sentence, f"x:{k}", complete=True)
            for k, (s, t, label, sentence) in enumerate(notes)]
    return {(e["sentence_index"], e["source"], e["target"]): e["label"]
            for e in examples_from_articles([article], anns, dictionary, report)}, report


def test_literal_people_get_labelled_and_neutral_examples(dictionary):
    text = ("Senator Ann Kowal accused Governor Piet Marsh of hiding the budget figures. "
            "Kowal and Marsh later spoke at the same fair in Ohio, where Canada had a stand.")
    got, report = _examples(dictionary, text, [("Ann Kowal", "Piet Marsh", "oppose", 0)])
    assert report.unmatched_annotations == []
    assert got[(0, "Ann Kowal", "Piet Marsh")] == "oppose"
    assert got[(0, "Piet Marsh", "Ann Kowal")] == "neutral"  # unannotated pair of an annotated article


def test_literal_and_dictionary_actors_pair_up(dictionary):
    text = "Mayor Lina Oduya praised Kenya's new housing law on Friday."
    got, _ = _examples(dictionary, text, [("Lina Oduya", "KEN", "support", 0)])
    assert got == {(0, "Lina Oduya", "KEN"): "support", (0, "KEN", "Lina Oduya"): "neutral"}


def test_people_are_found_by_surname_after_first_mention(dictionary):
    text = "Ann Kowal and Piet Marsh were both named in the audit on Monday. Later, Kowal criticised Marsh over it."
    got, _ = _examples(dictionary, text, [("Ann Kowal", "Piet Marsh", "oppose", 1)])
    assert got[(1, "Ann Kowal", "Piet Marsh")] == "oppose"
    assert got[(0, "Ann Kowal", "Piet Marsh")] == "neutral"


def test_organisation_names_are_not_cut_to_their_last_word(dictionary):
    from training.document import _name_forms

    assert _name_forms("Labour Party") == ["Labour Party"]
    assert _name_forms("Ann Kowal") == ["Ann Kowal", "Kowal"]


def test_a_surname_shared_by_two_people_is_nobody(dictionary):
    text = "Rosa Lind and Carl Lind both spoke. Later, Lind praised Ann Kowal."
    notes = [("Rosa Lind", "Carl Lind", "neutral", 0), ("Ann Kowal", "Carl Lind", "neutral", 0)]
    got, _ = _examples(dictionary, text, notes)
    assert not any(i == 1 and "Lind" in (s + t) for i, s, t in got)

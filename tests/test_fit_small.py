"""Training on small and mixed data: a user's 3 articles and 11 annotations, folds fitted to the data,
--test-size 0, --add-default, and annotations that match nothing reported with their reason."""

import json

import pytest

from training.articles import DataError
from training.artifact import read_artifact
from training.fitting import fit
from training.fitting.crossval import choose_folds
from training.fitting.summary import small_heldout_warnings

ARTICLES = {
    "a1": ("Week of praise and blame", "China praised Russia for its steady help. Japan condemned North Korea "
           "over the missile launch. Kenya and Ghana attended the summit."),
    "a2": ("Loans and sabotage", "France thanked Germany for the loan. Iran accused Israel of sabotage. Brazil "
           "and Chile sent delegates."),
    "a3": ("Investment and strikes", "India welcomed Japan's investment plan. Pakistan denounced India over the "
           "strikes. Peru mentioned Spain in a speech."),
}
NOTES = [("a1", "China", "Russia", "support", 0), ("a1", "JPN", "PRK", "oppose", 1), ("a1", "KEN", "GHA", "neutral", 2),
         ("a1", "GHA", "KEN", "neutral", 2), ("a2", "FRA", "DEU", "support", 0), ("a2", "IRN", "ISR", "oppose", 1),
         ("a2", "ISR", "IRN", "neutral", 1), ("a3", "IND", "JPN", "support", 0), ("a3", "PAK", "IND", "oppose", 1),
         ("a3", "IND", "PAK", "neutral", 1), ("a3", "ESP", "PER", "neutral", 2)]


def write_notes(path, notes, *, complete=False):
    path.write_text('{"complete": true}\n' * complete + "".join(
        json.dumps({"doc_id": d, "source": s, "target": t, "label": lab, "sentence": i}) + "\n"
        for d, s, t, lab, i in notes), encoding="utf-8")
    return path


@pytest.fixture
def user(tmp_path):
    """The issue's scenario: a folder of 3 articles (title on the first line) and a file of 11 annotations."""
    arts = tmp_path / "arts"
    arts.mkdir()
    for doc_id, (title, body) in ARTICLES.items():
        (arts / f"{doc_id}.txt").write_text(f"{title}\n{body}\n", encoding="utf-8")
    return arts, write_notes(tmp_path / "notes.jsonl", NOTES)


def train(tmp_path, *argv):
    out = tmp_path / "m.joblib"
    code = fit.main([*argv, "--out", str(out), "--cache-dir", str(tmp_path / "cache")])
    meta = read_artifact(out)[1] if code == 0 else None
    return code, meta


def test_three_articles_default_split_names_the_flags(user, tmp_path, capsys):
    arts, notes = user
    code, _ = train(tmp_path, "--articles", str(arts), "--annotations", str(notes))
    err = capsys.readouterr().err
    assert code == 2
    assert "need at least 5 distinct articles to hold out 20%, got 3" in err
    assert "--test-size 0" in err and "--add-default" in err and "Traceback" not in err


def test_three_articles_test_size_0_fits_everything_with_a_cv_estimate(user, tmp_path, capsys):
    arts, _ = user
    notes = write_notes(tmp_path / "complete.jsonl", NOTES, complete=True)  # every pair of the articles annotated
    code, meta = train(tmp_path, "--articles", str(arts), "--annotations", str(notes), "--test-size", "0",
                       "--json")
    out = capsys.readouterr().out
    assert code == 0
    assert meta["data"]["n_articles"] == 3 and meta["data"]["n_test"] == 0 and meta["data"]["n_train"] == 18
    assert meta["data"]["annotation_inputs"] == {str(notes): {"complete_articles": 3, "partial_articles": 0,
                                                              "labelled": 11, "neutral_by_completeness": 7}}
    assert f"{notes}: 11 labelled examples, 7 taken as neutral by completeness (3 complete, 0 partial articles)" in out
    assert meta["data"]["label_counts"] == {"support": 3, "oppose": 3, "neutral": 12}
    assert meta["metrics"]["heldout"] is None
    cv = meta["metrics"]["cross_validated"]
    assert cv["folds"] == 3 and cv["n"] == 18 and 0.0 <= cv["macro_f1"] <= 1.0
    assert "grouped cross-validation" in meta["metrics"]["estimate"]
    assert "grouped 3-fold cross-validation over all 3 articles (no held-out part)" in out
    assert "ECE, expected calibration error: how far the stated confidence is from the observed accuracy" in out
    assert "n counts directed pairs of actors in a sentence" in out
    assert json.loads(out.strip().splitlines()[-1])["cross_validated"]["folds"] == 3


def test_too_many_folds_is_a_clear_error(user, tmp_path, capsys):
    arts, notes = user
    code, _ = train(tmp_path, "--articles", str(arts), "--annotations", str(notes), "--test-size", "0",
                    "--cv-folds", "4")
    err = capsys.readouterr().err
    assert code == 2
    assert "--cv-folds 4 is more than the data allows" in err
    assert "support in 3, oppose in 3, neutral in 3" in err and "Traceback" not in err


def test_sigmoid_calibration_on_small_data_is_a_clear_error(user, tmp_path, capsys):
    arts, notes = user
    code, _ = train(tmp_path, "--articles", str(arts), "--annotations", str(notes), "--test-size", "0",
                    "--no-search", "--calibration", "sigmoid")
    err = capsys.readouterr().err
    assert code == 2 and "--calibration sigmoid" in err and "'support': 3" in err


def test_choose_folds_lowers_the_default_or_refuses():
    y = ["support", "oppose", "neutral"] * 3
    groups = ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    assert choose_folds(y, groups, requested=None, what="x") == 3  # the default 4, lowered to 3 articles per label
    assert choose_folds(y, groups, requested=2, what="x") == 2
    with pytest.raises(DataError, match="x needs every label in at least 2 articles.*oppose in 1"):
        choose_folds(["support", "oppose", "neutral"], ["a", "a", "b"], requested=None, what="x")


def test_annotations_folder_and_repeated_files(user, tmp_path):
    arts, notes = user
    folder = tmp_path / "notes_dir"
    folder.mkdir()
    write_notes(folder / "part1.jsonl", NOTES[:6])
    write_notes(folder / "part2.jsonl", NOTES[6:])
    code, meta = train(tmp_path, "--articles", str(arts), "--annotations", str(folder), "--test-size", "0",
                       "--no-search")
    assert code == 0 and meta["data"]["label_counts"]["support"] == 3
    assert [(i["kind"], i["path"]) for i in meta["inputs"][:2]] == [("articles", str(arts)),
                                                                     ("annotations", str(folder))]
    one, two = write_notes(tmp_path / "one.jsonl", NOTES[:6]), write_notes(tmp_path / "two.jsonl", NOTES[6:])
    code, again = train(tmp_path, "--articles", str(arts), "--annotations", str(one), "--annotations", str(two),
                        "--test-size", "0", "--no-search")
    assert code == 0 and again["data"]["label_counts"] == meta["data"]["label_counts"]
    assert [i["kind"] for i in again["inputs"]] == ["articles", "annotations", "annotations", "actors"]


@pytest.mark.parametrize("where,message", [
    ("nope.jsonl", "nope.jsonl: no such annotation file or folder (--annotations)"),
    ("empty_dir", "empty_dir: no .jsonl annotation files in this folder"),
])
def test_bad_annotation_paths(user, tmp_path, capsys, where, message):
    arts, _ = user
    (tmp_path / "empty_dir").mkdir()
    code, _ = train(tmp_path, "--articles", str(arts), "--annotations", str(tmp_path / where), "--test-size", "0")
    assert code == 2 and message in capsys.readouterr().err


def test_articles_without_annotations_say_so(user, tmp_path, capsys):
    arts, _ = user
    code, _ = train(tmp_path, "--articles", str(arts), "--test-size", "0")
    assert code == 2
    assert "the articles have no annotations: pass --annotations FILE_OR_FOLDER" in capsys.readouterr().err


BAD = [("a1", "Atlantis", "RUS", "oppose", 0), ("zz", "CHN", "RUS", "oppose", 0), ("a1", "CHN", "RUS", "oppose", 7),
       ("a1", "CHN", "RUS", "oppose", 1), ("a2", "CHN", "RUS", "oppose", None)]


def test_unmatched_annotations_are_reported_with_reason_file_and_line(user, tmp_path, capsys):
    arts, notes = user
    bad = write_notes(tmp_path / "bad.jsonl", BAD)
    code, meta = train(tmp_path, "--articles", str(arts), "--annotations", str(notes), "--annotations", str(bad),
                       "--test-size", "0", "--no-search")
    out = capsys.readouterr().out
    assert code == 0
    assert meta["data"]["unmatched_annotations"] == 5
    assert [(u["where"], u["reason"]) for u in meta["data"]["unmatched"]] == [
        (f"{bad}:2", "unknown_document"), (f"{bad}:1", "unknown_actor"), (f"{bad}:3", "sentence_out_of_range"),
        (f"{bad}:4", "pair_not_in_sentence"), (f"{bad}:5", "actor_not_in_article")]
    assert "5 annotations matched nothing" in out
    assert f"{bad}:1: unknown actor 'Atlantis'" in out
    assert f"{bad}:2: unknown document 'zz'" in out
    assert (f"{bad}:3: sentence index 7 is out of range: article 'a1' has 3 sentences, numbered from 0 over the "
            "body (the title is not counted)") in out
    assert f"{bad}:4: pair CHN -> RUS is not in sentence 1 of article 'a1'; it shares sentences [0]" in out
    assert f"{bad}:5: actor 'CHN' (CHN) is not found in article 'a2'" in out


def test_strict_makes_unmatched_annotations_errors(user, tmp_path, capsys):
    arts, notes = user
    bad = write_notes(tmp_path / "bad.jsonl", BAD[:2])
    code, _ = train(tmp_path, "--articles", str(arts), "--annotations", str(notes), "--annotations", str(bad),
                    "--test-size", "0", "--no-search", "--strict")
    err = capsys.readouterr().err
    assert code == 2
    assert "--strict: 2 annotations matched nothing" in err
    assert f"{bad}:1: unknown actor 'Atlantis'" in err and f"{bad}:2: unknown document 'zz'" in err


def test_small_heldout_warning():
    assert small_heldout_warnings(200, 40) == []
    [w] = small_heldout_warnings(12, 2)
    assert "the held-out part is small (12 examples from 2 articles" in w and "--test-size 0" in w


def test_add_default_adds_the_user_data_to_the_embedded_data(user, tmp_path, capsys):
    arts, notes = user
    code, meta = train(tmp_path, "--articles", str(arts), "--annotations", str(notes), "--add-default",
                       "--no-search", "--calibration", "none")
    assert code == 0
    kinds = [(i["kind"], i["path"]) for i in meta["inputs"]]
    assert ("articles", str(arts)) in kinds and ("annotations", str(notes)) in kinds
    assert ("articles", str(fit.DEFAULT_ARTICLES[1])) in kinds
    assert all(("annotations", str(p)) in kinds for p in fit.DEFAULT_ANNOTATIONS)
    assert ("articles", str(fit.DEFAULT_ARTICLES[2])) in kinds  # the real stories of data/news/
    assert meta["data"]["n_articles"] > 1000
    # only real stories have annotated pairs the dictionary does not find (data/news/CARD.md)
    assert {u["where"].split(":")[0].split("/")[-3] for u in meta["data"]["unmatched"]} == {"news"}
    assert meta["metrics"]["heldout"]["n"] > 30 and meta["warnings"] == []
    # the user's 11 partial labels train exactly 11 examples; every other example is the default data's
    inputs = meta["data"]["annotation_inputs"]
    assert inputs[str(notes)] == {"complete_articles": 0, "partial_articles": 3, "labelled": 11,
                                  "neutral_by_completeness": 0}
    assert sum(c["labelled"] + c["neutral_by_completeness"] for c in inputs.values()) == meta["data"]["n_examples"]
    assert all(c["partial_articles"] == 0 for name, c in inputs.items() if name != str(notes))
    assert meta["data"]["conflicts"] == []
    assert f"{notes}: 11 labelled examples, 0 taken as neutral by completeness (0 complete, 3 partial" in \
        capsys.readouterr().out


PAIRS = [("France", "Germany", "Iran", "Israel", "Brazil", "Chile"),
         ("Kenya", "Ghana", "India", "Pakistan", "Peru", "Spain"),
         ("Japan", "Canada", "Egypt", "Sudan", "Norway", "Mexico"),
         ("China", "Russia", "Greece", "Turkey", "Italy", "Poland")]


def test_small_heldout_part_is_warned_about(tmp_path, capsys):
    rows, notes = [], []
    for k in range(10):
        a, b, c, d, e, f = PAIRS[k % 4]
        doc = f"n{k}"
        rows.append({"id": doc, "title": f"Item {k}", "text": f"{a} praised {b} for the aid. {c} condemned {d} over "
                     f"the attack. {e} and {f} attended talks."})
        notes += [(doc, a, b, "support", 0), (doc, c, d, "oppose", 1)]
    arts = tmp_path / "arts.jsonl"
    arts.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    labels = write_notes(tmp_path / "n.jsonl", notes, complete=True)
    code, meta = train(tmp_path, "--articles", str(arts), "--annotations", str(labels), "--no-search")
    out = capsys.readouterr().out
    assert code == 0 and meta["data"]["n_test"] < 30
    assert "warning: the held-out part is small" in out
    assert meta["warnings"] and "use --test-size 0" in meta["warnings"][0]


def test_own_weight_counts_the_user_examples_more(user, tmp_path, capsys):
    import numpy as np

    from training.fitting.trainset import own_weights

    arts, notes = user
    args = fit._parser().parse_args(["--articles", str(arts), "--annotations", str(notes), "--add-default",
                                     "--own-weight", "4"])
    w = own_weights(args, ["a1", "amg-001", "a3", "a3"])
    assert np.array_equal(w, [4.0, 1.0, 4.0, 4.0])
    args.own_weight = 1.0
    assert own_weights(args, ["a1"]) is None
    code, _ = train(tmp_path, "--articles", str(arts), "--annotations", str(notes), "--own-weight", "4",
                    "--test-size", "0")
    assert code == 2 and "--own-weight weighs your data against the default data: it needs --add-default" in \
        capsys.readouterr().err

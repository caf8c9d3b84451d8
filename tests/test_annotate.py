"""Choosing dyads to label and the labelling loop: uncertainty, spread, safe appends, resume, export/import."""

import io
import json

import numpy as np
import pytest

from training.annotation import annofile
from training.annotation.annotate import GUIDELINE, Proposal, highlight, label_loop, main
from training.annotation.select import candidate_key, select, uncertainty
from training.articles import Article, read_annotations
from training.fitting.dataset import BuildReport, examples_from_articles

ARTICLES = {
    "a1": ("Week of praise and blame", "China praised Russia for its steady help. Japan condemned North Korea "
           "over the missile launch. Kenya and Ghana attended the summit."),
    "a2": ("Loans and sabotage", "France thanked Germany for the loan. Iran accused Israel of sabotage. Brazil "
           "and Chile sent delegates."),
    "a3": ("Investment and strikes", "India welcomed Japan's investment plan. Pakistan denounced India over the "
           "strikes. Peru mentioned Spain in a speech."),
}


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "arts"
    d.mkdir()
    for doc_id, (title, body) in ARTICLES.items():
        (d / f"{doc_id}.txt").write_text(f"{title}\n{body}\n", encoding="utf-8")
    return d


def answers(*keys):
    it = iter(keys)

    def input_fn(prompt):
        try:
            return next(it)
        except StopIteration:
            raise EOFError from None
    return input_fn


def proposal(doc="d1", sentence=0, source="CHN", target="RUS", p=(0.4, 0.35, 0.25)):
    return Proposal(doc, sentence, source, target, source, target, "T", "2022-09-13", "China praised Russia.",
                    ((0, 5),), ((14, 20),), dict(zip(("support", "oppose", "neutral"), p)))


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_uncertainty_margin_and_entropy():
    proba = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.7, 0.2, 0.1]])
    assert np.allclose(uncertainty(proba, "margin"), [1.0, 0.0, 1.0, 0.5])
    ent = uncertainty(proba, "entropy")
    assert np.isclose(ent[2], 1.0) and np.isclose(ent[1], 0.0) and 0.5 < ent[0] < 0.7
    with pytest.raises(ValueError, match="unknown strategy 'random'"):
        uncertainty(proba, "random")


def test_select_spreads_over_articles_and_dyads_and_skips():
    cands = [{"doc_id": d, "sentence_index": s, "source": a, "target": b}
             for d, s, a, b in [("d1", 0, "A", "B"), ("d1", 1, "A", "B"), ("d1", 2, "C", "D"),
                                ("d2", 0, "A", "B"), ("d3", 0, "E", "F"), ("d3", 1, "G", "H")]]
    proba = np.array([[0.34, 0.33, 0.33]] * 3 + [[0.36, 0.34, 0.30], [0.6, 0.3, 0.1], [0.9, 0.05, 0.05]])
    # margins: 0.99, 0.99, 0.99, 0.98, 0.7, 0.15
    assert select(cands, proba, 6, per_article=None, dyad_penalty=0.0) == [0, 1, 2, 3, 4, 5]
    picked = select(cands, proba, 4, per_article=1, dyad_penalty=0.5)
    assert picked == [0, 4, 3]  # one per article; d2's repeated A->B (0.98 - 0.5) comes after d3's E->F (0.7)
    assert select(cands, proba, 3, per_article=2, dyad_penalty=0.5) == [0, 2, 4]
    skip = {candidate_key("d1", 0, "A", "B"), candidate_key("d3", None, "E", "F")}
    assert select(cands, proba, 3, per_article=None, dyad_penalty=0.0, skip=skip) == [1, 2, 3]


def test_highlight_brackets_and_colours():
    assert highlight("China praised Russia.", [(0, 5)], [(14, 20)], color=False) == "[[China]] praised {{Russia}}."
    coloured = highlight("China praised Russia.", [(0, 5)], [(14, 20)], color=True)
    assert coloured.startswith("\x1b[1;36mChina\x1b[0m") and "\x1b[1;33mRussia\x1b[0m" in coloured


def test_loop_appends_each_answer_with_skip_undo_and_guideline(tmp_path):
    out, shown = tmp_path / "ann.jsonl", io.StringIO()
    props = [proposal("d1", 0, "CHN", "RUS"), proposal("d1", 0, "RUS", "CHN"), proposal("d2", 3, "JPN", "PRK"),
             proposal("d3", 1, "IND", "PAK")]
    n = label_loop(props, out, input_fn=answers("s", "?", "k", "o", "u", "n", "x", "q"), output=shown, color=False)
    assert n == 2
    assert lines(out) == [
        {"doc_id": "d1", "source": "CHN", "target": "RUS", "label": "support", "sentence": 0},
        {"doc_id": "d2", "source": "JPN", "target": "PRK", "label": "neutral", "sentence": 3}]
    text = shown.getvalue()
    assert GUIDELINE.splitlines()[0] in text and "undone: JPN -> PRK oppose" in text
    assert "[[China]] praised {{Russia}}." in text and "model: support (support 0.40" in text
    assert "keys: s, o, n, k, u, q or ?" in text
    assert [a.label for a in read_annotations(out)] == ["support", "neutral"]  # training.fit reads it


def test_batch_ctrl_c_and_eof_keep_every_answer(tmp_path):
    out = tmp_path / "ann.jsonl"
    props = [proposal("d1", i) for i in range(5)]
    assert label_loop(props, out, input_fn=answers("s", "o", "n", "s"), output=io.StringIO(), batch=2) == 2
    assert [r["label"] for r in lines(out)] == ["support", "oppose"]

    keys = iter(["n"])

    def interrupted(prompt):
        for key in keys:
            return key
        raise KeyboardInterrupt

    assert label_loop(props[2:], out, input_fn=interrupted, output=io.StringIO()) == 1
    assert [r["sentence"] for r in lines(out)] == [0, 1, 2]


def test_torn_last_line_is_repaired(tmp_path):
    out = tmp_path / "ann.jsonl"
    out.write_text('{"doc_id": "d", "source": "CHN", "target": "RUS", "label": "oppose", "sentence": 0}\n{"doc_',
                   encoding="utf-8")
    assert annofile.repair(out)
    assert [a.label for a in read_annotations(out)] == ["oppose"]


def test_cli_labels_resume_and_match_training(folder, tmp_path, model_path, dictionary):
    out = tmp_path / "ann.jsonl"
    argv = ["--articles", str(folder), "--out", str(out), "--model", str(model_path)]
    assert main(argv + ["--batch", "2"], input_fn=answers("n", "s", "o"), output=io.StringIO()) == 0
    first = lines(out)
    assert len(first) == 2
    again = tmp_path / "again.jsonl"
    assert main(argv + ["--export", str(again)], output=io.StringIO()) == 0
    keys = {(r["doc_id"], r["sentence"], r["source"], r["target"]) for r in first}
    proposed = {(r["doc_id"], r["sentence"], r["source"], r["target"]) for r in lines(again)}
    assert len(proposed) == 6 and proposed.isdisjoint(keys)  # the second run resumes: nothing asked twice
    # the sentence numbers written are the ones training matches (0-based over the body, title apart)
    articles = [Article(d, body, title) for d, (title, body) in ARTICLES.items()]
    report = BuildReport()
    examples = examples_from_articles(articles, read_annotations(out), dictionary, report)
    assert report.unmatched == []
    labelled = {(e["doc_id"], e["sentence_index"], e["source"], e["target"]): e["label"] for e in examples}
    assert [labelled[k] for k in [(r["doc_id"], r["sentence"], r["source"], r["target"]) for r in first]] == \
        ["neutral", "support"]


def test_export_then_import(folder, tmp_path, model_path):
    csv_path, out = tmp_path / "proposals.csv", tmp_path / "ann.jsonl"
    argv = ["--articles", str(folder), "--out", str(out), "--model", str(model_path)]
    assert main(argv + ["--export", str(csv_path)], output=io.StringIO()) == 0
    import csv

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert len(rows) == 6 and all(r["label"] == "" for r in rows)
    assert set(rows[0]) >= {"doc_id", "sentence", "source", "target", "text", "guess", "p_support", "label"}
    assert abs(sum(float(rows[0][f"p_{k}"]) for k in ("support", "oppose", "neutral")) - 1) < 1e-3
    rows[0]["label"], rows[1]["label"], rows[2]["label"] = "Support", "maybe", "oppose"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["--import", str(csv_path), "--out", str(out)], output=io.StringIO()) == 2
    assert not out.exists()
    rows[1]["label"] = ""
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["--import", str(csv_path), "--out", str(out)], output=io.StringIO()) == 0
    got = lines(out)
    assert [r["label"] for r in got] == ["support", "oppose"]
    assert got[0]["sentence"] == int(rows[0]["sentence"]) and got[0]["doc_id"] == rows[0]["doc_id"]
    assert main(["--import", str(csv_path), "--out", str(out)], output=io.StringIO()) == 0  # idempotent
    assert len(lines(out)) == 2


def test_bad_label_is_reported_with_file_and_line(tmp_path, capsys):
    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps({"doc_id": "d", "sentence": 0, "source": "CHN", "target": "RUS", "label": ""}) + "\n"
                 + json.dumps({"doc_id": "d", "sentence": 1, "source": "CHN", "target": "RUS", "label": "pro"})
                 + "\n", encoding="utf-8")
    assert main(["--import", str(p), "--out", str(tmp_path / "a.jsonl")]) == 2
    err = capsys.readouterr().err
    assert f"{p}:2: label 'pro' is not one of support, oppose, neutral" in err
    assert "nothing imported" in err


def test_missing_model_is_a_clear_error(folder, tmp_path, capsys):
    assert main(["--articles", str(folder), "--out", str(tmp_path / "a.jsonl"),
                 "--model", str(tmp_path / "none.joblib")]) == 2
    assert capsys.readouterr().err.startswith("error: ")

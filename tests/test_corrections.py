"""Corrections replace, undo reaches earlier sessions, skips are remembered, and a whole article can be
said to be complete (issue 17)."""

import io
import json

from tests.test_annotate import answers, folder, lines, proposal  # noqa: F401 (fixture)
from training.annotation import annofile, skips
from training.annotation.annotate import label_loop, main
from training.articles import read_annotations


def row(label, sentence=0, source="CHN", target="RUS", doc="d1"):
    return annofile.annotation_row(doc, source, target, label, sentence)


def resolve(name):
    return {"China": "CHN", "Russia": "RUS"}.get(name, name)


def test_import_reports_new_replaced_unchanged_and_keeps_one_label_per_pair(tmp_path):
    out = tmp_path / "a.jsonl"
    assert annofile.import_rows(out, [row("oppose"), row("support", 1)]) == {"new": 2, "replaced": 0, "unchanged": 0}
    got = annofile.import_rows(out, [row("neutral", 0, "China", "Russia"), row("support", 1), row("oppose", 2)],
                               resolve=resolve)
    assert got == {"new": 1, "replaced": 1, "unchanged": 1}
    assert [(r["sentence"], r["label"]) for r in lines(out)] == [(1, "support"), (0, "neutral"), (2, "oppose")]
    assert [a.complete for a in read_annotations(out)] == [False] * 3  # what the tools write is partial


def test_label_row_appends_replaces_or_leaves_alone(tmp_path):
    out = tmp_path / "a.jsonl"
    assert annofile.label_row(out, row("oppose")) == "new"
    assert annofile.label_row(out, row("oppose")) == "unchanged"
    assert annofile.label_row(out, row("support", 3)) == "new"
    assert annofile.label_row(out, row("neutral")) == "replaced"
    assert [(r["sentence"], r["label"]) for r in lines(out)] == [(3, "support"), (0, "neutral")]
    with out.open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "d1", "sou')  # a write torn by a crash
    assert annofile.label_row(out, row("oppose", 5)) == "new"
    assert [(r["sentence"], r["label"]) for r in lines(out)] == [(3, "support"), (0, "neutral"), (5, "oppose")]


def test_undo_reaches_an_earlier_session_and_asks_again(tmp_path):
    out = tmp_path / "a.jsonl"
    first = [proposal("d1", 0), proposal("d2", 1), proposal("d3", 2)]
    assert label_loop(first, out, input_fn=answers("s", "o", "q"), output=io.StringIO()) == 2
    shown = io.StringIO()
    recalled = []

    def recall(r):
        recalled.append(r)
        return proposal(r["doc_id"], r["sentence"])

    # a new session: u removes the earlier session's last label and asks it again; n answers it
    n = label_loop([proposal("d3", 2)], out, input_fn=answers("u", "n", "q"), output=shown, recall=recall)
    assert n == 1 and recalled[0]["doc_id"] == "d2" and recalled[0]["label"] == "oppose"
    assert "undone (an earlier label): d2 sentence 1: CHN -> RUS oppose" in shown.getvalue()
    assert [(r["doc_id"], r["label"]) for r in lines(out)] == [("d1", "support"), ("d2", "neutral")]
    # without a way to rebuild it, the pair is left for the next run; with nothing left, it says so
    shown = io.StringIO()
    label_loop([proposal("d9", 0)], out, input_fn=answers("u", "u", "u", "q"), output=shown)
    assert lines(out) == [] and "it will be proposed again on the next run" in shown.getvalue()
    assert "nothing to undo" in shown.getvalue()


def test_skips_are_remembered_and_can_be_undone(tmp_path):
    out = tmp_path / "a.jsonl"
    props = [proposal("d1", 0), proposal("d2", 1), proposal("d3", 2)]
    label_loop(props, out, input_fn=answers("k", "k", "u", "s", "q"), output=io.StringIO())
    assert skips.skipped_keys(out) == {("d1", 0, "CHN", "RUS")}
    assert [r["doc_id"] for r in lines(out)] == ["d2"]


def test_cli_skips_hold_between_runs_and_retry_brings_them_back(folder, tmp_path, model_path):  # noqa: F811
    out, export = tmp_path / "a.jsonl", tmp_path / "p.jsonl"
    argv = ["--articles", str(folder), "--out", str(out), "--model", str(model_path)]
    assert main(argv, input_fn=answers("k", "s", "q"), output=io.StringIO()) == 0
    [skipped] = skips.skipped_keys(out)
    labelled = {(r["doc_id"], r["sentence"], r["source"], r["target"]) for r in lines(out)}
    assert main(argv + ["--export", str(export)], output=io.StringIO()) == 0
    proposed = {(r["doc_id"], r["sentence"], r["source"], r["target"]) for r in lines(export)}
    assert skipped not in proposed and not proposed & labelled
    assert main(argv + ["--export", str(export), "--retry-skipped"], output=io.StringIO()) == 0
    assert skipped in {(r["doc_id"], r["sentence"], r["source"], r["target"]) for r in lines(export)}


def test_cli_import_says_what_changed_and_complete_marks_an_article(tmp_path):
    props, out = tmp_path / "p.jsonl", tmp_path / "a.jsonl"
    rows = [{"doc_id": "a1", "sentence": 0, "source": "CHN", "target": "RUS", "label": "oppose"},
            {"doc_id": "a1", "sentence": 1, "source": "JPN", "target": "PRK", "label": "oppose"}]
    props.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    shown = io.StringIO()
    assert main(["--import", str(props), "--out", str(out)], output=shown) == 0
    rows[0]["label"], rows[0]["source"], rows[0]["target"] = "support", "China", "Russia"  # a correction, by name
    props.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["--import", str(props), "--out", str(out)], output=shown) == 0
    assert shown.getvalue().splitlines() == [f"imported into {out}: 2 new, 0 replaced, 0 unchanged labels",
                                             f"imported into {out}: 0 new, 1 replaced, 1 unchanged labels"]
    assert [(a.source, a.label) for a in read_annotations(out)] == [("JPN", "oppose"), ("China", "support")]
    assert main(["--complete", "a1", "--out", str(out)], output=io.StringIO()) == 0
    assert main(["--complete", "a1", "--out", str(out)], output=io.StringIO()) == 0
    assert [a.complete for a in read_annotations(out)] == [True, True]
    assert lines(out)[-1] == {"doc_id": "a1", "complete": True} and len(lines(out)) == 3

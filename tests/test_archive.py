"""Archive coding: python -m training.predict --articles PATH --out TABLE (training/archive/)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from training import archive
from training.archive import series
from training.archive.coding import Coder
from training.limits import Limits
from training.predict import main as predict_main

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "000_3dbf35ee1580a863"


def _corpus(tmp_path: Path, n: int = 45) -> Path:
    """The first ``n`` articles of the embedded corpus, as one JSONL file."""
    lines = []
    for name in ("amg", "eur", "mea"):
        lines += (ROOT / "data" / "corpus" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    return path


def _code(model_path, inputs, out, **kw):
    kw.setdefault("progress", False)
    return archive.run([str(p) for p in inputs], out, model_path=model_path, **kw)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)


def test_seed_article_gives_china_support_for_russia(model_path, tmp_path, predictor):
    out = tmp_path / "seed.parquet"
    summary = _code(model_path, [ROOT / "seeds"], out)
    assert summary.complete and summary.articles == 1 and not summary.skipped
    table = series.read_table(out)
    from training.archive.tables import QUAD_COLUMNS

    assert list(table.columns) == list(series.TABLE_COLUMNS) + list(QUAD_COLUMNS)  # the event columns last
    row = table[(table["source"] == "CHN") & (table["target"] == "RUS")].iloc[0]
    assert row["doc_id"] == SEED_ID and row["stance"] == "support"
    assert row["source_name"] == "China" and row["target_kind"] == "state"
    assert row["p_support"] > 0.5
    assert row["p_support"] + row["p_oppose"] + row["p_neutral"] == pytest.approx(1, abs=1e-5)
    assert row["n_sentences"] == len(row["sentence_indices"]) == len(row["sentence_starts"]) > 1
    # the service's path: same pairs, stances and probabilities as StancePredictor.dyads
    text = (ROOT / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8").partition("\n")[2]
    expected = {(p.source.code, p.target.code): p for p in predictor.dyads(text) if p.stance}
    assert len(expected) == len(table)
    for r in table.itertuples():
        p = expected[(r.source, r.target)]
        assert r.stance == p.stance and r.p_support == pytest.approx(p.probabilities["support"], abs=1e-6)
        assert sorted(r.sentence_indices) == sorted(e.sentence_index for e in p.evidence)
    # the offsets point at the sentences of the cleaned body
    from training.text import clean_text, split_sentences

    sentences = split_sentences(clean_text(text))
    assert [(s.start, s.end) for s in (sentences[i] for i in row["sentence_indices"])] == list(
        zip(row["sentence_starts"], row["sentence_ends"]))


def test_resumed_run_equals_clean_run(model_path, tmp_path, monkeypatch):
    src = _corpus(tmp_path)
    clean = tmp_path / "clean.parquet"
    assert _code(model_path, [src], clean, chunk_size=10).parts == 5
    out = tmp_path / "resumed.parquet"
    first = _code(model_path, [src], out, chunk_size=10, max_parts=2)
    assert not first.complete and not out.exists()
    assert sorted(p.name for p in (tmp_path / "resumed.parquet.parts").glob("part-*.parquet")) == [
        "part-000000.parquet", "part-000001.parquet"]
    # a crash in the fourth partition: the third is written, nothing else is lost
    real = Coder.code
    calls = []

    def crash(self, records, config):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real(self, records, config)

    monkeypatch.setattr(Coder, "code", crash)
    with pytest.raises(KeyboardInterrupt):
        _code(model_path, [src], out, chunk_size=10)
    monkeypatch.setattr(Coder, "code", real)
    assert len(list((tmp_path / "resumed.parquet.parts").glob("part-*.json"))) == 3
    last = _code(model_path, [src], out, chunk_size=10)
    assert last.complete and last.reused == 3 and last.parts == 5 and last.articles == 45
    assert not (tmp_path / "resumed.parquet.parts").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(clean))


def test_parts_of_other_arguments_are_refused(model_path, tmp_path):
    src = _corpus(tmp_path, 20)
    out = tmp_path / "t.parquet"
    _code(model_path, [src], out, chunk_size=5, max_parts=1)
    with pytest.raises(RuntimeError, match="parts of a run with other arguments"):
        _code(model_path, [src], out, chunk_size=10)


def test_workers_and_dask_give_the_same_table(model_path, tmp_path):
    from dask.distributed import Client, LocalCluster

    src = _corpus(tmp_path, 40)
    _code(model_path, [src], tmp_path / "one.parquet", chunk_size=8)
    _code(model_path, [src], tmp_path / "two.parquet", chunk_size=8, workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        summary = _code(model_path, [src], tmp_path / "dask.parquet", chunk_size=8, dask=client)
    assert summary.complete and summary.articles == 40
    one = pd.read_parquet(tmp_path / "one.parquet")
    assert len(one) > 100
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "two.parquet"), one)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "dask.parquet"), one)


def test_bad_articles_are_reported_with_file_and_line(model_path, tmp_path, capsys):
    good = json.loads(_corpus(tmp_path, 1).read_text(encoding="utf-8"))
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([
        json.dumps(good),
        "{broken",
        json.dumps({"id": "empty", "text": "  "}),
        json.dumps({"id": "digits", "text": "<p>12 34</p>"}),
        json.dumps({**good, "title": "again"}),
        json.dumps({"id": "late", "text": good["text"], "date": "March"}),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    assert predict_main(["--articles", str(path), "--out", str(out), "--model", str(model_path), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "coded 1 articles" in err and "skipped 5 articles: 4 bad_row, 1 no_words" in err
    assert f"{path}:2: invalid JSON" in err
    assert f"{path}:3: missing or empty field 'text'" in err
    assert f"{path}:4: article 'digits' has no words" in err
    assert f"{path}:5: duplicate article id 'amg-001'" in err
    assert f"{path}:6: field 'date': invalid date" in err
    assert set(series.read_table(out)["doc_id"]) == {"amg-001"}
    code = predict_main(["--articles", str(path), "--out", str(tmp_path / "s.csv"), "--model", str(model_path),
                         "--strict", "--no-progress"])
    assert code == 2
    assert f"error: {path}:2: invalid JSON" in capsys.readouterr().err
    assert not (tmp_path / "s.csv").exists()


def test_an_article_over_a_cap_is_skipped(model_path, tmp_path):
    src = _corpus(tmp_path, 10)
    summary = _code(model_path, [src], tmp_path / "t.parquet", limits=Limits(max_dyads=2))
    assert summary.skipped and {s["reason"] for s in summary.skipped} == {"max_dyads"}
    assert "the text has too many dyads" in summary.skipped[0]["detail"]
    assert f"{src}:" in summary.skipped[0]["where"]
    assert summary.articles + len(summary.skipped) == 10


def test_formats_actors_sentences_and_gzip(model_path, tmp_path):
    src = _corpus(tmp_path, 12)
    gz = tmp_path / "archive.jsonl.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    tables = {}
    for ext in (".parquet", ".csv", ".jsonl"):
        _code(model_path, [gz], tmp_path / f"t{ext}")
        tables[ext] = series.read_table(tmp_path / f"t{ext}")
    ref = tables[".parquet"]
    for ext in (".csv", ".jsonl"):
        got = tables[ext]
        assert got["doc_id"].tolist() == ref["doc_id"].tolist() and got["stance"].tolist() == ref["stance"].tolist()
        assert got["sentence_starts"].tolist() == ref["sentence_starts"].tolist()
        assert got["p_oppose"].to_numpy() == pytest.approx(ref["p_oppose"].to_numpy())
    only = _code(model_path, [gz], tmp_path / "usa.parquet", actors=["USA", "Colombia"])
    picked = pd.read_parquet(tmp_path / "usa.parquet")
    assert only.dyads == len(picked) > 0 and set(picked["source"]) | set(picked["target"]) <= {"USA", "COL"}
    _code(model_path, [gz], tmp_path / "sent.parquet", sentences=True)
    sent = pd.read_parquet(tmp_path / "sent.parquet")
    assert {"sentence_index", "sentence_start", "sentence", "stance"} <= set(sent.columns)
    assert len(sent) == ref["n_sentences"].sum()
    first = sent.iloc[0]
    assert first["sentence"] and first["sentence_end"] - first["sentence_start"] == len(first["sentence"])


def test_cli_refuses_bad_arguments(model_path, tmp_path, capsys):
    assert predict_main(["--articles", "x", "--out", str(tmp_path / "t.xlsx")]) == 2
    assert "unknown table format '.xlsx'" in capsys.readouterr().err
    src = _corpus(tmp_path, 2)
    assert predict_main(["--articles", str(src), "--out", str(tmp_path / "t.csv"), "--model", str(model_path),
                         "--actors", "Atlantis", "--no-progress"]) == 2
    assert "--actors: 'Atlantis' is not an actor" in capsys.readouterr().err
    assert predict_main(["--articles", str(tmp_path / "none"), "--out", str(tmp_path / "t.csv"),
                         "--model", str(model_path), "--no-progress"]) == 2
    assert "none: no such file or folder" in capsys.readouterr().err


def test_hugging_face_dataset_and_txt_folder(model_path, tmp_path):
    import datasets

    rows = [json.loads(line) for line in _corpus(tmp_path, 6).read_text(encoding="utf-8").splitlines()]
    datasets.Dataset.from_list(rows).save_to_disk(str(tmp_path / "ds"))
    folder = tmp_path / "txt"
    folder.mkdir()
    for r in rows:
        (folder / f"{r['id']}.txt").write_text(f"{r['title']}\n{r['text']}", encoding="utf-8")
    (folder / "blank.txt").write_text("only a title\n", encoding="utf-8")
    hf = _code(model_path, [tmp_path / "ds"], tmp_path / "hf.parquet")
    txt = _code(model_path, [folder], tmp_path / "txt.parquet")
    assert hf.articles == txt.articles == 6
    assert [s["detail"] for s in txt.skipped] == [f"{folder / 'blank.txt'}:1: article has a title line but no text"]
    a, b = pd.read_parquet(tmp_path / "hf.parquet"), pd.read_parquet(tmp_path / "txt.parquet")
    assert a["stance"].tolist() == b["stance"].tolist() and a["date"].notna().all() and b["date"].isna().all()


def test_partitions_are_sized_to_the_input(model_path, tmp_path):
    """Issue 19, item 11: 50 articles were one partition of 500, so a second worker had nothing to do."""
    from training.archive.job import auto_chunk_size

    src = _corpus(tmp_path, n=50)
    assert auto_chunk_size([str(src)]) == 10  # ceil(50 / 16) = 4, raised to the minimum of 10
    one = _code(model_path, [src], tmp_path / "one.parquet")
    two = _code(model_path, [src], tmp_path / "two.parquet", workers=2)
    assert one.parts == two.parts == 5 and one.articles == two.articles == 50
    assert series.read_table(tmp_path / "one.parquet").equals(series.read_table(tmp_path / "two.parquet"))
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"id": f"a{i}", "text": "China backed Russia."}) + "\n" for i in range(3200)))
    assert auto_chunk_size([str(big)]) == 200  # 16 partitions
    bigger = tmp_path / "bigger.jsonl"
    bigger.write_text(big.read_text() * 3)
    assert auto_chunk_size([str(bigger)]) == 500  # 9,600 rows (repeated ids count as bad rows): the largest

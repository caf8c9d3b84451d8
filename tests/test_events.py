"""Event data (issue 18): the linking verb phrase, the quad classifier in the artifact, the service's
evidence events, the archive's quad counts, the event table and ``training.series --by quad``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training import archive
from training.archive.quads import quad_series
from training.archive.series import main as series_main
from training.artifact import ModelError
from training.events import QuadClassifier, SentenceMatches, code_events, dyad_counts, link, quad_probabilities
from training.model import load_model

ROOT = Path(__file__).resolve().parent.parent


def _example(text: str, source: str, target: str, *others: str) -> dict:
    def spans(word):
        return [[m.start(), m.end()] for m in re.finditer(re.escape(word), text)]

    return {"text": text, "source_spans": spans(source), "target_spans": spans(target),
            "other_spans": [s for o in others for s in spans(o)]}


def _code(text: str, source: str, target: str, *others: str) -> str | None:
    found = link(_example(text, source, target, *others), SentenceMatches()(text))
    return found.code if found else None


def test_active_passive_and_joint_subject():
    assert _code("Russia accused Ukraine of shelling the plant.", "Russia", "Ukraine") == "112"
    assert _code("Russia accused Ukraine of shelling the plant.", "Ukraine", "Russia") is None  # the other way
    assert _code("Ukraine was attacked by Russia on Monday.", "Russia", "Ukraine") == "190"
    assert _code("Ukraine was attacked by Russia on Monday.", "Ukraine", "Russia") is None
    signed = "Armenia and Azerbaijan signed a peace agreement."
    assert _code(signed, "Armenia", "Azerbaijan") == _code(signed, "Azerbaijan", "Armenia") == "057"
    # a joint subject links only reciprocal acts, and not after a preposition
    assert _code("France and Germany demanded new rules for banks.", "France", "Germany") is None


def test_third_actors_clauses_and_negation():
    text = "China criticised the US for attacking Russia."
    assert _code(text, "China", "US", "Russia") == "111"
    assert _code(text, "US", "Russia", "China") == "190"
    assert _code(text, "China", "Russia", "US") is None  # the US stands between, not joined by "and"
    assert _code("China condemned Japan and Korea.", "China", "Korea", "Japan") == "111"  # joined by "and"
    assert _code("China said that Russia attacked Ukraine.", "China", "Ukraine", "Russia") is None
    assert _code("China did not condemn Russia.", "China", "Russia") is None  # negated: neutral


def test_quad_probabilities_follow_the_stance():
    stance = np.array([[0.7, 0.1, 0.2], [0.1, 0.8, 0.1]])
    q = quad_probabilities(stance, np.array([0.2, 0.9]))
    assert q.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert q[0] == pytest.approx([0.875 * 0.8, 0.875 * 0.2, 0.125 * 0.8, 0.125 * 0.2])
    assert q.argmax(axis=1).tolist() == [0, 3]  # verbal cooperation, material conflict


def test_code_events_and_dyad_counts():
    ex = [_example("China condemned Russia.", "China", "Russia"),
          _example("China backs Russia fully.", "Russia", "China"), _example("China met Russia.", "Russia", "China")]
    probs = np.array([[0.1, 0.8, 0.1], [0.7, 0.1, 0.2], [0.1, 0.1, 0.8]])
    events = code_events(ex, probs, np.array([0.1, 0.9, 0.5]))
    assert (events[0].cameo_code, events[0].quad_class, events[0].quad_source, events[0].goldstein) == \
        ("111", 3, "dictionary", -2.0)
    assert (events[1].cameo_code, events[1].quad_class, events[1].quad_source) == (None, 2, "model")
    assert 0.5 < events[1].quad_probability < 1
    assert events[2] is None  # neutral and not coded
    assert code_events(ex, probs, None)[1] is None  # a model without a quad classifier predicts nothing
    counts = dyad_counts(events)
    assert counts == {"n_quad1": 0, "n_quad2": 1, "n_quad3": 1, "n_quad4": 0, "n_coded": 1, "goldstein_mean": -2.0}


def test_quad_classifier_is_saved_and_checked(model_path):
    model = load_model(model_path)
    assert isinstance(model.quad, QuadClassifier)
    meta = model.metadata["quad"]
    assert meta["file"] == "quad.skops" and meta["n_train"] > 100 and meta["heldout"]["material_accuracy"] > 0.6
    assert set(model.metadata["extra_sha256"]) == {"quad.skops"}
    # the batched scorer gives the classifier's own probability
    ex = [{"doc_id": "", "sentence_index": 0, "sentence_start": 0, "text": "Japan sent troops to Iraq.",
           "source": "JPN", "target": "IRQ", "source_spans": [[0, 5]], "target_spans": [[21, 25]], "other_spans": []}]
    _, _, material = model.score_events(ex)
    steps = model.pipeline.named_steps
    direct = model.quad.p_material(steps["features"].transform(steps["mask"].transform(ex)))
    assert material == pytest.approx(direct, abs=1e-6)


def test_a_changed_quad_file_is_refused(model_path, tmp_path):
    import shutil

    folder = tmp_path / "v"
    shutil.copytree(Path(model_path).resolve(), folder)
    (folder / "quad.skops").write_bytes((folder / "quad.skops").read_bytes() + b"x")
    with pytest.raises(ModelError, match="quad.skops does not match the sha256") as caught:
        load_model(folder)
    assert caught.value.public == "the model's quad.skops does not match its metadata: it was changed or replaced"


def test_evidence_carries_its_event(predictor):
    pair = predictor.stance("Japan condemned North Korea's missile launch.", "Japan", "North Korea")
    ev = pair.evidence[0].event
    assert pair.stance == "oppose" and ev.cameo_root == "11" and ev.quad_class == 3 and ev.goldstein < 0


def test_service_returns_events(predictor, model_path):
    from fastapi.testclient import TestClient

    from serving.app import create_app
    from serving.settings import Settings

    with TestClient(create_app(Settings(model_path=str(model_path)))) as client:
        r = client.post("/v1/dyads", json={"text": "Japan condemned North Korea's missile launch."})
        assert r.status_code == 200
        ev = r.json()["dyads"][0]["evidence"][0]["event"]
        assert ev["cameo_code"].startswith("11") and ev["quad_class"] == 3 and ev["quad_source"] == "dictionary"


def test_archive_quads_events_and_series(model_path, tmp_path, capsys):
    lines = (ROOT / "data" / "corpus" / "amg.jsonl").read_text(encoding="utf-8").splitlines()[:30]
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = archive.run([str(src)], tmp_path / "d.parquet", model_path=model_path, progress=False,
                          events=tmp_path / "e.csv")
    dyads = pd.read_parquet(tmp_path / "d.parquet")
    events = pd.read_csv(tmp_path / "e.csv", dtype={"cameo_code": str, "cameo_root": str, "cameo_base": str})
    quads = dyads[["n_quad1", "n_quad2", "n_quad3", "n_quad4"]].sum(axis=1)
    assert (quads <= dyads["n_sentences"]).all() and quads.sum() == len(events) == summary.events > 0
    coded = events[events["quad_source"] == "dictionary"]
    assert coded["cameo_root"].str.fullmatch(r"0[1-9]|1\d|20").all() and coded["goldstein"].between(-10, 10).all()
    assert (coded["cameo_base"] == coded["cameo_code"].str[:3]).all()
    predicted = events[events["quad_source"] == "model"]
    assert predicted["cameo_code"].isna().all() and predicted["quad_probability"].between(0.25, 1).all()
    assert set(predicted["stance"]) <= {"support", "oppose"}
    assert events["event_id"].is_unique
    archive.run([str(src)], tmp_path / "s.jsonl", model_path=model_path, progress=False, sentences=True)
    first = json.loads((tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"cameo_code", "quad_class", "goldstein", "sentence"} <= set(first)
    table = archive.read_table(tmp_path / "d.parquet")
    pair = table.groupby(["source", "target"]).size().idxmax()
    rows = table[(table["source"] == pair[0]) & (table["target"] == pair[1])]
    s = quad_series(rows, freq="Y")
    assert s["n_events"].sum() == rows[["n_quad1", "n_quad2", "n_quad3", "n_quad4"]].to_numpy().sum()
    assert series_main([str(tmp_path / "d.parquet"), "--source", pair[0], "--target", pair[1], "--by", "quad",
                        "--freq", "Y", "--out", str(tmp_path / "q.csv"), "--plot", str(tmp_path / "q.png")]) == 0
    assert (tmp_path / "q.png").stat().st_size > 1000
    assert list(pd.read_csv(tmp_path / "q.csv").columns[:4]) == ["source", "target", "period", "n_quad1"]


def test_old_table_and_bad_events_path(model_path, tmp_path, capsys):
    old = pd.DataFrame({"doc_id": ["a"], "date": ["2020-01-01"], "source": ["USA"], "source_name": ["United States"],
                        "target": ["RUS"], "target_name": ["Russia"], "stance": ["oppose"]})
    old.to_csv(tmp_path / "old.csv", index=False)
    from training.articles import DataError

    with pytest.raises(DataError, match="no quad-class columns"):
        quad_series(old.assign(date=pd.to_datetime(old["date"])))
    from training.predict import main as predict_main

    assert predict_main(["--articles", "x", "--out", str(tmp_path / "t.csv"),
                         "--events", str(tmp_path / "e.xlsx")]) == 2
    assert "unknown table format '.xlsx'" in capsys.readouterr().err

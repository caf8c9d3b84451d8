"""`python -m training.evaluate`: figures per file and overall, JSON last line, predictions file."""

import json
from pathlib import Path

import numpy as np
import pytest

from training.fitting import evaluate

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"
ROWS = [
    {"id": "a", "doc_id": "d1", "text": "China condemned Japan's fishing ban.", "source": "CHN", "target": "JPN",
     "label": "oppose"},
    {"id": "b", "doc_id": "d2", "text": "Kenya thanked Ethiopia for its aid.", "source": "Kenya", "target": "Ethiopia",
     "label": "support"},
    {"id": "c", "doc_id": "d3", "text": "Atlantis praised Lemuria.", "source": "Atlantis", "target": "Peru",
     "label": "support"},
    {"id": "d", "doc_id": "d4", "text": "GEOOPP and friends met.", "source": "USAGOV", "target": "Chile",
     "label": "neutral", "date": "2016-02-01"},
]


@pytest.fixture
def pairs(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def test_json_last_line_and_predictions(model_path, pairs, tmp_path, capsys):
    out = tmp_path / "pred.jsonl"
    assert evaluate.main(["--model", str(model_path), "--data", str(pairs), "--json", "--predictions", str(out)]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"macro_f1", "accuracy", "per_class", "n", "actors_not_found", "files", "confusion", "ece"} <= set(last)
    assert last["n"] == 4 and last["actors_not_found"] == 2
    assert last["files"][str(pairs)]["n"] == 4
    preds = [json.loads(line) for line in out.read_text().splitlines()]
    assert [p["id"] for p in preds] == ["a", "b", "c", "d"]
    assert set(preds[0]) == {"id", "label", "predicted", "probabilities", "source_found", "target_found"}
    assert preds[0]["predicted"] == "oppose" and preds[1]["predicted"] == "support"
    assert (preds[2]["source_found"], preds[2]["target_found"], preds[2]["predicted"]) == (True, False, "neutral")
    assert preds[2]["probabilities"] == {"support": 0.0, "oppose": 0.0, "neutral": 1.0}
    assert abs(sum(preds[0]["probabilities"].values()) - 1) < 1e-4


def test_bad_inputs_exit_2(model_path, tmp_path, capsys):
    assert evaluate.main(["--model", str(tmp_path / "none.joblib"), "--data", str(tmp_path / "x.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "x", "source": "a", "target": "b", "label": "maybe"}\n')
    assert evaluate.main(["--model", str(model_path), "--data", str(bad)]) == 2
    assert "bad.jsonl:1: field 'label' is 'maybe'" in capsys.readouterr().err


def test_metrics_values():
    m = evaluate.metrics(["support", "oppose", "neutral", "neutral"], ["support", "neutral", "neutral", "neutral"])
    assert m["accuracy"] == 0.75
    assert m["per_class"]["oppose"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert m["macro_f1"] == pytest.approx((1 + 0 + 0.8) / 3, abs=1e-4)
    assert m["confusion"] == [[1, 0, 0], [0, 0, 1], [0, 0, 2]]


def test_expected_calibration_error():
    proba = np.array([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05]])
    assert evaluate.expected_calibration_error(["support", "oppose"], proba) == pytest.approx(0.4)
    assert evaluate.expected_calibration_error(["support", "support"], proba) == pytest.approx(0.1)


@pytest.mark.skipif(not (REAL / "udpetrarch_gsr.jsonl").exists(), reason="../shared/data/real is not beside the repo")
def test_real_gold_standard_runs(model_path, capsys):
    assert evaluate.main(["--model", str(model_path), "--data", str(REAL / "udpetrarch_gsr.jsonl"), "--json"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["n"] == 78 and last["actors_not_found"] <= 5
    assert 0.3 <= last["macro_f1"] <= 1.0

"""Grouped split, label checks, save/load round trip and refusal of tampered artifacts.

The artifact's safety and atomicity are tested in tests/test_artifact.py."""

import json

import numpy as np
import pytest

from training.articles import DataError
from training.fitting.fit import check_labels, grouped_split
from training.model import ModelError, load_model

A = ["China", "Russia", "Japan", "India", "Brazil", "Kenya", "Chile", "Peru", "Egypt", "Iran", "Spain", "Ghana"]
VERBS = {"support": ["praised", "welcomed", "backed", "thanked"],
         "oppose": ["condemned", "denounced", "sanctioned", "accused"],
         "neutral": ["met", "visited", "spoke with", "mentioned"]}


def pair_file(path, labels=("support", "oppose", "neutral"), n_docs=30, blank=False):
    rows, k = [], 0
    for d in range(n_docs):
        for label in labels:
            for v in VERBS[label]:
                a, b = A[k % len(A)], A[(k + 1 + d) % len(A)]
                if a == b:
                    b = A[(k + 2) % len(A)]
                k += 1
                rows.append({"id": f"r{k}", "doc_id": f"d{d}", "text": "  " if blank else f"{a} {v} {b} on Monday.",
                             "source": a, "target": b, "label": label})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    from training.fitting import fit

    tmp = tmp_path_factory.mktemp("small")
    out = tmp / "m" / "stance"
    assert fit.main(["--no-articles", "--data", str(pair_file(tmp / "p.jsonl")), "--no-search", "--out", str(out),
                     "--cache-dir", str(tmp / "cache")]) == 0
    return out


def test_grouped_split_keeps_articles_whole():
    labels = ["support", "oppose", "neutral"] * 40
    groups = [f"d{i // 4}" for i in range(120)]
    train, test = grouped_split(labels, groups, test_size=0.2, seed=1)
    assert set(np.array(groups)[train]).isdisjoint(np.array(groups)[test])
    assert 0.1 < len(test) / 120 < 0.3
    again = grouped_split(labels, groups, test_size=0.2, seed=1)
    assert list(again[1]) == list(test)


def test_too_few_articles_to_hold_out():
    with pytest.raises(DataError, match="need at least 5 distinct articles"):
        grouped_split(["support", "oppose"], ["a", "a"], test_size=0.2, seed=1)


def test_missing_class_is_refused():
    with pytest.raises(DataError, match="too few of neutral"):
        check_labels(["support", "oppose"] * 5, "training data")


def test_fit_refuses_one_class_file(tmp_path, capsys):
    from training.fitting import fit

    p = pair_file(tmp_path / "one.jsonl", labels=("oppose",))
    assert fit.main(["--no-articles", "--data", str(p), "--out", str(tmp_path / "m.joblib")]) == 2
    err = capsys.readouterr().err
    assert "every label" in err and "support, neutral" in err
    assert not (tmp_path / "m.joblib").exists()


def test_fit_blank_file_is_readable_error(tmp_path, capsys):
    from training.fitting import fit

    p = pair_file(tmp_path / "blank.jsonl", blank=True)
    assert fit.main(["--no-articles", "--data", str(p), "--out", str(tmp_path / "m.joblib")]) == 2
    assert "every row has blank text" in capsys.readouterr().err


def test_fit_json_last_line(tmp_path, capsys):
    from training.fitting import fit

    p = pair_file(tmp_path / "p.jsonl", n_docs=10)
    assert fit.main(["--no-articles", "--data", str(p), "--no-search", "--json", "--out", str(tmp_path / "m.joblib"),
                     "--cache-dir", str(tmp_path / "c")]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(last) == {"heldout", "baseline_majority", "data"}
    assert {"macro_f1", "accuracy", "per_class", "confusion", "ece"} <= set(last["heldout"])
    assert last["data"]["n_examples"] == 120


def test_metadata_recorded(small_model):
    meta = json.loads((small_model / "metadata.json").read_text())
    assert set(meta["versions"]) == {"python", "scikit-learn", "numpy", "datasets"}
    assert meta["labels"] == ["support", "oppose", "neutral"]
    assert meta["data"]["n_examples"] == 360 and meta["data"]["n_articles"] == 30
    assert meta["data"]["label_counts"] == {"support": 120, "oppose": 120, "neutral": 120}
    assert 0.0 <= meta["metrics"]["heldout"]["macro_f1"] <= 1.0
    assert {i["kind"] for i in meta["inputs"]} == {"labelled_pairs", "actors"}
    assert meta["config"]["calibration"] == "temperature" and 0.05 <= meta["config"]["temperature"] <= 20
    assert all(len(i["sha256"]) == 64 for i in meta["inputs"])


def test_round_trip_same_probabilities(small_model):
    from training.model import build_pipeline

    m1, m2 = load_model(small_model), load_model(small_model)
    ex = [{"text": "Peru praised Chile.", "source_spans": [[0, 4]], "target_spans": [[13, 18]], "other_spans": []}]
    p = m1.predict_proba(ex)
    assert np.allclose(p, m2.predict_proba(ex)) and np.isclose(p.sum(), 1.0)
    assert p[0, 0] > 0.5  # support
    assert build_pipeline() is not None


def test_same_data_same_model(small_model, tmp_path):
    from training.fitting import fit

    out = tmp_path / "again"
    src = json.loads((small_model / "metadata.json").read_text())["inputs"][0]["path"]
    assert fit.main(["--no-articles", "--data", src, "--no-search", "--out", str(out),
                     "--cache-dir", str(tmp_path / "c")]) == 0
    ex = [{"text": "Iran denounced Spain.", "source_spans": [[0, 4]], "target_spans": [[15, 20]], "other_spans": []}]
    assert np.array_equal(load_model(out).predict_proba(ex), load_model(small_model).predict_proba(ex))


def test_tampered_artifact_refused(small_model, tmp_path):
    import shutil

    bad = tmp_path / "stance"
    shutil.copytree(small_model.resolve(), bad)
    data = bytearray((bad / "model.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / "model.skops").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="has sha256 .* but its metadata records"):
        load_model(bad)


def test_other_sklearn_version_refused(small_model, tmp_path):
    import shutil

    import sklearn

    shutil.copytree(small_model.resolve(), tmp_path / "stance")
    meta = json.loads((small_model / "metadata.json").read_text())
    meta["versions"]["scikit-learn"] = "0.0.1"
    (tmp_path / "stance" / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=rf"saved with scikit-learn 0.0.1, but scikit-learn {sklearn.__version__}"):
        load_model(tmp_path / "stance")


def test_missing_model(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "none")


def test_fast_scorer_equals_scikit_learn(model_path):
    from training.actors import default_dictionary
    from training.examples import candidate_examples, prepare
    from training.scorer import LinearScorer

    model, d, examples = load_model(model_path), default_dictionary(), []
    for text in ["China praised Russia but Japan condemned North Korea's launch.",
                 "Russia was criticised by China. Kenya received aid from Japan.",
                 "\u201cAthens is playing with fire,\u201d Ankara said; Greece did not reply."]:
        examples += candidate_examples(prepare(text, d))
    assert len(examples) >= 6
    fast, known = model.score(examples)
    assert isinstance(model._linear, LinearScorer)
    assert np.allclose(fast, model.predict_proba(examples), atol=1e-5)
    assert (known > 0).all()


def test_pair_file_given_as_articles_is_read_as_pairs(tmp_path):
    from training.fitting import fit

    out = tmp_path / "m"
    assert fit.main(["--articles", str(pair_file(tmp_path / "p.jsonl")), "--no-search", "--out", str(out),
                     "--cache-dir", str(tmp_path / "c")]) == 0
    meta = json.loads((out / "metadata.json").read_text())
    assert [i["kind"] for i in meta["inputs"]] == ["labelled_pairs", "actors"]
    assert meta["data"]["n_examples"] == 360


def test_temperature_changes_no_decision(small_model, tmp_path):
    from training.fitting import fit

    src = json.loads((small_model / "metadata.json").read_text())["inputs"][0]["path"]
    plain = tmp_path / "plain"
    assert fit.main(["--no-articles", "--data", src, "--no-search", "--calibration", "none", "--out", str(plain),
                     "--cache-dir", str(tmp_path / "c")]) == 0
    ex = [{"text": t, "source_spans": [[0, 4]], "target_spans": [[len(t) - 6, len(t) - 1]], "other_spans": []}
          for t in ("Peru praised Chile.", "Iran denounced Spain.", "Peru met with Ghana.")]
    scaled, unscaled = load_model(small_model).predict_proba(ex), load_model(plain).predict_proba(ex)
    assert (scaled.argmax(axis=1) == unscaled.argmax(axis=1)).all()
    assert not np.allclose(scaled, unscaled)

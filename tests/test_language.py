"""The language guard (issue 16 part 4): text not in English gets no stance, everywhere the model reads.

The non-English sentences are written for these tests (news style); the English ones are the project's own.
"""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.settings import Settings
from training.archive import read_table, run, table_metadata
from training.language import PREFIX_CHARS, detect_language

FRENCH = "La France a condamné l'Iran."
FOREIGN = {
    "fr": FRENCH,
    "es": "España condenó el ataque de Rusia contra Ucrania.",
    "de": "Deutschland verurteilte den Angriff Russlands auf die Ukraine.",
    "ru": "Москва обвинила Киев в нарушении перемирия.",
    "ar": "أدانت مصر الهجوم الإسرائيلي على غزة.",
    "zh": "北京批评莫斯科。",
}
ENGLISH = ["China condemned Russia.", "France condemned Iran.", "China backed Russia.", "EU UK",
           "Peru met with Ghana.", "Kenya welcomed Ethiopia's offer. Russia criticised the EU.",
           "Hamas launched a surprise attack on Israel.", "Putin thanked Xi."]


@pytest.mark.parametrize("code", sorted(FOREIGN))
def test_short_news_sentences_are_caught_with_their_language(code):
    guess = detect_language(FOREIGN[code])
    assert not guess.english
    assert guess.code == code


@pytest.mark.parametrize("text", ENGLISH)
def test_short_english_is_english(text):
    guess = detect_language(text)
    assert guess.english and guess.code == "en", guess


def test_only_a_bounded_prefix_is_read():
    english_then_french = "China condemned Russia over the strikes on Monday. " * 20 + FRENCH * 200
    assert detect_language(english_then_french).english
    assert not detect_language(FRENCH + " " + "China condemned Russia. " * 200, prefix=len(FRENCH) + 1).english
    assert PREFIX_CHARS <= 1000


def test_predictor_gives_no_stance_to_french(predictor):
    result = predictor.stance(FRENCH, "France", "Iran")
    assert result.stance is None and result.probabilities is None and result.evidence == []
    assert result.reason == "unsupported_language" and result.language == "fr"
    assert result.source.code == "FRA" and result.target.code == "IRN"  # the actors are still resolved
    english = predictor.stance("France condemned Iran.", "France", "Iran")
    assert english.stance == "oppose" and english.reason is None and english.language is None
    dyads = predictor.dyads(FRENCH)
    assert [(d.source.code, d.target.code) for d in dyads] == [("FRA", "IRN"), ("IRN", "FRA")]
    assert all(d.stance is None and d.reason == "unsupported_language" and d.language == "fr" for d in dyads)
    assert predictor.language(FOREIGN["zh"]).code == "zh" and predictor.language("China backed Russia.").english


@pytest.fixture(scope="module")
def client(model_path):
    with TestClient(create_app(Settings(model_path=model_path))) as c:
        yield c


def test_service_stance_dyads_and_batch(client):
    r = client.post("/v1/stance", json={"text": FRENCH, "source": "France", "target": "Iran"})
    assert r.status_code == 200
    body = r.json()
    assert body["stance"] is None and body["probabilities"] is None and body["evidence"] == []
    assert body["reason"] == "unsupported_language" and body["language"] == "fr"

    r = client.post("/v1/dyads", json={"text": FRENCH})
    assert r.status_code == 200
    body = r.json()
    assert body["reason"] == "unsupported_language" and body["language"] == "fr"
    assert len(body["dyads"]) == 2 and {d["reason"] for d in body["dyads"]} == {"unsupported_language"}
    assert all(d["stance"] is None for d in body["dyads"])

    r = client.post("/v1/dyads", json={"text": FOREIGN["zh"]})  # no actor found: the reason still says why
    assert r.status_code == 200 and r.json() == {"dyads": [], "reason": "unsupported_language", "language": "zh"}

    r = client.post("/v1/dyads", json={"text": "China backed Russia."})
    assert r.json()["reason"] is None and r.json()["language"] is None
    assert r.json()["dyads"][0]["stance"] in ("support", "oppose", "neutral")

    r = client.post("/v1/stance/batch", json={"items": [
        {"text": FOREIGN["de"], "source": "Germany", "target": "Russia"},
        {"text": "China backed Russia.", "source": "China", "target": "Russia"}]})
    assert r.status_code == 200
    german, english = r.json()["results"]
    assert (german["stance"], german["reason"], german["language"]) == (None, "unsupported_language", "de")
    assert english["stance"] == "support" and english["reason"] is None


def test_archive_skips_and_counts_articles_not_in_english(tmp_path, model_path):
    rows = [{"id": "en-1", "text": "China backed Russia on Monday. The United States criticised China.",
             "date": "2022-01-02"},
            {"id": "fr-1", "text": FRENCH + " Paris accuse Moscou de mener une campagne de désinformation.",
             "date": "2022-01-03"},
            {"id": "de-1", "text": FOREIGN["de"], "date": "2022-01-04"},
            {"id": "fr-2", "text": "Le Kenya a salué l'offre de l'Éthiopie.", "date": "2022-01-05"}]
    archive = tmp_path / "a.jsonl"
    archive.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "dyads.parquet"
    summary = run([str(archive)], out, model_path=model_path, progress=False, strict=True)
    assert summary.complete and summary.articles == 1
    assert [s["reason"] for s in summary.skipped] == ["unsupported_language"] * 3
    assert summary.languages() == {"fr": 2, "de": 1}
    report = summary.report()
    assert "3 unsupported_language" in report and "not in English (not coded): 3 articles (fr 2, de 1)" in report
    assert "a.jsonl:2: article 'fr-1' is not in English" in report
    assert set(read_table(out)["doc_id"]) == {"en-1"}
    meta = table_metadata(out)
    assert meta["unsupported_language"] == 3 and meta["languages"] == {"fr": 2, "de": 1}
    assert meta["skipped"] == {"unsupported_language": 3} and meta["articles"] == 1


def test_fit_and_annotate_skip_articles_not_in_english(tmp_path, model_path, dictionary, capsys):
    from training.annotation.annotate import main as annotate
    from training.articles import Annotation, Article
    from training.fitting.dataset import BuildReport, examples_from_articles

    articles = [Article("en", "China praised Russia. Japan condemned North Korea.", "t"),
                Article("fr", FRENCH + " Le Japon a condamné la Corée du Nord.", "t")]
    notes = [Annotation("en", "CHN", "RUS", "support", 0, "n:1"), Annotation("fr", "FRA", "IRN", "oppose", 0, "n:2")]
    report = BuildReport()
    examples = examples_from_articles(articles, notes, dictionary, report)
    assert {e["doc_id"] for e in examples} == {"en"}
    assert report.non_english == [{"id": "fr", "language": "fr"}]

    folder = tmp_path / "arts"
    folder.mkdir()
    (folder / "en.txt").write_text("Ties\nChina praised Russia. Japan condemned North Korea.\n", encoding="utf-8")
    (folder / "fr.txt").write_text("Iran\n" + FRENCH + "\n", encoding="utf-8")
    output = io.StringIO()
    code = annotate(["--articles", str(folder), "--out", str(tmp_path / "l.jsonl"), "--model", str(model_path),
                     "--export", str(tmp_path / "p.jsonl")], output=output)
    assert code == 0
    assert "skipped 1 articles not in English (fr 1)" in output.getvalue()
    proposed = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert proposed and {p["doc_id"] for p in proposed} == {"en"}

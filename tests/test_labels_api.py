"""Labelling from the page, over HTTP: labels and skips written as training.annotate writes them (issue 17)."""

import json

import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.labels import NOT_CONFIGURED
from serving.settings import Settings
from training.articles import read_annotations
from training.reading import read_articles

TEXT = "China condemned Russia over the strikes. Japan praised India for the loan."
ARTICLES = {"a1": "France thanked Germany for the loan. Iran accused Israel of sabotage.",
            "a2": "Pakistan denounced India over the strikes. Peru mentioned Spain in a speech."}


@pytest.fixture
def articles(tmp_path):
    d = tmp_path / "news"
    d.mkdir()
    for doc_id, body in ARTICLES.items():
        (d / f"{doc_id}.txt").write_text(f"Title {doc_id}\n{body}\n", encoding="utf-8")
    return d


def client(model_path, **settings):
    return TestClient(create_app(Settings(model_path=model_path, **settings)))


def test_without_an_annotation_file_it_says_which_setting(model_path):
    with client(model_path) as c:
        assert c.get("/v1/labels").json()["configured"] is False
        assert c.get("/v1/labels").json()["message"] == NOT_CONFIGURED
        r = c.post("/v1/labels", json={"text": TEXT, "sentence": 0, "source": "CHN", "target": "RUS",
                                       "label": "oppose"})
        assert r.status_code == 409 and "GEOSTANCE_ANNOTATION_FILE" in r.json()["detail"]


def test_a_label_of_a_pasted_text_keeps_the_text_and_a_correction_replaces(model_path, tmp_path):
    out = tmp_path / "labels.jsonl"
    with client(model_path, annotation_file=out) as c:
        body = {"text": TEXT, "sentence": 0, "source": "CHN", "target": "RUS", "label": "support"}
        first = c.post("/v1/labels", json=body).json()
        assert first["status"] == "new" and first["file"] == "labels.jsonl" and first["doc_id"].startswith("text-")
        assert first["texts"] == "labels_texts/texts.jsonl"
        assert c.post("/v1/labels", json={**body, "label": "oppose"}).json()["status"] == "replaced"
        assert c.post("/v1/labels", json={**body, "label": "oppose"}).json()["status"] == "unchanged"
        assert c.post("/v1/labels", json={**body, "sentence": 1, "source": "JPN", "target": "IND"}).json()[
            "status"] == "new"
        r = c.post("/v1/labels", json={**body, "sentence": 1})
        assert r.status_code == 422 and "does not share sentence 1" in r.json()["detail"]
        assert c.get("/v1/labels").json() | {"guideline": ""} == {
            "configured": True, "file": "labels.jsonl", "labels": 2, "articles": False, "message": None,
            "guideline": ""}
    notes = read_annotations(out)
    assert [(a.source, a.target, a.label, a.sentence, a.complete) for a in notes] == [
        ("CHN", "RUS", "oppose", 0, False), ("JPN", "IND", "support", 1, False)]
    [kept] = read_articles(tmp_path / "labels_texts")  # what training.fit --articles reads
    assert kept.id == first["doc_id"] and kept.text == TEXT


def test_the_api_key_guards_labelling(model_path, tmp_path):
    with client(model_path, annotation_file=tmp_path / "l.jsonl", api_key="k3y") as c:
        body = {"text": TEXT, "sentence": 0, "source": "CHN", "target": "RUS", "label": "oppose"}
        assert c.post("/v1/labels", json=body).status_code == 401
        assert c.post("/v1/labels", json=body, headers={"X-API-Key": "k3y"}).status_code == 200
    assert not (tmp_path / "l.jsonl").read_text().count("\n") == 0


def test_next_walks_the_proposals_and_forgets_what_is_labelled_or_skipped(model_path, tmp_path, articles):
    out = tmp_path / "labels.jsonl"
    with client(model_path, annotation_file=out, label_articles=articles) as c:
        got = c.get("/v1/labels/next", params={"n": 50}).json()
        props = got["proposals"]
        assert got["remaining"] == len(props) == 4  # at most 2 per article, as training.annotate proposes
        p = props[0]
        assert abs(sum(p["probabilities"].values()) - 1) < 1e-6 and p["guess"] in p["probabilities"]
        assert p["title"] in ("Title a1", "Title a2")
        assert [p["text"][a:b] for a, b in p["source_spans"]]
        key = {k: p[k] for k in ("doc_id", "sentence", "source", "target")}
        assert c.post("/v1/labels", json={**key, "label": "neutral"}).json()["status"] == "new"
        second = props[1]
        assert c.post("/v1/labels/skip", json={k: second[k] for k in key}).json()["status"] == "skipped"
        left = c.get("/v1/labels/next", params={"n": 50}).json()
        assert left["remaining"] == 2
        assert {(x["doc_id"], x["sentence"], x["source"]) for x in left["proposals"]}.isdisjoint(
            {(p["doc_id"], p["sentence"], p["source"]), (second["doc_id"], second["sentence"], second["source"])})
        for x in left["proposals"]:
            c.post("/v1/labels/skip", json={k: x[k] for k in key})
        more = c.get("/v1/labels/next", params={"n": 50}).json()  # the next round: the article's other pairs
        assert more["remaining"] == 4 and {x["doc_id"] for x in more["proposals"]} == {"a1", "a2"}
    assert json.loads(out.read_text().splitlines()[0])["doc_id"] == p["doc_id"]
    assert (tmp_path / "labels.jsonl.skipped").read_text().count("\n") == 3


def test_next_without_an_article_folder_says_so(model_path, tmp_path):
    with client(model_path, annotation_file=tmp_path / "l.jsonl") as c:
        r = c.get("/v1/labels/next")
        assert r.status_code == 409 and "GEOSTANCE_LABEL_ARTICLES" in r.json()["detail"]

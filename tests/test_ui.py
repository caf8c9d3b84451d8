"""The page, its endpoints, the explain flag over HTTP and the offline docs, in process (``TestClient``)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.settings import Settings

CONDEMN = {"text": "China condemned Russia.", "source": "China", "target": "Russia"}


class _Refs(HTMLParser):
    """Every src/href of a page, and the URLs its inline scripts name."""

    def __init__(self):
        super().__init__()
        self.refs, self._script = [], False

    def handle_starttag(self, tag, attrs):
        self._script = tag == "script"
        self.refs += [v for k, v in attrs if k in ("src", "href", "spec-url") and v]

    def handle_data(self, data):
        if self._script:
            self.refs += re.findall(r"""(?:url|spec-url)\s*:\s*['"]([^'"]+)""", data)


def refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def write_table(path, rows):
    """A small dyad table (JSONL) with the columns of the decided interface."""
    names = {"CHN": "China", "RUS": "Russia", "USA": "United States"}
    with path.open("w", encoding="utf-8") as fh:
        for k, (date, src, tgt, stance) in enumerate(rows):
            p = {label: 0.8 if label == stance else 0.1 for label in ("support", "oppose", "neutral")}
            fh.write(json.dumps({"doc_id": f"d{k}", "date": date, "source": src, "source_name": names[src],
                                 "source_kind": "state", "target": tgt, "target_name": names[tgt],
                                 "target_kind": "state", "stance": stance, "p_support": p["support"],
                                 "p_oppose": p["oppose"], "p_neutral": p["neutral"], "n_sentences": 1,
                                 "sentence_indices": [0], "sentence_starts": [0], "sentence_ends": [30]}) + "\n")
    return path


ROWS = [("2022-01-10", "CHN", "RUS", "support"), ("2022-01-20", "CHN", "RUS", "support"),
        ("2022-03-02", "CHN", "RUS", "oppose"), ("2022-03-05", "USA", "RUS", "oppose"),
        ("2022-03-09", "USA", "CHN", "neutral"), (None, "RUS", "USA", "oppose")]


@pytest.fixture(scope="module")
def client(model_path, tmp_path_factory):
    table = write_table(tmp_path_factory.mktemp("table") / "dyads.jsonl", ROWS)
    with TestClient(create_app(Settings(model_path=model_path, table_path=table, max_text_chars=5000))) as c:
        yield c


# -- the page -------------------------------------------------------------------------------------------
def test_root_redirects_to_the_page_and_its_assets_are_local(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/ui"
    page = client.get("/ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assets = refs(page.text)
    assert {"/ui/static/app.js", "/ui/static/app.css", "/ui/static/archive.js", "/docs"} <= set(assets)
    for url in (u for u in assets if not u.startswith("#")):  # "#main": the skip link
        assert url.startswith("/") and not url.startswith("//"), url
        assert client.get(url).status_code == 200, url
    for name in ("app.js", "archive.js", "app.css"):
        body = client.get(f"/ui/static/{name}").text
        assert "innerHTML" not in body  # server text is inserted as text only
        assert not re.search(r"""(?:fetch|import|url)\(\s*['"]https?://""", body), name


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_reference_only_local_assets_that_answer(client, path):
    r = client.get(path)
    assert r.status_code == 200
    urls = refs(r.text)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert not re.search(r"https?://", re.sub(r"<!--.*?-->", "", r.text, flags=re.S))
    for url in urls:
        got = client.get(url)
        assert got.status_code == 200, url
        assert len(got.content) > 1000 or url.endswith(".json")
    assert "/openapi.json" in urls


# -- /v1/read -----------------------------------------------------------------------------------------
def test_read_gives_cleaned_text_sentences_and_mentions_with_roles(client):
    text = "Beijing backed Moscow. The <b>EU</b> &amp; Kyiv met."
    r = client.post("/v1/read", json={"text": text, "date": "2022-09-13"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert " ".join(body["text"].split()) == "Beijing backed Moscow. The EU & Kyiv met."  # tags become spaces
    assert [(s["index"], " ".join(body["text"][s["start"]:s["end"]].split())) for s in body["sentences"]] == [
        (0, "Beijing backed Moscow."), (1, "The EU & Kyiv met.")]
    codes = [(m["code"], m["text"], m["role"]) for m in body["mentions"]]
    assert codes[:2] == [("CHN", "Beijing", "actor"), ("RUS", "Moscow", "actor")]
    assert ("EU", "EU", "actor") in codes
    for m in body["mentions"]:
        assert body["text"][m["start"]:m["end"]] == m["text"] and m["name"] and m["kind"]


@pytest.mark.parametrize("payload, status, needle", [
    ({"text": "   "}, 422, "text is empty or blank"),
    ({"text": "12 34 !!"}, 422, "no words"),
    ({"text": "x" * 5001}, 413, "the limit is 5000 characters"),
    ({"text": "China.", "date": "13/09/2022"}, 422, "YYYY-MM-DD"),
])
def test_read_refuses_bad_input_with_a_message(client, payload, status, needle):
    r = client.post("/v1/read", json=payload)
    assert r.status_code == status
    assert needle in json.dumps(r.json())
    assert "xxxxxxxxxx" not in r.text


# -- explain over HTTP --------------------------------------------------------------------------------
def test_explain_flag_adds_typed_explanations_only_when_asked(client):
    plain = client.post("/v1/stance", json=CONDEMN).json()
    assert "explanation" not in plain["evidence"][0]
    r = client.post("/v1/stance", json={**CONDEMN, "explain": True})
    assert r.status_code == 200
    ev = r.json()["evidence"][0]
    expl = ev["explanation"]
    assert expl["label"] == "oppose" and expl["versus"] in ("support", "neutral")
    top = expl["toward"][0]
    assert top["view"] in ("sentence", "between", "relation", "near") and top["weight"] > 0
    start = ev["text"].index("condemned")
    assert any(a <= start < b for a, b in top["spans"]), top
    dyads = client.post("/v1/dyads", json={"text": "China condemned Russia.", "explain": True}).json()["dyads"]
    assert {(d["source"]["code"], d["target"]["code"]) for d in dyads} == {("CHN", "RUS"), ("RUS", "CHN")}
    assert all("explanation" in ev for d in dyads for ev in d["evidence"])
    batch = client.post("/v1/stance/batch", json={"items": [{**CONDEMN, "explain": True}, CONDEMN]}).json()
    assert "explanation" in batch["results"][0]["evidence"][0]
    assert "explanation" not in batch["results"][1]["evidence"][0]
    assert client.post("/v1/stance", json={**CONDEMN, "explain": "perhaps"}).status_code == 422


def test_openapi_types_the_explanation(client):
    schema = client.get("/openapi.json").json()
    comps = schema["components"]["schemas"]
    assert "explain" in comps["StanceRequest"]["properties"] and "explain" in comps["DyadsRequest"]["properties"]
    evidence = next(v for k, v in comps.items() if k.startswith("EvidenceOut"))
    assert "explanation" in evidence["properties"]
    expl = comps["ExplanationOut"]["properties"]
    assert {"label", "versus", "logit", "intercept", "toward", "against", "n_features"} <= set(expl)
    assert set(comps["ContributionOut"]["properties"]) == {"view", "feature", "value", "weight", "spans"}
    assert "/v1/read" in schema["paths"] and "/v1/archive/series" in schema["paths"]


# -- /v1/archive ------------------------------------------------------------------------------------------
def test_archive_info_matrix_and_series(client):
    info = client.get("/v1/archive").json()
    assert (info["table"], info["n_rows"], info["n_articles"]) == ("dyads.jsonl", 6, 6)
    assert (info["start"], info["end"]) == ("2022-01-10", "2022-03-09")
    assert [a["code"] for a in info["actors"]] == ["RUS", "CHN", "USA"]
    m = client.get("/v1/archive/matrix", params={"top": 3}).json()
    assert m["actors"] == ["RUS", "CHN", "USA"]
    i, j = m["actors"].index("CHN"), m["actors"].index("RUS")
    assert m["net"][i][j] == pytest.approx(1 / 3, abs=1e-3) and m["n"][i][j] == 3  # 2 support, 1 oppose
    assert m["net"][j][i] is None and m["n"][j][i] == 0
    s = client.get("/v1/archive/series", params={"source": "china", "target": "RUS", "freq": "M"}).json()
    assert (s["source_name"], s["target_name"]) == ("China", "Russia")
    assert [(p["period"], p["n_support"], p["n_oppose"], p["n"]) for p in s["periods"]] == [
        ("2022-01", 2, 0, 2), ("2022-02", 0, 0, 0), ("2022-03", 0, 1, 1)]
    assert s["periods"][0]["net"] == 1.0 and s["periods"][1]["net"] is None
    assert -1 <= s["periods"][0]["net_low"] < 1.0 == s["periods"][0]["net_high"]
    empty = client.get("/v1/archive/series", params={"source": "USA", "target": "Atlantis"}).json()
    assert empty["periods"] == []


@pytest.mark.parametrize("url, needle", [("/v1/archive/matrix?top=0", "greater than or equal to 1"),
                                         ("/v1/archive/matrix?start=March", "YYYY-MM-DD"),
                                         ("/v1/archive/series?source=CHN&target=RUS&freq=H",
                                          "'D', 'W', 'M', 'Q' or 'Y'"),
                                         ("/v1/archive/series?source=CHN", "target")])
def test_archive_queries_are_checked(client, url, needle):
    r = client.get(url)
    assert r.status_code == 422 and needle in json.dumps(r.json())


def test_archive_without_or_with_a_bad_table_is_503_with_a_reason(model_path, tmp_path):
    with TestClient(create_app(Settings(model_path=model_path))) as c:
        r = c.get("/v1/archive")
        assert r.status_code == 503 and "GEOSTANCE_TABLE_PATH" in r.json()["reason"]
    bad = tmp_path / "secret-folder" / "broken.csv"
    bad.parent.mkdir()
    bad.write_text("doc_id,date\nx,2022-01-01\n", encoding="utf-8")
    with TestClient(create_app(Settings(model_path=model_path, table_path=bad))) as c:
        r = c.get("/v1/archive/matrix")
        assert r.status_code == 503 and r.json()["detail"] == "the dyad table is unavailable"
        assert "broken.csv" in r.json()["reason"] and "missing column" in r.json()["reason"]
        assert "secret-folder" not in r.text
        assert c.get("/v1/archive").status_code == 503


def test_archive_and_read_need_the_key_when_one_is_set(model_path, tmp_path):
    table = write_table(tmp_path / "t.jsonl", ROWS)
    with TestClient(create_app(Settings(model_path=model_path, table_path=table, api_key="k3y"))) as c:
        assert c.get("/v1/archive").status_code == 401
        assert c.post("/v1/read", json={"text": "China spoke."}).status_code == 401
        assert c.get("/v1/archive", headers={"X-API-Key": "k3y"}).status_code == 200
        assert c.get("/ui").status_code == 200 and c.get("/docs").status_code == 200

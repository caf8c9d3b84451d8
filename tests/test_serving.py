"""The HTTP service, in process (``TestClient``), on the session's small model."""

from __future__ import annotations

import json
import logging
import shutil
import uuid

import pytest
from fastapi.testclient import TestClient

import serving.app as service
from serving.app import create_app
from serving.errors import MAX_ERRORS
from serving.settings import DEFAULT_MODEL_PATH, Settings

PAIR = {"text": "China reaffirmed its support for Russia on Monday.", "source": "China", "target": "Russia"}
SMALL = 2000  # bytes: no error body may be larger, whatever was sent


def _no_input_echo(body: dict) -> None:
    for err in body["detail"]:
        assert set(err) == {"type", "loc", "msg"}


@pytest.fixture(scope="module")
def client(model_path):
    with TestClient(create_app(Settings(model_path=model_path))) as c:
        yield c


@pytest.fixture
def keyed(model_path):
    with TestClient(create_app(Settings(model_path=model_path, api_key="s3cret"))) as c:
        yield c


def _copy_model(model_path, tmp_path):
    dst = tmp_path / "stance"
    shutil.copytree(model_path.resolve(), dst)  # one version folder, given directly as the model path
    return dst


# -- settings -----------------------------------------------------------------------------------------
def test_settings_defaults_and_environment(monkeypatch, tmp_path):
    for name in ("MODEL_PATH", "MAX_TEXT_CHARS", "MAX_BATCH", "API_KEY"):
        monkeypatch.delenv(f"GEOSTANCE_{name}", raising=False)
    s = Settings()
    assert (s.model_path, s.max_text_chars, s.max_batch, s.api_key) == (DEFAULT_MODEL_PATH, 100_000, 256, None)
    assert DEFAULT_MODEL_PATH.parts[-2:] == ("models", "stance")
    monkeypatch.setenv("GEOSTANCE_MODEL_PATH", str(tmp_path / "m.joblib"))
    monkeypatch.setenv("GEOSTANCE_MAX_TEXT_CHARS", "50")
    monkeypatch.setenv("GEOSTANCE_MAX_BATCH", "3")
    monkeypatch.setenv("GEOSTANCE_API_KEY", "topsecret-42")
    s = Settings()
    assert (s.model_path, s.max_text_chars, s.max_batch) == (tmp_path / "m.joblib", 50, 3)
    assert s.api_key.get_secret_value() == "topsecret-42" and "topsecret-42" not in repr(s)
    monkeypatch.setenv("GEOSTANCE_API_KEY", "  ")
    assert Settings().api_key is None


# -- health and model ------------------------------------------------------------------------------
def test_health_ok(client, model_path):
    r = client.get("/health")
    assert r.status_code == 200
    meta = json.loads((model_path / "metadata.json").read_text())
    assert r.json()["status"] == "ok" and r.json()["model_sha256"] == meta["sha256"]
    uuid.UUID(r.headers["X-Request-ID"])


def test_request_id_is_kept_when_given_as_uuid(client):
    rid = str(uuid.uuid4())
    assert client.get("/health", headers={"X-Request-ID": rid}).headers["X-Request-ID"] == rid
    other = client.get("/health", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    uuid.UUID(other)


def test_model_metadata(client, model_path):
    r = client.get("/v1/model")
    assert r.status_code == 200
    body = r.json()
    for key in ("versions", "labels", "data", "metrics", "created", "sha256", "config"):
        assert key in body
    assert body["labels"] == ["support", "oppose", "neutral"]
    assert body["sha256"] == json.loads((model_path / "metadata.json").read_text())["sha256"]
    assert "n_examples" in body["data"] and "heldout_doc_ids" not in body


# -- stance -----------------------------------------------------------------------------------------
def test_stance_shape_and_offsets(client):
    r = client.post("/v1/stance", json={**PAIR, "date": "2022-09-13"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"source", "target", "stance", "probabilities", "evidence", "reason", "language"}
    assert body["stance"] in ("support", "oppose", "neutral") and body["reason"] is None
    assert body["language"] is None
    assert abs(sum(body["probabilities"].values()) - 1) < 1e-4
    assert body["source"]["code"] == "CHN" and body["target"]["code"] == "RUS"
    for actor in (body["source"], body["target"]):
        assert set(actor) == {"query", "code", "name", "kind", "mentions"}
        for m in actor["mentions"]:
            assert PAIR["text"][m["start"]:m["end"]] == m["text"] and m["via"]
    ev = body["evidence"]
    assert len(ev) == 1 and PAIR["text"][ev[0]["start"]:ev[0]["end"]] == ev[0]["text"]
    assert set(ev[0]) == {"sentence_index", "text", "start", "end", "stance", "probabilities", "event"}


def test_evidence_strongest_first(client):
    text = "China praised Russia. China and Russia attended the summit. China thanked Russia for its help."
    body = client.post("/v1/stance", json={"text": text, "source": "China", "target": "Russia"}).json()
    ev = body["evidence"]
    strength = [e["probabilities"][body["stance"]] for e in ev]
    assert len(ev) == 3 and strength == sorted(strength, reverse=True)


@pytest.mark.parametrize("source,target", [(" China ", "russia\n"), ("CHINA", "\tRussia"), (" CHN", "RUS "),
                                           ("  cHiNa", "RUSSIAN ")])
def test_padded_and_odd_case_names(client, source, target):
    plain = client.post("/v1/stance", json=PAIR).json()
    odd = client.post("/v1/stance", json={**PAIR, "source": source, "target": target})
    assert odd.status_code == 200
    body = odd.json()
    assert body["source"]["query"] == source.strip() and body["target"]["query"] == target.strip()
    assert (body["source"]["code"], body["target"]["code"]) == ("CHN", "RUS")
    assert body["probabilities"] == plain["probabilities"] and body["evidence"] == plain["evidence"]


def test_html_input_matches_plain_text(client):
    html = "<p>Kenya <b>welcomed</b> Ethiopia&#8217;s offer &amp; aid</p>"
    plain = "Kenya welcomed Ethiopia\u2019s offer & aid"
    a = client.post("/v1/stance", json={"text": html, "source": "Kenya", "target": "Ethiopia"}).json()
    b = client.post("/v1/stance", json={"text": plain, "source": "Kenya", "target": "Ethiopia"}).json()
    assert a["stance"] is not None and a["stance"] == b["stance"]
    for label in ("support", "oppose", "neutral"):
        assert abs(a["probabilities"][label] - b["probabilities"][label]) <= 0.05


def test_untrained_script_gives_null_stance(client):
    r = client.post("/v1/stance", json={"text": "北京批评莫斯科。", "source": "China", "target": "Russia"})
    assert r.status_code == 200
    body = r.json()
    assert body["stance"] is None and body["probabilities"] is None and body["evidence"] == []
    assert body["reason"] == "unsupported_language" and body["language"] == "zh"  # before any actor lookup


@pytest.mark.parametrize("text,source,target,reason", [
    ("Kenya welcomed the offer.", "Kenya", "Russia", "target_not_found"),
    ("China met officials. Later, Russia spoke.", "China", "Russia", "no_shared_sentence"),
    ("China said Beijing would act.", "China", "Beijing", "same_actor"),
])
def test_null_stance_reasons(client, text, source, target, reason):
    body = client.post("/v1/stance", json={"text": text, "source": source, "target": target}).json()
    assert body["stance"] is None and body["probabilities"] is None and body["reason"] == reason


# -- dyads and batch ---------------------------------------------------------------------------------
def test_dyads(client):
    text = "Kenya welcomed Ethiopia's offer of aid. Russia criticised the European Union."
    r = client.post("/v1/dyads", json={"text": text, "date": "2022-09-13"})
    assert r.status_code == 200
    pairs = {(d["source"]["code"], d["target"]["code"]) for d in r.json()["dyads"]}
    assert {("KEN", "ETH"), ("ETH", "KEN"), ("RUS", "EU")} <= pairs
    for d in r.json()["dyads"]:
        assert d["stance"] in ("support", "oppose", "neutral") and d["evidence"]
    only = client.post("/v1/dyads", json={"text": text, "actors": [" kenya ", "Ethiopia"]}).json()["dyads"]
    assert {(d["source"]["code"], d["target"]["code"]) for d in only} == {("KEN", "ETH"), ("ETH", "KEN")}
    assert client.post("/v1/dyads", json={"text": "Nothing here."}).json() == {"dyads": [], "reason": None,
                                                                              "language": None}


def test_batch_in_order(client):
    items = [PAIR, {"text": "北京批评莫斯科。", "source": "China", "target": "Russia"},
             {"text": "Kenya welcomed Ethiopia's offer.", "source": "Kenya", "target": "Ethiopia"}]
    r = client.post("/v1/stance/batch", json={"items": items})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["source"]["query"] for x in results] == ["China", "China", "Kenya"]
    assert results[0] == client.post("/v1/stance", json=PAIR).json()
    assert results[1]["stance"] is None and results[1]["reason"] == "unsupported_language"
    assert results[2]["stance"] is not None


def test_batch_limits(client):
    r = client.post("/v1/stance/batch", json={"items": [PAIR] * 257})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "items"]
    assert "256" in r.json()["detail"][0]["msg"]
    assert client.post("/v1/stance/batch", json={"items": [PAIR] * 256}).status_code == 200
    assert client.post("/v1/stance/batch", json={"items": []}).status_code == 422
    r = client.post("/v1/stance/batch", json={"items": [PAIR, PAIR, {**PAIR, "text": "  "}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "items", 2, "text"]
    r = client.post("/v1/stance/batch", json={"items": [PAIR, {**PAIR, "text": "12 34"}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "items", 1, "text"]
    r = client.post("/v1/stance/batch", json={"items": [{**PAIR, "text": "x " * 100_000}]})
    assert r.status_code == 413 and "items[0].text" in r.json()["detail"] and len(r.content) < SMALL


def test_batch_of_many_invalid_items_has_a_small_body(client):
    r = client.post("/v1/stance/batch", json={"items": [{"text": 1}] * 5000})
    assert r.status_code == 422 and len(r.content) < 4 * SMALL
    assert len(r.json()["detail"]) == MAX_ERRORS + 1


# -- actors ---------------------------------------------------------------------------------------------
def test_resolve(client):
    r = client.get("/v1/actors/resolve", params={"name": " beijing "})
    assert r.status_code == 200
    assert r.json()["code"] == "CHN" and r.json()["kind"] == "state" and set(r.json()) == {
        "code", "name", "kind", "source"}
    assert client.get("/v1/actors/resolve", params={"name": "NATO"}).json()["kind"] == "bloc"


def test_resolve_unknown_is_404_with_short_echo(client):
    r = client.get("/v1/actors/resolve", params={"name": "Atlantis"})
    assert r.status_code == 404 and r.json() == {"detail": "no actor named 'Atlantis' in the dictionary"}
    name = "Q" * 500
    r = client.get("/v1/actors/resolve", params={"name": name})
    assert r.status_code == 404 and r.json()["detail"] == f"no actor named '{'Q' * 100}' in the dictionary"


def test_resolve_bad_input(client):
    for params in ({"name": "   "}, {"name": ""}, {}, {"name": "Putin", "date": "13/09/2022"}):
        r = client.get("/v1/actors/resolve", params=params)
        assert r.status_code == 422, params
        _no_input_echo(r.json())


# -- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("field,value,loc", [
    ("text", "", "text"), ("text", " \n\t ", "text"),
    ("source", "   ", "source"), ("target", "", "target"), ("date", "2022-9-1", "date"),
    ("date", "13.09.2022", "date"), ("date", "2022-02-30", "date"),
])
def test_blank_or_bad_fields_are_named(client, field, value, loc):
    r = client.post("/v1/stance", json={**PAIR, field: value})
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", loc]]
    _no_input_echo(r.json())


@pytest.mark.parametrize("route", ["/v1/stance", "/v1/dyads"])
@pytest.mark.parametrize("text", ["12 34", "!!!", "1 + 2 = 3.", "<div>12</div>", "<p>12 &amp; 34</p>"])
def test_text_without_words(client, route, text):
    r = client.post(route, json={**PAIR, "text": text})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "text"] and "text has no words to read" in err["msg"]


def test_long_text_is_refused_with_a_small_body(client):
    text = "China backs Russia. " * 10_000  # 200,000 characters
    r = client.post("/v1/stance", json={**PAIR, "text": text})
    assert r.status_code == 413 and len(r.content) < SMALL
    assert "100000" in r.json()["detail"] and "China backs" not in r.text
    r = client.post("/v1/dyads", json={"text": text})
    assert r.status_code == 413 and len(r.content) < SMALL
    r = client.post("/v1/stance", json={"text": [text], "source": text, "target": {"x": text}, "date": text})
    assert r.status_code == 422 and len(r.content) < SMALL and "China backs" not in r.text
    _no_input_echo(r.json())


def test_limit_follows_settings(model_path):
    with TestClient(create_app(Settings(model_path=model_path, max_text_chars=20, max_batch=2))) as c:
        assert c.post("/v1/stance", json={**PAIR, "text": "China backs Russia."}).status_code == 200
        r = c.post("/v1/stance", json=PAIR)
        assert r.status_code == 413 and "limit is 20 characters" in r.json()["detail"]
        r = c.post("/v1/stance/batch", json={"items": [{**PAIR, "text": "China backs Russia."}] * 3})
        assert r.status_code == 422 and "at most 2 items" in r.json()["detail"][0]["msg"]


@pytest.mark.parametrize("kwargs", [
    {"json": {**PAIR, "text": 5}}, {"json": {**PAIR, "source": ["China"]}}, {"json": {**PAIR, "date": 20220913}},
    {"json": {"text": PAIR["text"], "source": "China"}}, {"json": {}}, {"json": [PAIR]},
    {"content": b"text=China+backs+Russia", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    {"content": b"{not json", "headers": {"content-type": "application/json"}},
    {"content": b"China backs Russia", "headers": {"content-type": "text/plain"}},
])
def test_wrong_types_missing_fields_non_json(client, kwargs):
    r = client.post("/v1/stance", **kwargs)
    assert r.status_code == 422
    _no_input_echo(r.json())
    assert "China backs" not in r.text


def test_missing_field_is_named(client):
    r = client.post("/v1/stance", json={"text": PAIR["text"], "source": "China"})
    assert r.json()["detail"] == [{"type": "missing", "loc": ["body", "target"], "msg": "Field required"}]


# -- failures -------------------------------------------------------------------------------------------
def test_unexpected_error_is_500_with_request_id(model_path, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    with TestClient(create_app(Settings(model_path=model_path))) as c:
        monkeypatch.setattr(c.app.state.predictor, "stance", boom)
        with caplog.at_level(logging.ERROR, logger="geostance.serving"):
            r = c.post("/v1/stance", json=PAIR)
    assert r.status_code == 500
    rid = r.headers["X-Request-ID"]
    assert r.json() == {"detail": "internal error", "request_id": rid}
    uuid.UUID(rid)
    assert "Traceback" not in r.text and "secret" not in r.text
    logged = [rec for rec in caplog.records if rid in rec.getMessage()]
    assert logged and logged[0].exc_info and "secret internals" in str(logged[0].exc_info[1])


def test_model_loaded_once(model_path, monkeypatch):
    calls = []
    real = service.load_model

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(service, "load_model", counting)
    with TestClient(create_app(Settings(model_path=model_path))) as c:
        for _ in range(10):
            assert c.post("/v1/stance", json=PAIR).status_code == 200
            assert c.post("/v1/dyads", json={"text": PAIR["text"]}).status_code == 200
            assert c.get("/health").status_code == 200
        assert c.post("/v1/stance/batch", json={"items": [PAIR] * 20}).status_code == 200
        assert c.get("/v1/model").status_code == 200
    assert calls == [model_path]


def _assert_unavailable(c, expected_in_reason):
    r = c.get("/health")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"
    reason = r.json()["reason"]
    assert expected_in_reason in reason
    for method, path, body in [("post", "/v1/stance", PAIR), ("post", "/v1/dyads", {"text": PAIR["text"]}),
                               ("post", "/v1/stance/batch", {"items": [PAIR]}), ("get", "/v1/model", None)]:
        r = getattr(c, method)(path, **({"json": body} if body else {}))
        assert r.status_code == 503, path
        assert r.json()["reason"] == reason
    assert c.get("/v1/actors/resolve", params={"name": "China"}).status_code == 200  # needs no model


def test_missing_model_gives_503(tmp_path):
    with TestClient(create_app(Settings(model_path=tmp_path / "nothing"))) as c:
        _assert_unavailable(c, "does not exist")


def test_tampered_model_gives_503(model_path, tmp_path):
    path = _copy_model(model_path, tmp_path)
    data = bytearray((path / "model.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (path / "model.skops").write_bytes(bytes(data))
    with TestClient(create_app(Settings(model_path=path))) as c:
        _assert_unavailable(c, "sha256")


def test_model_from_other_sklearn_version_gives_503(model_path, tmp_path):
    path = _copy_model(model_path, tmp_path)
    meta_path = path / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["versions"]["scikit-learn"] = "0.1.0"
    meta_path.write_text(json.dumps(meta))
    with TestClient(create_app(Settings(model_path=path))) as c:
        _assert_unavailable(c, "scikit-learn 0.1.0")


# -- API key -------------------------------------------------------------------------------------------
def test_api_key(keyed):
    assert keyed.get("/health").status_code == 200
    assert keyed.get("/openapi.json").status_code == 200 and keyed.get("/docs").status_code == 200
    for headers, detail in [({}, "missing API key"), ({"X-API-Key": "wrong"}, "invalid API key")]:
        for method, path, body in [("post", "/v1/stance", PAIR), ("post", "/v1/dyads", {"text": PAIR["text"]}),
                                   ("post", "/v1/stance/batch", {"items": [PAIR]}), ("get", "/v1/model", None)]:
            r = getattr(keyed, method)(path, headers=headers, **({"json": body} if body else {}))
            assert r.status_code == 401 and detail in r.json()["detail"], path
        r = keyed.get("/v1/actors/resolve", params={"name": "China"}, headers=headers)
        assert r.status_code == 401 and "X-API-Key" in r.json()["detail"]
    ok = {"X-API-Key": "s3cret"}
    assert keyed.post("/v1/stance", json=PAIR, headers=ok).status_code == 200
    assert keyed.get("/v1/actors/resolve", params={"name": "China"}, headers=ok).status_code == 200
    assert keyed.get("/v1/model", headers=ok).status_code == 200


def test_no_key_needed_when_unset(client):
    assert client.post("/v1/stance", json=PAIR).status_code == 200


# -- docs -------------------------------------------------------------------------------------------------
def test_openapi_lists_every_model_with_an_example(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/health", "/v1/stance", "/v1/dyads", "/v1/stance/batch", "/v1/actors/resolve", "/v1/model"} <= set(
        spec["paths"])
    schemas = spec["components"]["schemas"]
    for name in ("StanceRequest", "DyadsRequest", "BatchRequest", "PairStanceOut", "DyadsOut", "BatchOut",
                 "ActorInfo", "ModelInfo", "Health", "ErrorOut", "ValidationErrorOut"):
        assert name in schemas
    missing = [name for name, schema in schemas.items() if not schema.get("examples")]
    assert missing == []
    assert "cleaned text" in json.dumps(schemas["MentionOut"]) and "cleaned text" in json.dumps(schemas["EvidenceOut"])

"""Issue 19, items 1-8: faults injected as the issue describes them (kill by PID, bit flips, bad bytes,
extreme dates, formula cells), each with what must hold afterwards."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.settings import Settings
from training import archive
from training.annotation import annofile
from training.annotation.annotate import main as annotate_main
from training.archive import series
from training.archive.parts import PartStore
from training.csvcells import protect, unprotect
from training.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}


def _articles(n: int) -> list[dict]:
    """``n`` articles of the embedded corpus (repeated with new ids past its end)."""
    rows = []
    for name in ("amg", "eur", "mea"):
        rows += [json.loads(line) for line in (ROOT / "data" / "corpus" / f"{name}.jsonl").read_text(
            encoding="utf-8").splitlines() if line.strip()]
    return [{**rows[i % len(rows)], "id": f"a{i:05d}"} for i in range(n)]


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "title", "date", "text"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _code(model_path, inputs, out, **kw):
    kw.setdefault("progress", False)
    return archive.run([str(p) for p in inputs], out, model_path=model_path, **kw)


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry.name))
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(p)
    return alive


def _kill_when_children(proc: subprocess.Popen, sig: int, *, match: str = "", wait: float = 120.0) -> set[int]:
    """Kill ``proc`` with ``sig`` once it has a child (whose command line holds ``match``); its children."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and proc.poll() is None:
        kids = {k for k in _children(proc.pid)
                if match in Path(f"/proc/{k}/cmdline").read_bytes().decode(errors="replace")} \
            if Path(f"/proc/{proc.pid}").exists() else set()
        if kids:
            os.kill(proc.pid, sig)
            proc.wait(30)
            return kids
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the process ended before it started any worker")


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(pids)
    for p in left:  # do not leave them behind for the next test
        os.kill(p, signal.SIGKILL)
    return left


# -- 1. killed runs leave no workers behind ---------------------------------------------------------------
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_archive_run_leaves_no_workers_and_resumes(model_path, tmp_path, sig):
    inputs = _jsonl(tmp_path / "a.jsonl", _articles(600))
    out = tmp_path / "t.parquet"
    cmd = [sys.executable, "-m", "training.predict", "--articles", str(inputs), "--out", str(out), "--workers", "2",
           "--chunk-size", "5", "--model", str(model_path), "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = _kill_when_children(proc, sig)
    assert not _gone_within(workers, 10), "pool workers outlived the killed run"
    resumed = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "another run" not in resumed.stderr
    clean = tmp_path / "clean.parquet"
    _code(model_path, [inputs], clean, chunk_size=5)
    pd.testing.assert_frame_equal(series.read_table(out), series.read_table(clean))


def test_killed_fit_leaves_no_loky_workers(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    bodies = ["China praised Russia for its help. Japan condemned North Korea. Kenya and Ghana attended the summit.",
              "France thanked Germany for the loan. Iran accused Israel of sabotage. Brazil and Chile met.",
              "India welcomed Japan's plan. Pakistan denounced India over the strikes. Peru mentioned Spain."]
    notes = []
    for i, body in enumerate(bodies):
        (arts / f"a{i}.txt").write_text(f"Title {i}\n{body}\n", encoding="utf-8")
    for i, (s, t, label) in enumerate([("CHN", "RUS", "support"), ("FRA", "DEU", "support"),
                                       ("IND", "JPN", "support")]):
        notes.append({"doc_id": f"a{i}", "source": s, "target": t, "label": label, "sentence": 0})
    for i, (s, t) in enumerate([("JPN", "PRK"), ("IRN", "ISR"), ("PAK", "IND")]):
        notes.append({"doc_id": f"a{i}", "source": s, "target": t, "label": "oppose", "sentence": 1})
    _jsonl(tmp_path / "notes.jsonl", notes)
    cmd = [sys.executable, "-m", "training.fit", "--articles", str(arts), "--annotations",
           str(tmp_path / "notes.jsonl"), "--test-size", "0", "--out", str(tmp_path / "m"), "--cache-dir",
           str(tmp_path / "cache")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = _kill_when_children(proc, signal.SIGKILL, match="loky")
    assert not _gone_within(workers, 10), "joblib/loky workers outlived the killed fit"


def test_forked_workers_do_not_hold_the_parts_lock(tmp_path):
    store = PartStore(tmp_path / "t.parquet")
    store.open("k", {})
    ready, started = os.pipe()
    pid = os.fork()
    if pid == 0:  # a worker that outlives its parent's run
        os.write(started, b"1")  # the fork hooks have run by now
        time.sleep(3)
        os._exit(0)
    try:
        assert os.read(ready, 1) == b"1"
        store.close()
        again = PartStore(tmp_path / "t.parquet")
        assert again.open("k", {}) == 0  # before the fix: "another run is writing these parts"
        again.close()
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


# -- 2. one bad CSV row spoils only itself ----------------------------------------------------------------
def test_latin1_byte_and_unclosed_quote_spoil_one_row_each(model_path, tmp_path):
    rows = [{**r, "title": f"T{i}", "text": " ".join(r["text"].split())} for i, r in enumerate(_articles(200))]
    path = _csv(tmp_path / "a.csv", rows)  # one physical line per row, so lines can be broken by number
    raw = path.read_bytes()
    lines = raw.split(b"\r\n")
    lines[101] = lines[101].replace(b"a00100,", b"a00100,caf\xe9 ", 1)  # a Latin-1 byte in row 100
    broken = lines[51].split(b",", 3)  # row 50: the quote of its text never closes
    lines[51] = b",".join(broken[:3]) + b',"' + broken[3].replace(b'"', b"") + b" unterminated"
    path.write_bytes(b"\r\n".join(lines))
    summary = _code(model_path, [path], tmp_path / "t.parquet")
    details = [s["detail"] for s in summary.skipped]
    assert len(summary.skipped) == 2, details
    assert any(d.endswith("a.csv:102: not UTF-8 text") for d in details)
    assert any("a.csv:52: broken CSV record" in d and "unclosed quote" in d for d in details)
    assert summary.articles == 198
    table = series.read_table(tmp_path / "t.parquet")
    assert {"a00051", "a00101", "a00199"} <= set(table["doc_id"])  # after each bad row, reading went on


# -- 3. damaged parts are coded again, never trusted ------------------------------------------------------
def _stopped_run(model_path, inputs, out, parts):
    summary = _code(model_path, [inputs], out, chunk_size=10, max_parts=parts)
    assert not summary.complete
    return PartStore(out).dir


@pytest.mark.parametrize("damage", ["flip", "swap", "truncate", "counts"])
def test_damaged_part_is_coded_again(model_path, tmp_path, damage):
    inputs = _jsonl(tmp_path / "a.jsonl", _articles(30))
    clean = tmp_path / "clean.parquet"
    _code(model_path, [inputs], clean, chunk_size=10)
    out = tmp_path / "t.parquet"
    folder = _stopped_run(model_path, inputs, out, 2)
    part0, part1 = folder / "part-000000.parquet", folder / "part-000001.parquet"
    if damage == "flip":
        data = bytearray(part1.read_bytes())
        data[len(data) // 3] ^= 0x04
        part1.write_bytes(bytes(data))
    elif damage == "swap":
        shutil.copy(part0, part1)
        shutil.copy(folder / "part-000000.json", folder / "part-000001.json")
    elif damage == "truncate":
        part1.write_bytes(part1.read_bytes()[:100])
    else:
        (folder / "part-000001.json").write_text("{", encoding="utf-8")
    summary = _code(model_path, [inputs], out, chunk_size=10)
    assert summary.complete and summary.reused == 1 and summary.recoded == 1
    assert "1 damaged part(s)" in summary.report()
    got, want = series.read_table(out), series.read_table(clean)
    assert len(got) == summary.dyads == len(want)
    pd.testing.assert_frame_equal(got, want)


# -- 4. a failed run blocks nothing; an edited input is not resumed ----------------------------------------
def test_failed_run_leaves_no_parts_and_the_right_input_then_works(model_path, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "t.parquet"
    code = subprocess.run([sys.executable, "-m", "training.predict", "--articles", str(empty), "--out", str(out),
                           "--model", str(model_path), "--no-progress"], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=300)
    assert code.returncode == 2 and "no .txt, .jsonl" in code.stderr
    assert not PartStore(out).dir.exists()
    summary = _code(model_path, [_jsonl(tmp_path / "a.jsonl", _articles(5))], out)
    assert summary.complete and summary.articles == 5


def test_input_edited_with_size_and_mtime_kept_is_not_resumed(model_path, tmp_path):
    inputs = _jsonl(tmp_path / "a.jsonl", _articles(30))
    out = tmp_path / "t.parquet"
    _stopped_run(model_path, inputs, out, 1)
    st = inputs.stat()
    text = inputs.read_text(encoding="utf-8")
    inputs.write_text(text.replace('"a00000"', '"b00000"', 1), encoding="utf-8")
    os.utime(inputs, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert inputs.stat().st_size == st.st_size and inputs.stat().st_mtime_ns == st.st_mtime_ns
    with pytest.raises(RuntimeError, match="a run with other arguments"):
        _code(model_path, [inputs], out, chunk_size=10)


# -- 5. one labelling session per file --------------------------------------------------------------------
def test_second_labelling_session_on_one_file_is_refused(model_path, tmp_path, capsys):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "a1.txt").write_text("T\nChina praised Russia for its help. Japan condemned North Korea.\n",
                                 encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    argv = ["--articles", str(arts), "--out", str(out), "--model", str(model_path)]
    with annofile.session(out):  # the first session, still labelling
        code = annotate_main(argv, input_fn=lambda prompt: "s")
        assert code == 2
        assert "another labelling session" in capsys.readouterr().err
        assert not out.exists() or out.read_text(encoding="utf-8") == ""
    assert annotate_main([*argv, "--batch", "1"], input_fn=lambda prompt: "s") == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


# -- 6. bounded work ----------------------------------------------------------------------------------------
ROWS = [{"doc_id": f"d{i}", "date": d, "source": "CHN", "source_name": "China", "source_kind": "state",
         "target": "RUS", "target_name": "Russia", "target_kind": "state", "stance": "support", "p_support": 0.8,
         "p_oppose": 0.1, "p_neutral": 0.1, "n_sentences": 1, "sentence_indices": [0], "sentence_starts": [0],
         "sentence_ends": [10]} for i, d in enumerate(["0001-01-01", "2022-03-01", "9999-12-31"])]


def test_series_over_extreme_dates_is_refused_before_it_is_built(model_path, tmp_path):
    table = tmp_path / "dyads.jsonl"
    _jsonl(table, ROWS)
    frame = series.read_table(table)
    with pytest.raises(series.TooManyPeriods, match=r"3652059 found, the limit is 10000 \(max_periods\)"):
        series.dyad_series(frame, "CHN", "RUS", freq="D")
    assert len(series.dyad_series(frame, "CHN", "RUS", freq="Y")) == 9999
    with TestClient(create_app(Settings(model_path=model_path, table_path=table))) as c:
        r = c.get("/v1/archive/series", params={"source": "CHN", "target": "RUS", "freq": "D"})
        assert r.status_code == 413 and r.json()["limit"] == "max_periods" and r.json()["value"] == 10000
        assert "GEOSTANCE_MAX_PERIODS" in r.json()["detail"] and len(r.content) < 1000
        assert c.get("/v1/archive/series", params={"source": "CHN", "target": "RUS", "freq": "Y"}).status_code == 200
    with TestClient(create_app(Settings(model_path=model_path, table_path=table, max_periods=100))) as c:
        r = c.get("/v1/archive/series", params={"source": "CHN", "target": "RUS", "freq": "Y"})
        assert r.status_code == 413 and r.json()["value"] == 100


def test_archive_routes_run_under_the_time_budget(model_path, tmp_path, monkeypatch):
    import serving.archive as routes

    table = _jsonl(tmp_path / "dyads.jsonl", ROWS)
    slow = routes.stance_matrix
    monkeypatch.setattr(routes, "stance_matrix", lambda *a, **k: (time.sleep(3), slow(*a, **k))[1])
    with TestClient(create_app(Settings(model_path=model_path, table_path=table, request_timeout_s=0.5))) as c:
        r = c.get("/v1/archive/matrix")
        assert r.status_code == 503 and r.json()["detail"] == "the request took too long"


def test_archive_coding_skips_a_text_over_the_cap(model_path, tmp_path):
    rows = _articles(3)
    rows[1] = {**rows[1], "text": "China backed Russia. " * 5000}  # 105,000 characters
    summary = _code(model_path, [_jsonl(tmp_path / "a.jsonl", rows)], tmp_path / "t.parquet")
    assert summary.articles == 2 and [s["reason"] for s in summary.skipped] == ["max_text_chars"]
    assert "105,000 characters long, the limit is 100,000 (max_text_chars)" in summary.skipped[0]["detail"]
    small = _code(model_path, [_jsonl(tmp_path / "b.jsonl", rows)], tmp_path / "u.parquet",
                  limits=Limits(max_text_chars=50))
    assert small.articles == 0 and len(small.skipped) == 3


# -- 7. no formula cells; security headers ------------------------------------------------------------------
@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "'quoted", "plain"])
def test_protect_round_trips(value):
    cell = protect(value)
    assert cell[0] not in "=+-@\t\r" and unprotect(cell) == value


def test_sentence_table_csv_has_no_formula_cells(model_path, tmp_path):
    rows = [{"id": "=cmd|' /C calc'!A0", "title": "t", "date": "2022-01-01",
             "text": "=1+1 China backed Russia. -Russia thanked China."}]
    out = tmp_path / "s.csv"
    summary = _code(model_path, [_jsonl(tmp_path / "a.jsonl", rows)], out, sentences=True)
    assert summary.dyads >= 2
    with out.open(encoding="utf-8", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not c[1:2].isdigit())]
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(table["doc_id"].map(unprotect)) == {"=cmd|' /C calc'!A0"}
    assert table["sentence"].map(unprotect).str.startswith(("=1+1", "-Russia")).all()


def test_annotation_export_has_no_formula_cells_and_imports_back(model_path, tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "=x.txt").write_text("T\n@China praised Russia for its help.\n", encoding="utf-8")
    export, out = tmp_path / "p.csv", tmp_path / "labels.jsonl"
    assert annotate_main(["--articles", str(arts), "--out", str(out), "--model", str(model_path), "--export",
                          str(export)]) == 0
    rows = list(csv.DictReader(export.open(encoding="utf-8", newline="")))
    assert rows and rows[0]["doc_id"] == "'=x" and rows[0]["text"].startswith("'@China")
    rows[0]["label"] = "support"
    with export.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert annotate_main(["--import", str(export), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["doc_id"] == "=x"


def test_every_answer_is_nosniff_and_the_page_has_its_csp(model_path):
    with TestClient(create_app(Settings(model_path=model_path, api_key="k3y"))) as c:
        for url in ("/ui", "/ui/static/index.html", "/ui/static/app.js", "/health", "/docs", "/v1/model",
                    "/openapi.json"):
            r = c.get(url, headers={"X-API-Key": "k3y"})
            assert r.headers.get("x-content-type-options") == "nosniff", url
        for url in ("/ui", "/ui/static/index.html"):
            csp = c.get(url).headers.get("content-security-policy", "")
            assert "script-src 'self'" in csp and "default-src 'self'" in csp, url
        r = c.get("/v1/model")
        assert r.status_code == 401 and r.headers.get("x-content-type-options") == "nosniff"
        for url in ("/", "/ui", "/ui/static/app.js", "/redoc", "/docs", "/docs/assets/swagger-ui.css", "/health",
                    "/openapi.json"):
            assert c.get(url, follow_redirects=False).status_code in (200, 307), url


# -- 8. the final table is readable by others -------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_final_table_gets_the_umask_mode(model_path, tmp_path, suffix):
    old = os.umask(0o022)
    try:
        out = tmp_path / f"t{suffix}"
        _code(model_path, [_jsonl(tmp_path / "a.jsonl", _articles(3))], out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    out.chmod(0o640)  # an existing table keeps its mode when written again
    _code(model_path, [tmp_path / "a.jsonl"], out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640

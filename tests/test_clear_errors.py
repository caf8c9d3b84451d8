"""Issue 19, item 9: bad input to the commands gives a clear error naming file and line, never a traceback.

Faults are injected as a user meets them: an invalid UTF-8 byte, a file saved by Excel (a UTF-8 BOM, or
cp1252), a write torn inside a multibyte character, Ctrl-C, a CSV without a ``text`` column, an empty
file, a date with trailing junk, and a date given as a string from Python.
"""

from __future__ import annotations

import json

import pytest

from training.annotation import annofile
from training.articles import DataError, parse_date
from training.reading import iter_articles, read_articles

ROW = {"id": "a1", "title": "T", "text": "China criticised Russia on Monday.", "date": "2022-09-13"}


def _jsonl_with_bad_byte(path):
    path.write_bytes(json.dumps(ROW).encode() + b"\n" + b'{"id": "a2", "text": "Caf\xe9 talks"}\n')
    return path


def test_fit_invalid_utf8_names_file_and_line(tmp_path, capsys):
    from training.fitting.fit import main

    bad = _jsonl_with_bad_byte(tmp_path / "news.jsonl")
    rc = main(["--articles", str(bad), "--annotations", str(bad), "--out", str(tmp_path / "m" / "stance"),
               "--no-search"])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{bad}:2: not UTF-8 text (byte 0xe9 at column 26)" in err
    assert "Traceback" not in err


def test_annotate_invalid_utf8_txt_folder(tmp_path, capsys):
    from training.annotation.annotate import main

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"Title\nChina backed Russia.\n")
    (folder / "b.txt").write_bytes(b"Title\nFrance \x92s envoy\n")
    rc = main(["--articles", str(folder), "--out", str(tmp_path / "labels.jsonl"),
               "--model", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{folder / 'b.txt'}:2: not UTF-8 text" in err


def _proposals(path, encoding, bom=b""):
    text = ("doc_id,sentence,source,target,text,label\r\n"
            "d1,0,CHN,RUS,Café talks,support\r\n"
            "d1,1,RUS,CHN,“quoted”,oppose\r\n")
    path.write_bytes(bom + text.encode(encoding))
    return path


def test_import_excel_utf8_bom(tmp_path, capsys):
    from training.annotation.annotate import main

    src = _proposals(tmp_path / "p.csv", "utf-8", bom=b"\xef\xbb\xbf")
    out = tmp_path / "labels.jsonl"
    assert main(["--import", str(src), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["doc_id"], r["source"], r["label"]) for r in rows] == [("d1", "CHN", "support"),
                                                                      ("d1", "RUS", "oppose")]


def test_import_excel_cp1252_is_a_clear_error(tmp_path, capsys):
    from training.annotation.annotate import main

    src = _proposals(tmp_path / "p.csv", "cp1252")
    out = tmp_path / "labels.jsonl"
    rc = main(["--import", str(src), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{src}:2: not UTF-8 text (byte 0xe9" in err and "CSV UTF-8" in err
    assert not out.exists()


def test_repair_of_a_line_torn_inside_a_multibyte_character(tmp_path):
    path = tmp_path / "labels.jsonl"
    good = json.dumps({"doc_id": "d", "source": "CHN", "target": "RUS", "label": "support"}) + "\n"
    torn = '{"doc_id": "Zürich'.encode()[:-4]  # cut inside the two bytes of "ü"
    path.write_bytes(good.encode() + torn)
    assert annofile.repair(path) is True
    assert path.read_text() == good


@pytest.mark.parametrize("module, target, argv", [
    ("training.fitting.fit", "run", ["--out", "{tmp}/m/stance"]),
    ("training.annotation.annotate", "run", ["--articles", "x", "--out", "{tmp}/l.jsonl"]),
    ("training.archive.job", "run", ["--articles", "x", "--out", "{tmp}/t.parquet"]),
    ("training.archive.series", "read_table", ["{tmp}/t.parquet", "--matrix", "{tmp}/m.png"]),
    ("training.fitting.evaluate", "load_model", ["--model", "m", "--data", "x.jsonl"]),
])
def test_ctrl_c_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch, module, target, argv):
    import importlib

    mod = importlib.import_module(module)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mod, target, interrupted)
    rc = mod.main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert rc == 130
    assert "interrupted" in err and "Traceback" not in err


def test_csv_without_text_column_is_refused_whole(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("id,title,body\n1,T,China backed Russia.\n2,T,Russia thanked China.\n")
    with pytest.raises(DataError, match=r"news\.csv:1: the header has no column 'text'"):
        list(iter_articles(path))
    with pytest.raises(DataError, match=r"news\.csv:1: the header has no column 'text'"):
        read_articles(path)


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv"])
def test_empty_input_is_an_error(tmp_path, name):
    path = tmp_path / name
    path.write_text("")
    with pytest.raises(DataError, match="no articles"):
        read_articles(path)
    with pytest.raises(DataError, match="no articles"):
        list(iter_articles(path))


def test_fit_on_an_empty_file_exits_2(tmp_path, capsys):
    from training.fitting.fit import main

    empty = tmp_path / "news.jsonl"
    empty.write_text("")
    rc = main(["--articles", str(empty), "--annotations", str(empty), "--out", str(tmp_path / "m" / "stance")])
    assert rc == 2
    assert f"{empty}: no articles" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["2022-02-28junk", "2022-02-28 x", "2022-02-28T", "2022-13-01", "20220230"])
def test_dates_with_junk_are_refused(value):
    with pytest.raises(DataError, match="invalid date"):
        parse_date(value, "news.csv:3: field 'date'")


@pytest.mark.parametrize("value", ["2022-02-28", "2022-02-28T08:15:00Z", "2022-02-28 08:15",
                                   "2022-02-28T08:15:00+02:00", "20220228", " 2022-02-28 "])
def test_dates_and_timestamps_are_read(value):
    assert str(parse_date(value)) == "2022-02-28"


def test_junk_date_in_an_article_row_names_the_line(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps(ROW) + "\n" + json.dumps({**ROW, "id": "a2", "date": "2022-02-28junk"}) + "\n")
    with pytest.raises(DataError, match=r"news\.jsonl:2: field 'date': invalid date"):
        read_articles(path)


def test_predictor_accepts_a_date_string_as_http_does(predictor):
    text = "Putin thanked Xi for his support on Tuesday."
    as_string = predictor.dyads(text, date="2022-09-13")
    import datetime as dt

    as_date = predictor.dyads(text, date=dt.date(2022, 9, 13))
    assert [(d.source.code, d.target.code, d.stance) for d in as_string] == \
           [(d.source.code, d.target.code, d.stance) for d in as_date]
    assert {d.source.code for d in as_string} == {"RUS", "CHN"}
    with pytest.raises(ValueError, match="invalid date"):
        predictor.dyads(text, date="2022-09-13junk")

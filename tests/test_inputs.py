"""Reading articles, annotations and labelled-pair files; bad input gives errors naming file and line."""

import json

import pytest

from training.articles import DataError, read_annotations, read_pairs
from training.reading import read_articles


def write(path, lines):
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_txt_folder(tmp_path):
    (tmp_path / "a1.txt").write_text("Title here\nChina praised Russia.\n", encoding="utf-8")
    [a] = read_articles(tmp_path)
    assert (a.id, a.title, a.text.strip(), a.date) == ("a1", "Title here", "China praised Russia.", None)


def test_jsonl_and_csv(tmp_path):
    row = {"id": "x", "text": "Kenya thanked Japan.", "date": "2019-05-02"}
    j = write(tmp_path / "a.jsonl", [json.dumps(row) + "\n"])
    [a] = read_articles(j)
    assert a.date.isoformat() == "2019-05-02"
    c = write(tmp_path / "a.csv", ["id,text,title\n", 'y,"Iran, angry, protested.",T\n'])
    [b] = read_articles(c)
    assert (b.id, b.text, b.title) == ("y", "Iran, angry, protested.", "T")


def test_hf_dataset_on_disk(tmp_path):
    import datasets

    datasets.Dataset.from_dict({"id": ["d1"], "text": ["Chile thanked Peru."]}).save_to_disk(str(tmp_path / "ds"))
    [a] = read_articles(tmp_path / "ds")
    assert a.id == "d1"


@pytest.mark.parametrize("line,message", [
    ('{"id": "x"}\n', r"a.jsonl:2: missing or empty field 'text'"),
    ('{"id": "x", "text": "ok", "date": "May 5"}\n', r"a.jsonl:2: field 'date': invalid date 'May 5'"),
    ("not json\n", r"a.jsonl:2: invalid JSON"),
    ('["x"]\n', r"a.jsonl:2: expected a JSON object, got list"),
])
def test_bad_article_rows_name_file_and_line(tmp_path, line, message):
    p = write(tmp_path / "a.jsonl", [json.dumps({"id": "ok", "text": "fine"}) + "\n", line])
    with pytest.raises(DataError, match=message):
        read_articles(p)


def test_missing_path_and_duplicate_ids(tmp_path):
    with pytest.raises(DataError, match="no such file or folder"):
        read_articles(tmp_path / "nope.jsonl")
    p = write(tmp_path / "a.jsonl", [json.dumps({"id": "x", "text": "a"}) + "\n"] * 2)
    with pytest.raises(DataError, match="duplicate article id 'x'"):
        read_articles(p)


def test_bad_annotation(tmp_path):
    p = write(tmp_path / "n.jsonl", [json.dumps({"doc_id": "a", "source": "CHN", "target": "RUS",
                                                 "label": "friendly"}) + "\n"])
    with pytest.raises(DataError, match=r"n.jsonl:1: field 'label' is 'friendly'"):
        read_annotations(p)
    p = write(tmp_path / "m.jsonl", [json.dumps({"doc_id": "a", "source": "CHN", "target": "RUS",
                                                 "label": "oppose", "sentence": -1}) + "\n"])
    with pytest.raises(DataError, match=r"m.jsonl:1: field 'sentence' must be a sentence index"):
        read_annotations(p)


def test_pairs_schema(tmp_path):
    row = {"id": "r1", "doc_id": "d", "text": "China praised Russia.", "source": "CHN", "target": "RUS",
           "label": "support", "date": "121108"}
    [r] = read_pairs(write(tmp_path / "p.jsonl", [json.dumps(row) + "\n"]))
    assert (r.source, r.label, r.date.isoformat()) == ("CHN", "support", "2012-11-08")


def test_pairs_all_blank_text_is_readable_error(tmp_path):
    rows = [json.dumps({"id": f"r{i}", "text": "  ", "source": "A", "target": "B", "label": "neutral"}) + "\n"
            for i in range(3)]
    with pytest.raises(DataError, match="every row has blank text"):
        read_pairs(write(tmp_path / "blank.jsonl", rows))


def test_pairs_bad_label_and_missing_field(tmp_path):
    with pytest.raises(DataError, match=r"p.jsonl:1: field 'label' is None"):
        read_pairs(write(tmp_path / "p.jsonl", ['{"id": "r", "text": "t", "source": "a", "target": "b"}\n']))
    with pytest.raises(DataError, match=r"q.jsonl:1: missing or empty field 'source'"):
        read_pairs(write(tmp_path / "q.jsonl", ['{"id": "r", "text": "t", "target": "b", "label": "oppose"}\n']))

"""training.series on a small hand-made dyad table: exact counts, net stance, interval bounds, plots."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa
import pytest

from training.archive import series
from training.archive.tables import TABLE_SCHEMA, write_table
from training.articles import DataError

PNG = b"\x89PNG\r\n\x1a\n"


def _row(doc, date, src, tgt, stance):
    names = {"CHN": "China", "RUS": "Russia", "USA": "United States"}
    p = {"support": (0.8, 0.1, 0.1), "oppose": (0.1, 0.8, 0.1), "neutral": (0.1, 0.1, 0.8)}[stance]
    return {"doc_id": doc, "date": date, "source": src, "source_name": names[src], "source_kind": "state",
            "target": tgt, "target_name": names[tgt], "target_kind": "state", "stance": stance,
            "p_support": p[0], "p_oppose": p[1], "p_neutral": p[2], "n_sentences": 1,
            "sentence_indices": [0], "sentence_starts": [0], "sentence_ends": [10]}


ROWS = [
    _row("a1", "2022-01-03", "CHN", "RUS", "support"),
    _row("a2", "2022-01-20", "CHN", "RUS", "support"),
    _row("a3", "2022-01-25", "CHN", "RUS", "oppose"),
    _row("a4", "2022-01-28", "CHN", "RUS", "neutral"),
    _row("a5", "2022-03-02", "CHN", "RUS", "oppose"),
    _row("a5", "2022-03-02", "RUS", "CHN", "support"),
    _row("a6", None, "CHN", "RUS", "support"),
    _row("a7", "2022-02-10", "USA", "RUS", "oppose"),
    _row("a7", "2022-02-10", "USA", "CHN", "oppose"),
    _row("a8", "2022-02-11", "USA", "CHN", "neutral"),
]


@pytest.fixture(params=[".parquet", ".csv", ".jsonl"])
def table_path(request, tmp_path):
    path = tmp_path / f"dyads{request.param}"
    write_table([pa.Table.from_pylist(ROWS, schema=TABLE_SCHEMA)], path, TABLE_SCHEMA)
    return path


def test_read_table_round_trips_every_format(table_path):
    table = series.read_table(table_path)
    assert len(table) == len(ROWS)
    assert table["sentence_ends"].iloc[0] == [10]
    assert table["date"].isna().sum() == 1
    assert table["date"].iloc[0] == pd.Timestamp("2022-01-03")


def test_monthly_counts_net_and_interval(table_path):
    s = series.dyad_series(series.read_table(table_path), "CHN", "RUS", freq="M")
    assert [str(p) for p in s["period"]] == ["2022-01", "2022-02", "2022-03"]
    assert s["n_support"].tolist() == [2, 0, 0]
    assert s["n_oppose"].tolist() == [1, 0, 1]
    assert s["n_neutral"].tolist() == [1, 0, 0]
    assert s["n"].tolist() == [4, 0, 1]  # the undated a6 is left out; February is an empty period
    assert s["net"].iloc[0] == pytest.approx(0.25)
    assert math.isnan(s["net"].iloc[1]) and math.isnan(s["net_low"].iloc[1])
    assert s["net"].iloc[2] == pytest.approx(-1.0)
    # January by hand: p_s = 3/6, p_o = 2/6, d = 1/6, se = sqrt((5/6 - 1/36) / 6)
    se = math.sqrt((5 / 6 - 1 / 36) / 6)
    assert s["net_low"].iloc[0] == pytest.approx(1 / 6 - 1.959964 * se, abs=1e-6)
    assert s["net_high"].iloc[0] == pytest.approx(1 / 6 + 1.959964 * se, abs=1e-6)
    assert s["net_low"].iloc[0] == pytest.approx(-0.5515, abs=1e-4)
    # March: one oppose article, p_s = 1/3, p_o = 2/3: the interval is wide and clipped at -1
    assert s["net_low"].iloc[2] == -1.0
    assert s["net_high"].iloc[2] == pytest.approx(-1 / 3 + 1.959964 * math.sqrt((1 - 1 / 9) / 3), abs=1e-6)


def test_names_and_case_select_the_same_dyad(table_path):
    table = series.read_table(table_path)
    a = series.dyad_series(table, "china", "Russia", freq="Y")
    assert a["n"].tolist() == [5] and a["n_support"].tolist() == [2]
    assert series.dyad_series(table, "RUS", "CHN", freq="Y")["n_support"].tolist() == [1]
    assert series.dyad_series(table, "RUS", "USA").empty


def test_unknown_freq_is_refused(table_path):
    with pytest.raises(DataError, match="--freq 'H'"):
        series.dyad_series(series.read_table(table_path), "CHN", "RUS", freq="H")


def test_quarterly_series(table_path, capsys):
    s = series.dyad_series(series.read_table(table_path), "CHN", "RUS", freq="Q")
    assert [str(p) for p in s["period"]] == ["2022Q1"]
    assert s["n"].tolist() == [5] and s["n_oppose"].tolist() == [2]
    assert series.main([str(table_path), "--source", "CHN", "--target", "RUS", "--freq", "Q"]) == 0
    assert "2022Q1" in capsys.readouterr().out


@pytest.mark.parametrize("flag, value", [("--source", "XYZ"), ("--target", "Atlantis")])
def test_cli_unknown_actor_is_an_error(table_path, tmp_path, capsys, flag, value):
    argv = {"--source": "CHN", "--target": "RUS", flag: value}
    code = series.main([str(table_path), "--source", argv["--source"], "--target", argv["--target"],
                        "--out", str(tmp_path / "s.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"error: {flag} '{value}': no row of the table has this actor; its most frequent actors: " \
           "CHN (China), RUS (Russia), USA (United States)" in err
    assert not (tmp_path / "s.csv").exists()


def test_cli_resolves_a_dictionary_name_to_the_table_code(table_path, capsys):
    assert series.main([str(table_path), "--source", "Beijing", "--target", "Moscow", "--freq", "Y"]) == 0
    assert "China -> Russia: 5 articles in 1 periods" in capsys.readouterr().out


def test_cli_without_out_prints_the_series(table_path, capsys):
    assert series.main([str(table_path), "--source", "CHN", "--target", "RUS", "--freq", "M"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "China -> Russia: 5 articles in 3 periods"
    assert lines[1].split() == list(series.SERIES_COLUMNS)
    assert lines[2].split() == ["2022-01", "2", "1", "1", "4", "+0.25", "-0.55", "+0.88"]
    assert lines[3].split() == ["2022-02", "0", "0", "0", "0", "-", "-", "-"]


def test_cli_on_an_undated_table_says_why_there_is_no_series(tmp_path, capsys):
    path = tmp_path / "undated.parquet"
    rows = [dict(r, date=None) for r in ROWS]
    write_table([pa.Table.from_pylist(rows, schema=TABLE_SCHEMA)], path, TABLE_SCHEMA)
    out = tmp_path / "s.csv"
    assert series.main([str(path), "--source", "CHN", "--target", "RUS", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "have no date and are left out" in err
    assert "no row has a date, so there is no series" in err and ".txt articles carry none" in err
    assert not out.exists()


def test_yearly_plot_labels_each_year_at_its_middle(tmp_path):
    rows = [_row("y1", "2020-03-01", "CHN", "RUS", "support"), _row("y2", "2021-06-01", "CHN", "RUS", "oppose"),
            _row("y3", "2020-05-01", "RUS", "CHN", "support")]
    table = pd.DataFrame(rows).assign(date=lambda t: pd.to_datetime(t["date"]))
    both = [(f"{a} -> {b}", series.dyad_series(table, a, b, freq="Y")) for a, b in (("CHN", "RUS"), ("RUS", "CHN"))]
    fig = series.plot_series(both, tmp_path / "y.png", title="t", freq="Y")
    axis = fig.axes[1]
    assert [t.get_text() for t in axis.get_xticklabels()] == ["2020", "2021"]
    import matplotlib.dates as mdates

    middles = [mdates.num2date(x).strftime("%Y-%m") for x in axis.get_xticks()]
    assert middles == ["2020-07", "2021-07"]


def test_stance_matrix_window_and_top(table_path):
    table = series.read_table(table_path)
    m = series.stance_matrix(table, top=3)
    assert list(m.index) == ["CHN", "RUS", "USA"]  # CHN in 9 rows, RUS in 8, USA in 3
    assert m.loc["CHN", "RUS"] == pytest.approx((3 - 2) / 6)  # the undated row counts without a window
    assert m.loc["USA", "CHN"] == pytest.approx(-0.5)
    assert math.isnan(m.loc["RUS", "USA"])
    assert m.attrs["n"].loc["CHN", "RUS"] == 6
    w = series.stance_matrix(table, top=2, start="2022-02-01", end="2022-03-31")
    assert list(w.index) == ["CHN", "RUS"]
    assert w.loc["RUS", "CHN"] == 1.0 and w.loc["CHN", "RUS"] == -1.0


def test_cli_writes_series_and_pngs(table_path, tmp_path):
    out, plot, matrix = tmp_path / "s.csv", tmp_path / "s.png", tmp_path / "m.png"
    code = series.main([str(table_path), "--source", "CHN", "--target", "RUS", "--both", "--freq", "M",
                        "--out", str(out), "--plot", str(plot), "--matrix", str(matrix), "--top", "3"])
    assert code == 0
    written = pd.read_csv(out)
    assert list(written.columns) == ["source", "target", *series.SERIES_COLUMNS]
    assert written[written["source"] == "RUS"]["n_support"].tolist() == [1]
    assert written[written["source"] == "CHN"]["n"].tolist() == [4, 0, 1]
    assert plot.read_bytes()[:8] == PNG and plot.stat().st_size > 10_000
    assert matrix.read_bytes()[:8] == PNG and matrix.stat().st_size > 10_000


def test_cli_reports_bad_input(tmp_path, capsys):
    assert series.main([str(tmp_path / "none.parquet"), "--matrix", str(tmp_path / "m.png")]) == 2
    assert "none.parquet: no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_id,text\nx,y\n", encoding="utf-8")
    assert series.main([str(bad), "--matrix", str(tmp_path / "m.png")]) == 2
    assert "missing column(s) date, source" in capsys.readouterr().err

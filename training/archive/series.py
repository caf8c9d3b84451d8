"""Time series and matrices of stance from a dyad table (the output of archive coding).

Usage::

    python -m training.series dyads.parquet --source CHN --target RUS --both --freq M \\
        --out series.csv --plot series.png [--matrix matrix.png --top 15 --start 2022-01-01 --end 2022-12-31]

A dyad table has one row per article x directed pair (see :mod:`training.archive`), so the counts here
are counts of *articles*: in how many articles of a period the source's stance toward the target was
support, oppose or neutral.

Net stance index: ``net = (n_support - n_oppose) / n`` in [-1, 1]. Its 95% interval is a Wald interval on
the difference of two proportions of one multinomial sample, with an Agresti-Caffo style adjustment: one
pseudo-article is added to support and one to oppose before the standard error is computed,

    p_s = (s + 1) / (n + 2),  p_o = (o + 1) / (n + 2),  d = p_s - p_o,
    se = sqrt((p_s + p_o - d ** 2) / (n + 2)),  [d - 1.96 se, d + 1.96 se] clipped to [-1, 1],

so a period with few articles gets a wide interval, never one of zero width, even when every article
agrees. A period with no article has ``n = 0`` and no net or interval (NaN).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from training.archive.plots import FREQS, plot_matrix, plot_series
from training.archive.quads import QUAD_SERIES_COLUMNS, format_quads, plot_quads, quad_series
from training.archive.tables import TABLE_COLUMNS, read_table
from training.articles import LABELS, DataError
from training.limits import MAX_PERIODS, LimitExceeded

__all__ = ["TABLE_COLUMNS", "SERIES_COLUMNS", "FREQS", "read_table", "dyad_series", "stance_matrix",
           "net_interval", "find_actor", "format_series", "plot_series", "plot_matrix", "main", "MAX_PERIODS",
           "TooManyPeriods"]

log = logging.getLogger("training.series")

class TooManyPeriods(DataError, LimitExceeded):
    """A dyad's dates span more periods than ``max_periods`` at the chosen frequency."""


SERIES_COLUMNS = ("period", "n_support", "n_oppose", "n_neutral", "n", "net", "net_low", "net_high")
Z95 = 1.959963984540054


def net_interval(n_support, n_oppose, n) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of the net stance index (see the module docstring for the formula).

    Parameters
    ----------
    n_support, n_oppose, n : array-like of int, shape (n_periods,)

    Returns
    -------
    low, high : ndarray of float, shape (n_periods,)
        Clipped to [-1, 1]; NaN where ``n == 0``.
    """
    s, o, n = (np.asarray(x, dtype=float) for x in (n_support, n_oppose, n))
    ps, po = (s + 1) / (n + 2), (o + 1) / (n + 2)
    d = ps - po
    se = np.sqrt(np.maximum(ps + po - d ** 2, 0.0) / (n + 2))
    low, high = np.clip(d - Z95 * se, -1, 1), np.clip(d + Z95 * se, -1, 1)
    low[n == 0] = np.nan
    high[n == 0] = np.nan
    return low, high


def _match(table: pd.DataFrame, side: str, actor: str) -> pd.Series:
    key = actor.strip().casefold()
    return (table[side].astype(str).str.casefold() == key) | (table[f"{side}_name"].astype(str).str.casefold() == key)


def dyad_series(table: pd.DataFrame, source: str, target: str, *, freq: str = "M",
                max_periods: int = MAX_PERIODS) -> pd.DataFrame:
    """Counts and net stance of ``source`` toward ``target`` per period.

    Parameters
    ----------
    table : pandas.DataFrame
        A dyad table (:func:`read_table`).
    source, target : str
        Actor codes (``CHN``) or names as in the table (``China``); case does not matter.
    freq : {"D", "W", "M", "Q", "Y"}, default="M"
        Day, week (Monday to Sunday), month, quarter or year.
    max_periods : int, default=MAX_PERIODS
        Most periods the series may span, checked before any is built (dates from year 1 to 9999 would
        be 3.6 million days).

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`SERIES_COLUMNS`, one row per period from the dyad's first to its last dated
        article (periods with none have ``n = 0`` and NaN net). ``period`` is a ``pandas.Period``.
        Undated rows are left out.

    Raises
    ------
    DataError
        On an unknown ``freq``.
    TooManyPeriods
        If the dyad's first and last dated articles are more than ``max_periods`` periods apart (a
        :class:`DataError` and a :class:`~training.limits.LimitExceeded`).
    """
    if freq not in FREQS:
        raise DataError(f"--freq {freq!r}: expected one of {', '.join(FREQS)}")
    rows = table[_match(table, "source", source) & _match(table, "target", target) & table["date"].notna()]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="period[D]" if c == "period" else float) for c in SERIES_COLUMNS})
    periods = pd.DatetimeIndex(rows["date"]).to_period(freq)
    first, last = periods.min(), periods.max()
    span = last.ordinal - first.ordinal + 1
    if span > max_periods:
        raise TooManyPeriods("max_periods", max_periods, span,
                             f"the dyad's dated articles run from {first} to {last}, too many periods at "
                             f"freq {freq} (choose a longer one, or a narrower table)")
    counts = pd.crosstab(periods, rows["stance"].to_numpy()).reindex(columns=list(LABELS), fill_value=0)
    full = pd.period_range(periods.min(), periods.max(), freq=periods.freq)
    counts = counts.reindex(full, fill_value=0)
    out = pd.DataFrame({"period": full})
    for label in LABELS:
        out[f"n_{label}"] = counts[label].to_numpy().astype(int)
    out["n"] = out[["n_support", "n_oppose", "n_neutral"]].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["net"] = np.where(out["n"] > 0, (out["n_support"] - out["n_oppose"]) / out["n"].where(out["n"] > 0), np.nan)
    out["net_low"], out["net_high"] = net_interval(out["n_support"], out["n_oppose"], out["n"])
    return out


def find_actor(table: pd.DataFrame, actor: str, flag: str) -> str:
    """The code of ``actor`` in the table: a code or a name as written there, or any name the dictionary knows.

    Raises
    ------
    DataError
        If no row of the table has that actor as source or target; names its most frequent actors.
    """
    if (_match(table, "source", actor) | _match(table, "target", actor)).any():
        return actor
    from training.actors import default_dictionary

    known = default_dictionary().resolve(actor)
    if known is not None and ((table["source"] == known.code) | (table["target"] == known.code)).any():
        return known.code
    freq = pd.concat([table["source"], table["target"]]).value_counts()
    names = dict(zip(table["source"], table["source_name"])) | dict(zip(table["target"], table["target_name"]))
    top = ", ".join(f"{code} ({names.get(code, code)})" for code in freq.index[:10]) or "none: the table is empty"
    shown = actor.strip()[:40]
    raise DataError(f"{flag} {shown!r}: no row of the table has this actor"
                    + (f" ({known.code}, {known.name})" if known is not None else "")
                    + f"; its most frequent actors: {top}")


def format_series(frame: pd.DataFrame) -> str:
    """A series as an aligned text table (net stance and interval to 2 decimals, empty periods with ``-``)."""
    shown = frame.copy()
    shown["period"] = shown["period"].astype(str)
    for c in ("net", "net_low", "net_high"):
        shown[c] = [f"{v:+.2f}" if pd.notna(v) else "-" for v in shown[c]]
    return shown.to_string(index=False)


def _window(table: pd.DataFrame, start, end) -> pd.DataFrame:
    keep = pd.Series(True, index=table.index)
    if start is not None:
        keep &= table["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= table["date"] <= pd.Timestamp(end)
    return table[keep] if start is not None or end is not None else table


def stance_matrix(table: pd.DataFrame, *, top: int = 15, start=None, end=None) -> pd.DataFrame:
    """Net stance of each source toward each target among the most frequent actors of a period.

    Parameters
    ----------
    table : pandas.DataFrame
        A dyad table (:func:`read_table`).
    top : int, default=15
        How many actors to keep: those in the most rows, as source or target.
    start, end : str or date, optional
        Inclusive date window (``YYYY-MM-DD``); undated rows are left out when either is given.

    Returns
    -------
    pandas.DataFrame, shape (n_actors, n_actors)
        Index: sources, columns: targets (actor codes, most frequent first); values: net stance
        ``(support - oppose) / n`` over the articles of the window, NaN where the pair never occurs.
        ``.attrs["n"]`` holds the matching article counts and ``.attrs["names"]`` the actors' names.
    """
    rows = _window(table, start, end)
    freq = pd.concat([rows["source"], rows["target"]]).value_counts(sort=False)
    actors = sorted(freq.index, key=lambda a: (-freq[a], a))[:top]
    rows = rows[rows["source"].isin(actors) & rows["target"].isin(actors)]
    net_value = (rows["stance"] == "support").astype(int) - (rows["stance"] == "oppose").astype(int)
    grouped = pd.DataFrame({"source": rows["source"], "target": rows["target"], "v": net_value})
    grouped = grouped.groupby(["source", "target"])["v"].agg(["sum", "count"])
    net = (grouped["sum"] / grouped["count"]).unstack().reindex(index=actors, columns=actors)
    net.index.name, net.columns.name = "source", "target"
    net.attrs["n"] = grouped["count"].unstack().reindex(index=actors, columns=actors).fillna(0).astype(int)
    names = dict(zip(table["source"], table["source_name"])) | dict(zip(table["target"], table["target_name"]))
    net.attrs["names"] = {a: names.get(a, a) for a in actors}
    return net


def _write(frame: pd.DataFrame, path: Path) -> None:
    from training.archive.parts import atomic_path

    frame = frame.copy()
    frame["period"] = frame["period"].astype(str)
    with atomic_path(path) as tmp:
        if path.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False, float_format="%.6g")


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}, expected YYYY-MM-DD") from None


def _span(table: pd.DataFrame, start, end) -> str:
    dates = _window(table, start, end)["date"].dropna()
    if dates.empty:
        return "no dated articles"
    return f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.series", description=__doc__.split("\n")[0])
    ap.add_argument("table", help="dyad table (.parquet, .csv or .jsonl) from `python -m training.predict --articles`")
    ap.add_argument("--source", help="source actor (code or name as in the table)")
    ap.add_argument("--target", help="target actor")
    ap.add_argument("--both", action="store_true", help="also the reverse direction, on the same figure")
    ap.add_argument("--by", choices=["stance", "quad"], default="stance",
                    help="stance: articles per stance and net stance; quad: sentences per CAMEO quad class and "
                         "the mean Goldstein score (default: %(default)s)")
    ap.add_argument("--freq", default="M", choices=list(FREQS),
                    help="period: D (day), W (week), M (month), Q (quarter) or Y (year) (default: %(default)s)")
    ap.add_argument("--out", type=Path, help="series table (.csv or .parquet); without it the table is printed")
    ap.add_argument("--plot", type=Path, help="series figure (.png)")
    ap.add_argument("--matrix", type=Path, help="source x target heatmap of net stance (.png)")
    ap.add_argument("--top", type=int, default=15, help="actors in the matrix (default: %(default)s)")
    ap.add_argument("--start", type=_date_arg, help="first date of the matrix window (YYYY-MM-DD)")
    ap.add_argument("--end", type=_date_arg, help="last date of the matrix window (YYYY-MM-DD)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if (args.source is None) != (args.target is None):
        ap.error("--source and --target go together")
    if args.source is None and args.matrix is None:
        ap.error("give --source and --target, or --matrix")
    if (args.out or args.plot) and args.source is None:
        ap.error("--out and --plot need --source and --target")
    for path, exts in ((args.out, (".csv", ".parquet")), (args.plot, (".png",)), (args.matrix, (".png",))):
        if path is not None and path.suffix not in exts:
            ap.error(f"{path}: expected a file ending in {' or '.join(exts)}")
    if args.top < 1:
        ap.error("--top must be at least 1")
    try:
        table = read_table(args.table)
        if args.source is not None:
            source, target = find_actor(table, args.source, "--source"), find_actor(table, args.target, "--target")
            pairs = [(source, target)] + ([(target, source)] if args.both else [])
            results = []
            quad = args.by == "quad"
            for a, b in pairs:
                rows = table[_match(table, "source", a) & _match(table, "target", b)]
                s = quad_series(rows, freq=args.freq) if quad else dyad_series(table, a, b, freq=args.freq)
                name_a = rows["source_name"].iloc[0] if len(rows) else a
                name_b = rows["target_name"].iloc[0] if len(rows) else b
                results.append((f"{name_a} -> {name_b}", a, b, s))
                what = f"{int(s['n_events'].sum())} events" if quad else f"{int(s['n'].sum())} articles"
                print(f"{name_a} -> {name_b}: {what} in {len(s)} periods", file=sys.stdout)
                undated = int(rows["date"].isna().sum())
                if undated:
                    print(f"note: {undated} row(s) of {name_a} -> {name_b} have no date and are left out",
                          file=sys.stderr)
                if not args.out and not s.empty:
                    print(format_quads(s) if quad else format_series(s), file=sys.stdout)
            if all(s.empty for *_, s in results) and not table["date"].notna().any():
                raise DataError(f"{args.table}: no row has a date, so there is no series; articles need a 'date' "
                                "(a JSONL or CSV column; .txt articles carry none)")
            if args.out:
                frames = [s.assign(source=a, target=b) for _, a, b, s in results]
                columns = QUAD_SERIES_COLUMNS if quad else SERIES_COLUMNS
                _write(pd.concat(frames, ignore_index=True)[["source", "target", *columns]], args.out)
            if args.plot and quad:
                first = results[0][0].split(" -> ")
                plot_quads([(label, s) for label, _, _, s in results], args.plot, freq=args.freq,
                           title=f"CAMEO quad classes, {first[0]} and {first[1]}, per {FREQS[args.freq]}")
            elif args.plot:
                first = results[0][0].split(" -> ")
                title = (f"Stance between {first[0]} and {first[1]}, both directions" if args.both
                         else f"Stance of {first[0]} toward {first[1]}")
                plot_series([(label, s) for label, _, _, s in results], args.plot,
                            title=f"{title}, per {FREQS[args.freq]}", freq=args.freq)
        if args.matrix:
            m = stance_matrix(table, top=args.top, start=args.start, end=args.end)
            plot_matrix(m, args.matrix, title=f"Net stance, top {len(m)} actors\n{_span(table, args.start, args.end)}")
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

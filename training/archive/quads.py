"""Quad-class counts of a dyad per period (``python -m training.series TABLE --by quad``), and their figure.

The dyad table's rows carry, per article x pair, how many of the pair's sentences report each CAMEO
quad class (``n_quad1`` .. ``n_quad4``: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
4 material conflict; from the dictionary's code or, for a support/oppose sentence it does not code, the
predicted class), how many carry a dictionary code (``n_coded``) and their mean Goldstein score. Summed
per period, these are the counts analysts compare with GDELT's or ICEWS's ``QuadClass`` per dyad and
month; the counts are of *sentences* (events), the ``articles`` column of articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from training.archive.plots import FREQS, _pyplot
from training.archive.tables import QUAD_COLUMNS
from training.articles import DataError

__all__ = ["QUAD_NAMES", "QUAD_SERIES_COLUMNS", "format_quads", "plot_quads", "quad_series"]

QUAD_NAMES = ("verbal cooperation", "material cooperation", "verbal conflict", "material conflict")
QUAD_SERIES_COLUMNS = ("period", "n_quad1", "n_quad2", "n_quad3", "n_quad4", "n_events", "n_coded",
                       "goldstein_mean", "articles")


def quad_series(rows: pd.DataFrame, *, freq: str = "M") -> pd.DataFrame:
    """The quad-class counts of one dyad's rows per period.

    Parameters
    ----------
    rows : pandas.DataFrame
        The dyad table's rows of one directed pair (dated ones are used).
    freq : {"D", "W", "M", "Y"}, default="M"

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`QUAD_SERIES_COLUMNS`, one row per period from the first to the last dated
        article (empty ones with zeros and a NaN Goldstein mean). ``n_events`` is the sum of the four
        counts; ``goldstein_mean`` is the mean over the period's coded sentences.

    Raises
    ------
    DataError
        When the table has no quad-class columns (written before they existed) or ``freq`` is unknown.
    """
    if freq not in FREQS:
        raise DataError(f"--freq {freq!r}: expected one of {', '.join(FREQS)}")
    missing = [c for c in QUAD_COLUMNS if c not in rows.columns]
    if missing:
        raise DataError(f"the dyad table has no quad-class columns ({', '.join(missing)}); code the archive "
                        "again with this version of `python -m training.predict`")
    rows = rows[rows["date"].notna()]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="period[D]" if c == "period" else float) for c in QUAD_SERIES_COLUMNS})
    periods = pd.DatetimeIndex(rows["date"]).to_period(freq)
    frame = rows[list(QUAD_COLUMNS[:5])].astype(float).assign(
        g=rows["goldstein_mean"].astype(float).fillna(0.0) * rows["n_coded"].astype(float), articles=1.0)
    sums = frame.groupby(periods).sum()
    full = pd.period_range(periods.min(), periods.max(), freq=periods.freq)
    sums = sums.reindex(full, fill_value=0.0)
    out = pd.DataFrame({"period": full})
    for q in (1, 2, 3, 4):
        out[f"n_quad{q}"] = sums[f"n_quad{q}"].to_numpy().astype(int)
    out["n_events"] = out[[f"n_quad{q}" for q in (1, 2, 3, 4)]].sum(axis=1)
    out["n_coded"] = sums["n_coded"].to_numpy().astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["goldstein_mean"] = np.where(out["n_coded"] > 0, sums["g"].to_numpy() / out["n_coded"].where(
            out["n_coded"] > 0), np.nan)
    out["articles"] = sums["articles"].to_numpy().astype(int)
    return out


def format_quads(frame: pd.DataFrame) -> str:
    """A quad series as an aligned text table (the Goldstein mean to 2 decimals, ``-`` where none)."""
    shown = frame.copy()
    shown["period"] = shown["period"].astype(str)
    shown["goldstein_mean"] = [f"{v:+.2f}" if pd.notna(v) else "-" for v in shown["goldstein_mean"]]
    return shown.to_string(index=False)


def plot_quads(series: Sequence[tuple[str, pd.DataFrame]], path: str | Path, *, title: str, freq: str = "M") -> None:
    """Stacked bars of the four quad classes per period, one panel per direction.

    Parameters
    ----------
    series : sequence of (label, DataFrame)
        Each a :func:`quad_series` result with its label ("China -> Russia").
    path : str or path-like
        The PNG to write.
    title : str
    freq : str, default="M"
    """
    plt = _pyplot()
    import matplotlib.dates as mdates

    colors = ["#8cc08c", "#2e7d32", "#e8a0a0", "#b71c1c"]
    fig, axes = plt.subplots(max(len(series), 1), 1, figsize=(10, 2.6 + 2.4 * len(series)), sharex=True,
                             squeeze=False)
    for ax, (label, s) in zip(axes[:, 0], series):
        if not s.empty:
            start, end = s["period"].dt.start_time, s["period"].dt.end_time
            width, bottom = (end - start) * 0.8, np.zeros(len(s))
            for q in range(4):
                values = s[f"n_quad{q + 1}"].to_numpy()
                ax.bar(start + (end - start) * 0.1, values, width=width, bottom=bottom, align="edge",
                       color=colors[q], label=f"{q + 1} {QUAD_NAMES[q]}")
                bottom = bottom + values
        ax.set_title(f"{label} ({int(s['n_events'].sum()) if not s.empty else 0} events)", fontsize=10, loc="left")
        ax.set_ylabel("sentences")
        ax.grid(axis="y", color="0.9")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper left", fontsize=8, ncol=4, frameon=False)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes[-1, 0].set_xlabel(FREQS[freq])
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    fig.text(0.99, 0.005, "CAMEO quad classes per period: dictionary codes, and predicted classes of support/oppose "
             "sentences the dictionary does not code.", ha="right", va="bottom", fontsize=7, color="0.4")
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)

"""Figures of :mod:`training.archive.series`: a dyad's net stance over time, and a source x target heatmap.

matplotlib with the Agg backend (no display needed). :func:`plot_series` shades each period's 95%
interval over the period's width, draws the directions side by side, breaks the line at periods with no
article, and shows the article counts below; :func:`plot_matrix` draws net stance with diverging colours
centred at 0, each cell annotated with its value and number of articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FREQS", "plot_series", "plot_matrix"]

FREQS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}
MAX_PERIOD_TICKS = 16


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _period_ticks(series: Sequence[tuple[str, pd.DataFrame]], freq: str):
    """Tick positions (each period's middle) and labels (``2022``, ``2022Q3``, ``2022-09``), or None.

    None (dates chosen by matplotlib) for many short periods; a year or a quarter is always labelled by
    its name at its middle, so the directions drawn side by side sit on either side of their period's tick.
    """
    periods = sorted({p for _, s in series if not s.empty for p in s["period"]})
    if not periods or (len(periods) > MAX_PERIOD_TICKS and freq not in ("Q", "Y")):
        return None
    step = -(-len(periods) // MAX_PERIOD_TICKS)
    shown = periods[::step]
    return ([p.start_time + (p.end_time - p.start_time) / 2 for p in shown], [str(p) for p in shown])


def plot_series(series: Sequence[tuple[str, pd.DataFrame]], path: str | Path, *, title: str, freq: str = "M"):
    """Draw net stance with its 95% interval (top) and article counts (bottom) for one or more dyads.

    Parameters
    ----------
    series : sequence of (label, DataFrame)
        Each a :func:`dyad_series` result with a legend label ("China -> Russia").
    path : str or path-like
        The PNG to write.
    title : str
    freq : str, default="M"

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn (already written and closed), for inspection.
    """
    plt = _pyplot()
    import matplotlib.dates as mdates

    fig, (ax, axn) = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True, gridspec_kw={"height_ratios": [3, 1.2]})
    colors = ["#1f5fa6", "#c0392b", "#2e8b57", "#8e44ad"]
    k_all = max(len(series), 1)
    for k, (label, s) in enumerate(series):
        if s.empty:
            continue
        start, end = s["period"].dt.start_time, s["period"].dt.end_time
        width = (end - start) * 0.8 / k_all
        x = start + (end - start) * 0.1 + width * (k + 0.5)  # the directions side by side in each period
        color = colors[k % len(colors)]
        seen = (s["n"] > 0).to_numpy()  # periods with no article get no mark, and the line breaks there
        net = s["net"].where(seen)
        # the 95% interval of each period, shaded over the period's width
        ax.bar(x[seen], (s["net_high"] - s["net_low"])[seen], bottom=s["net_low"][seen], width=width[seen],
               color=color, alpha=0.16, linewidth=0, label=f"{label}: 95% interval")
        ax.plot(x, net, color=color, linewidth=1.4, alpha=0.9)
        ax.plot(x[seen], net[seen], color=color, marker="o", markersize=4, linewidth=0,
                label=f"{label}: net stance ({int(s['n'].sum())} articles)")
        axn.bar(x, s["n"], width=width, color=color, alpha=0.8)
    ax.axhline(0, color="0.35", linewidth=0.8, linestyle="--")
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("net stance\n(support - oppose) / articles")
    ax.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax.grid(axis="y", color="0.9")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, ncol=2, frameon=False)
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    axn.set_ylabel("articles")
    axn.set_xlabel(FREQS[freq])
    axn.grid(axis="y", color="0.9")
    ticks = _period_ticks(series, freq)
    if ticks is None:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        axn.xaxis.set_major_locator(locator)
        axn.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        few = len(ticks[1]) <= 8
        axn.set_xticks(ticks[0], ticks[1], rotation=0 if few else 45, ha="center" if few else "right", fontsize=8)
    for a in (ax, axn):
        a.spines[["top", "right"]].set_visible(False)
    fig.text(0.99, 0.005, "Net stance per period with a 95% interval (adjusted Wald); bars: articles coded.",
             ha="right", va="bottom", fontsize=7, color="0.4")
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return fig


def plot_matrix(matrix: pd.DataFrame, path: str | Path, *, title: str) -> None:
    """Draw a source x target heatmap of net stance, diverging colours centred at 0, cells annotated.

    Parameters
    ----------
    matrix : pandas.DataFrame
        A :func:`stance_matrix` result.
    path : str or path-like
    title : str
    """
    plt = _pyplot()
    from matplotlib.colors import TwoSlopeNorm

    n = matrix.attrs.get("n")
    k = max(len(matrix), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 2.4 + 0.62 * k), max(4.6, 1.9 + 0.55 * k)))
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#cccccc")
    values = np.ma.masked_invalid(matrix.to_numpy(dtype=float))
    image = ax.imshow(values, cmap=cmap, norm=TwoSlopeNorm(vmin=-1, vcenter=0, vmax=1), aspect="equal")
    labels = list(matrix.index)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("target")
    ax.set_ylabel("source")
    for i in range(len(labels)):
        for j in range(len(labels)):
            v = values[i, j]
            if np.ma.is_masked(v):
                continue
            text = f"{v:+.2f}".replace("+0.00", "0") + (f"\n{int(n.iat[i, j])}" if n is not None else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=6.5,
                    color="white" if abs(v) > 0.6 else "black")
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02)
    bar.set_label("net stance (support - oppose) / articles", fontsize=8)
    ax.set_title(title, fontsize=11, loc="left")
    fig.text(0.99, 0.005, "cell: net stance and number of articles; grey: no article", ha="right", va="bottom",
             fontsize=7, color="0.4")
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)

"""Facts about CAMEO event codes: root, quad class and Goldstein score.

- **Root**: the first two digits of a code ("112" -> "11", "0211" -> "02").
- **Quad class** (CAMEO codebook; GDELT ``QuadClass``): 1 verbal cooperation (roots 01-05), 2 material
  cooperation (06-08), 3 verbal conflict (09-13), 4 material conflict (14-20).
- **Goldstein score**: the conflict-cooperation weight of Goldstein (1992), -10 to +10, as mapped onto
  CAMEO codes by the CAMEO/GDELT table (``data/field/goldstein.tsv``; see ``data/field/CARD.md``).
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

__all__ = ["DEFAULT_GOLDSTEIN_FILE", "QUAD_NAMES", "goldstein", "goldstein_table", "quad_class", "root"]

DEFAULT_GOLDSTEIN_FILE = Path(__file__).resolve().parents[2] / "data" / "field" / "goldstein.tsv"

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}

_CODE = re.compile(r"(?:0[1-9]|1\d|20)\d{0,2}")


def root(code: str) -> str:
    """The CAMEO root ("01".."20") of an event code.

    Parameters
    ----------
    code : str
        A CAMEO event code such as ``"112"``, ``"0211"`` or a root ``"19"``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When ``code`` is not a CAMEO event code.
    """
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise ValueError(f"not a CAMEO event code: {code!r}")
    return code[:2]


def quad_class(code: str) -> int:
    """The quad class of an event code: 1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict.

    Parameters
    ----------
    code : str
        A CAMEO event code or root.

    Returns
    -------
    int
    """
    r = int(root(code))
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


@functools.lru_cache(maxsize=4)
def goldstein_table(path: str | Path = DEFAULT_GOLDSTEIN_FILE) -> dict[str, float]:
    """Read the Goldstein table: CAMEO code -> score.

    Parameters
    ----------
    path : path-like, default=``data/field/goldstein.tsv``
        Tab-separated, with a ``code`` and a ``score`` column.

    Returns
    -------
    dict of str to float
    """
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return {row["code"]: float(row["score"]) for row in csv.DictReader(fh, delimiter="\t")}


def goldstein(code: str, *, path: str | Path = DEFAULT_GOLDSTEIN_FILE) -> float:
    """The Goldstein score of a CAMEO event code, with fallback to its parent code.

    A four-digit code missing from the table takes its three-digit parent's score, a three-digit one
    the score of its root's base code ("190" for an unknown "19x"), then the root's own.

    Parameters
    ----------
    code : str
    path : path-like, default=``data/field/goldstein.tsv``

    Returns
    -------
    float

    Raises
    ------
    KeyError
        When neither the code nor a parent is in the table.
    """
    table = goldstein_table(path)
    root(code)  # validates
    for candidate in (code, code[:3], code[:2] + "0", code[:2]):
        if candidate in table:
            return table[candidate]
    raise KeyError(code)

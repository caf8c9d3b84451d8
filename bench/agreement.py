"""Inter-annotator agreement on the real news stories: ``python bench/agreement.py``.

Compares the primary annotations (``data/news/annotations/``) with the second, independent annotation of a
sample (``data/news/second/``) on the stories the second annotator labelled, per batch (file) and in all.
Every directed pair either annotator listed in a sentence is one item. Prints the pairs each listed, Cohen's
kappa on the pairs both listed, kappa with "not listed" as a fourth category over the union, and the
confusion counts.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parent.parent


def _read(folder: Path, name: str = "*") -> dict[tuple, str]:
    out = {}
    for path in sorted(folder.glob(f"{name}.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    out[(r["doc_id"], r["sentence"], r["source"], r["target"])] = r["label"]
    return out


def agreement(primary: dict[tuple, str], second: dict[tuple, str]) -> dict:
    """Agreement of two annotations on the stories the second one covers.

    Parameters
    ----------
    primary, second : dict
        ``(doc_id, sentence, source, target) -> label``.

    Returns
    -------
    dict
        ``stories``, ``pairs_primary``, ``pairs_second``, ``pairs_both``, ``observed`` (share of shared pairs
        with the same label), ``kappa`` (on shared pairs), ``kappa_union`` (not listed as a category) and
        ``confusion`` (``"primary/second" -> count``).
    """
    stories = {k[0] for k in second}
    primary = {k: v for k, v in primary.items() if k[0] in stories}
    both = sorted(set(primary) & set(second))
    union = sorted(set(primary) | set(second))
    return {
        "stories": len(stories),
        "pairs_primary": len(primary), "pairs_second": len(second), "pairs_both": len(both),
        "observed": round(sum(primary[k] == second[k] for k in both) / max(len(both), 1), 3),
        "kappa": round(float(cohen_kappa_score([primary[k] for k in both], [second[k] for k in both])), 3),
        "kappa_union": round(float(cohen_kappa_score([primary.get(k, "none") for k in union],
                                                     [second.get(k, "none") for k in union])), 3),
        "confusion": dict(sorted(collections.Counter(f"{primary.get(k, 'none')}/{second.get(k, 'none')}"
                                                     for k in union).items())),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/agreement.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--primary", default=str(ROOT / "data" / "news" / "annotations"))
    ap.add_argument("--second", default=str(ROOT / "data" / "news" / "second"))
    args = ap.parse_args(argv)
    primary, second = Path(args.primary), Path(args.second)
    report = {p.stem: agreement(_read(primary, p.stem), _read(second, p.stem)) for p in sorted(second.glob("*.jsonl"))}
    report["all"] = agreement(_read(primary), _read(second))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

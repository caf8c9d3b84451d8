"""Worst case per request: time and memory of the library path on hostile texts at the size limit.

Usage::

    python bench/worst_case.py [--model models/stance] [--chars 100000] [--memory]

Each input is built to about ``--chars`` characters (the service's default text limit) and sent through
:meth:`training.predict.StancePredictor.stance` or ``.dyads`` with the default caps of
:mod:`training.limits`. An input either gives a result or stops with ``LimitExceeded`` naming the cap;
the script prints, per input, the outcome, the seconds taken and (with ``--memory``) the peak of Python
allocations. ``tests/test_bounds.py`` runs the same inputs under a generous time bound.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from training.limits import LimitExceeded  # noqa: E402

# Sixteen actors: 16 * 15 = 240 directed pairs, the default cap of pairs per sentence.
SIXTEEN = ("China", "Russia", "India", "Japan", "Kenya", "Brazil", "Egypt", "France", "Germany", "Iran",
           "Israel", "Turkey", "Mexico", "Canada", "Nigeria", "Chile")


def _fill(unit: str, chars: int) -> str:
    return unit * max(1, chars // len(unit))


def _padded_sentence(names, chars: int) -> str:
    """One sentence naming ``names``, padded with plain words to about ``chars`` characters."""
    filler = "officials said that the talks would go on "
    per = max(0, (chars - sum(len(n) + 1 for n in names)) // max(1, len(names)))
    return " ".join(n + " " + _fill(filler, per).strip() for n in names) + "."


def worst_inputs(chars: int = 100_000, *, every_actor: tuple[str, ...] = ()) -> dict[str, tuple]:
    """The hostile inputs: name -> (method, text, keyword arguments).

    Parameters
    ----------
    chars : int, default=100000
        About how long each text is.
    every_actor : tuple of str, optional
        One name per dictionary actor, for the sentence that names them all.

    Returns
    -------
    dict
        ``method`` is ``"stance"`` or ``"dyads"``.
    """
    pair = {"source": "China", "target": "Russia"}
    eight = chars // 8
    cases = {
        # sentence boundaries: one per 4 characters
        "boundaries": ("stance", _fill("Ok. ", chars), pair),
        "abbreviations": ("stance", _fill("U.S. Mr. ", chars), pair),
        "punctuation_run": ("stance", "China backed Russia " + "!" * chars, pair),
        # markup that never closes
        "unclosed_script": ("stance", _fill("<script ", chars) + "China backed Russia.", pair),
        "unclosed_comment": ("stance", _fill("<!--", chars) + "China backed Russia.", pair),
        # mentions: one sentence with 33,000, or one pair in every short sentence
        "mentions_one_sentence": ("dyads", _fill("EU UK ", chars), {}),
        "pair_per_sentence": ("stance", _fill("China backed Russia. ", chars), pair),
        "pair_per_sentence_dyads": ("dyads", _fill("China backed Russia. ", chars), {}),
        "literal_names": ("stance", _fill("Wagner Group met Islamic State. ", chars),
                          {"source": "Wagner Group", "target": "Islamic State"}),
        "literal_one_sentence": ("stance", _fill("Wagner Group and Islamic State ", chars),
                                 {"source": "Wagner Group", "target": "Islamic State"}),
        "cameo_roles": ("stance", _fill("British government and Russian troops clashed. ", chars),
                        {"source": "GBRGOV", "target": "RUSMIL"}),
        # long sentences: one of 100,000 characters; sixteen actors (240 pairs) in one or in eight
        "long_sentence": ("stance", _padded_sentence(["China", "Russia"], chars), pair),
        "sixteen_one_sentence": ("dyads", _padded_sentence(SIXTEEN, chars), {}),
        "sixteen_eight_sentences": ("dyads", " ".join(_padded_sentence(SIXTEEN, eight) for _ in range(8)), {}),
        # hidden characters
        "format_characters": ("stance", _fill("Chi\u200bna backed Rus\u00adsia. ", chars), pair),
        "fullwidth": ("stance", _fill("\uff23\uff48\uff49\uff4e\uff41 backed Russia. ", chars), pair),
    }
    cases["seventeen_actors"] = ("dyads", " and ".join(SIXTEEN + ("Peru",)) + " agreed.", {})
    if every_actor:
        cases["every_actor_sentence"] = ("dyads", " and ".join(every_actor) + " agreed.", {})
    return cases


def every_actor_names(dictionary) -> tuple[str, ...]:
    """The display name of every state and bloc of ``dictionary`` (but those with a full stop, which could
    end the sentence)."""
    return tuple(a.name for a in dictionary.actors.values() if a.kind in ("state", "bloc") and "." not in a.name)


def run(predictor, method: str, text: str, kwargs: dict) -> str:
    """Run one input; its outcome as a short string (the stance, the number of dyads, or the cap)."""
    try:
        if method == "stance":
            r = predictor.stance(text, kwargs["source"], kwargs["target"])
            return f"stance={r.stance} evidence={len(r.evidence)} reason={r.reason}"
        return f"dyads={len(predictor.dyads(text))}"
    except LimitExceeded as exc:
        return f"LimitExceeded({exc.limit}, found={exc.found})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/worst_case.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model path (default: training.model.DEFAULT_MODEL_PATH)")
    ap.add_argument("--chars", type=int, default=100_000, help="length of each input (default: %(default)s)")
    ap.add_argument("--memory", action="store_true", help="also measure the peak of Python allocations")
    ap.add_argument("--only", action="append", help="run only this input (repeatable)")
    args = ap.parse_args(argv)

    from training.actors import default_dictionary
    from training.model import DEFAULT_MODEL_PATH, load_model
    from training.predict import StancePredictor

    dictionary = default_dictionary()
    predictor = StancePredictor(load_model(args.model or DEFAULT_MODEL_PATH), dictionary)
    cases = worst_inputs(args.chars, every_actor=every_actor_names(dictionary))
    for name, (method, text, kwargs) in cases.items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        outcome = run(predictor, method, text, kwargs)
        row = {"input": name, "method": method, "chars": len(text), "outcome": outcome,
               "seconds": round(time.perf_counter() - start, 3)}
        if args.memory:
            tracemalloc.start()
            run(predictor, method, text, kwargs)
            row["peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
            tracemalloc.stop()
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

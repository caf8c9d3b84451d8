"""The language guard's false alarms, recall and speed, and the candidates it was chosen from.

Usage::

    python bench/language.py [--candidates] [--shared ../shared/data/real]

False alarms: texts of the English sets called non-English: every text of ``../shared/data/real/*.jsonl``
(read in place, deduplicated), the real stories of ``data/news/`` and the authored corpus ``data/corpus/``,
the short English sentences written in ``tests/`` (but ``test_language.py``, which holds non-English ones),
and the first 2, 3, 4, 6 and 8 words of 3,000 real sentences (a stress test of very short texts). Recall:
the short non-English news sentences below, written for this benchmark. Speed: milliseconds per text on
the English articles. ``--candidates`` also scores the other libraries tried (each on its own, on the same
prefix), when installed.
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.language import NEWS_LANGUAGES, PREFIX_CHARS, _prefix, detect_language  # noqa: E402
from training.text import clean_text  # noqa: E402

FOREIGN = [
    "La France a condamné l'Iran.",
    "Le président français a rencontré son homologue chinois à Pékin mardi.",
    "L'Union européenne a imposé de nouvelles sanctions contre la Russie.",
    "Le Kenya a salué l'offre de l'Éthiopie.",
    "Paris accuse Moscou de mener une campagne de désinformation.",
    "España condenó el ataque de Rusia contra Ucrania.",
    "México y Estados Unidos firmaron un acuerdo comercial.",
    "El gobierno venezolano rechazó las sanciones de Washington.",
    "Argentina apoya a Brasil.",
    "China criticó a Japón por la visita del primer ministro al santuario.",
    "Deutschland verurteilte den Angriff Russlands auf die Ukraine.",
    "Berlin und Paris unterzeichneten ein neues Abkommen.",
    "Die Türkei kritisierte Schweden scharf.",
    "China unterstützt Russland.",
    "Die Bundesregierung sagte Kiew weitere Waffen zu.",
    "Россия осудила Францию.",
    "Москва обвинила Киев в нарушении перемирия.",
    "Китай поддержал Россию в Совете Безопасности ООН.",
    "Президент России встретился с лидером Китая.",
    "أدانت فرنسا إيران.",
    "أدانت مصر الهجوم الإسرائيلي على غزة.",
    "وقعت السعودية والإمارات اتفاقية تعاون.",
    "رحبت قطر بالمبادرة الأمريكية.",
    "北京批评莫斯科。",
    "中国外交部谴责美国对台湾的军售。",
    "俄罗斯总统普京会见了中国国家主席习近平。",
    "日本和韩国签署了一项新的安全协议。",
]


def english_sets(shared: Path) -> dict[str, list[str]]:
    """The English texts, cleaned, by set."""
    def rows(pattern):
        return [json.loads(line)["text"] for f in sorted(glob.glob(str(pattern)))
                for line in open(f, encoding="utf-8") if line.strip()]

    sets = {"real (shared sets)": list(dict.fromkeys(rows(shared / "*.jsonl"))),
            "news (data/news)": rows(ROOT / "data" / "news" / "articles" / "*.jsonl"),
            "corpus (data/corpus)": rows(ROOT / "data" / "corpus" / "*.jsonl")}
    tests = set()
    for f in sorted(set((ROOT / "tests").glob("*.py")) - {ROOT / "tests" / "test_language.py"}):  # its own
        tests.update(m.group(1) for m in re.finditer(r'"([A-Z][A-Za-z\' ,\-]{8,200}[.!?])"', f.read_text()))
    sets["test sentences (tests/*.py)"] = sorted(tests)
    return {k: [clean_text(t) for t in v] for k, v in sets.items()}


def fragments(texts: list[str], k: int, n: int = 3000) -> list[str]:
    rng = random.Random(0)
    sample = rng.sample(texts, min(n, len(texts)))
    return [" ".join(t.split()[:k]) for t in sample if len(t.split()) >= k]


def _candidates():
    """name -> function(text) -> (code, probability), for the libraries installed."""
    out = {}
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        every = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        out["py3langid, all languages"] = every.classify
        news = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        news.set_languages(list(NEWS_LANGUAGES))
        out["py3langid, news languages"] = news.classify
    except ImportError:
        pass
    try:
        import pycld2

        def cld2(t):
            try:
                ok, _, d = pycld2.detect(t)
            except pycld2.error:
                return "un", 0.0
            return (d[0][1] if ok else "un"), d[0][2] / 100
        out["pycld2 (reliable only)"] = cld2
    except ImportError:
        pass
    try:
        import gcld3

        ident = gcld3.NNetLanguageIdentifier(0, 1000)

        def cld3(t):
            r = ident.FindLanguage(t)
            return r.language, r.probability
        out["cld3-py"] = cld3
    except ImportError:
        pass
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in NEWS_LANGUAGES
                 if hasattr(IsoCode639_1, c.upper())]
        lin = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()

        def lingua(t):
            v = lin.compute_language_confidence_values(t)[0]
            return v.language.iso_code_639_1.name.lower(), v.value
        out["lingua (news languages)"] = lingua
    except ImportError:
        pass
    return out


def _rate(fn, texts, threshold):
    flagged = 0
    for t in texts:
        code, p = fn(_prefix(t, PREFIX_CHARS))
        flagged += code not in ("en", "un") and not code.startswith("en") and p >= threshold
    return flagged


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    ap.add_argument("--candidates", action="store_true", help="also score the other libraries tried")
    args = ap.parse_args(argv)
    if not args.shared.exists():
        args.shared = Path("/work/shared/data/real")
    sets = english_sets(args.shared)
    real = sets["real (shared sets)"]
    print(f"## The guard (`training.language`: script, CLD2, py3langid over {len(NEWS_LANGUAGES)} news languages, "
          f"prefix {PREFIX_CHARS} characters)\n")
    print("| set | texts | called non-English |\n|---|---|---|")
    for name, texts in sets.items():
        wrong = [t for t in texts if not detect_language(t).english]
        print(f"| {name} | {len(texts):,} | {len(wrong)} ({len(wrong) / len(texts):.2%}) |")
    for k in (2, 3, 4, 6, 8):
        frag = fragments(real, k)
        wrong = [t for t in frag if not detect_language(t).english]
        print(f"| first {k} words of 3,000 real sentences | {len(frag):,} | {len(wrong)} ({len(wrong) / len(frag):.2%})"
              f"{': e.g. ' + '; '.join(repr(w) for w in wrong[:3]) if wrong else ''} |")
    guesses = [detect_language(t) for t in FOREIGN]
    caught = sum(not g.english for g in guesses)
    print(f"\nRecall on {len(FOREIGN)} short non-English news sentences (fr, es, de, ru, ar, zh): {caught} of "
          f"{len(FOREIGN)}; missed: {[t for t, g in zip(FOREIGN, guesses) if g.english]}; "
          f"'La France a condamné l'Iran.': {guesses[0]}")
    articles = sets["news (data/news)"] + sets["corpus (data/corpus)"]
    detect_language(articles[0])
    for _ in range(2):
        t0 = time.perf_counter()
        steps = [detect_language(t).method for t in articles]
        ms = (time.perf_counter() - t0) / len(articles) * 1e3
    print(f"\nSpeed: {ms:.3f} ms per English article ({len(articles):,} articles; decided by CLD2 "
          f"{steps.count('cld2')}, by langid {steps.count('langid')}); langid model load: see bench/SPEED.md")
    if args.candidates:
        print("\n## Candidates, each alone on the same prefix (non-English when the top language is not `en` "
              "with probability >= threshold)\n")
        print("| library | threshold | false alarms: real / news / corpus / tests | first 3 words | recall | "
              "ms per article |\n|---|---|---|---|---|---|")
        frag3 = fragments(real, 3)
        for name, fn in _candidates().items():
            t0 = time.perf_counter()
            for t in articles:
                fn(_prefix(t, PREFIX_CHARS))
            ms = (time.perf_counter() - t0) / len(articles) * 1e3
            for threshold in (0.0, 0.5, 0.9):
                fa = " / ".join(str(_rate(fn, texts, threshold)) for texts in sets.values())
                rec = len(FOREIGN) - (len(FOREIGN) - _rate(fn, FOREIGN, threshold))
                print(f"| {name} | {threshold} | {fa} | {_rate(fn, frag3, threshold)} of {len(frag3):,} | "
                      f"{rec} of {len(FOREIGN)} | {ms:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

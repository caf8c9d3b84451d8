"""Cleaning and sentence splitting."""

import random
import re
import time

from training.text import clean_text, has_words, split_sentences


def texts(raw):
    return [s.text for s in split_sentences(clean_text(raw))]


def test_no_break_after_us_and_titles():
    assert texts("The U.S. backed Taiwan's bid. Mr. Blinken said so.") == [
        "The U.S. backed Taiwan's bid.", "Mr. Blinken said so."]


def test_lower_case_sentences_split():
    assert texts("u.s. officials met iran's envoy. tehran later denounced washington.") == [
        "u.s. officials met iran's envoy.", "tehran later denounced washington."]


def test_abbreviation_at_sentence_end_before_opener():
    assert texts("China imposed tariffs on the U.S. The move angered Washington.") == [
        "China imposed tariffs on the U.S.", "The move angered Washington."]


def test_quotes_questions_and_initials():
    assert texts('"Athens is playing with fire," Ankara said. Will it? President George W. Bush agreed!') == [
        '"Athens is playing with fire," Ankara said.', "Will it?", "President George W. Bush agreed!"]


def test_offsets_index_cleaned_text():
    cleaned = clean_text("Kenya welcomed it.  Ethiopia did too.")
    for s in split_sentences(cleaned):
        assert cleaned[s.start:s.end] == s.text


def test_clean_keeps_length_without_markup_and_normalises_quotes():
    raw = "Beijing didn\u2019t condemn \u201cMoscow\u201d \u2014 yet."
    cleaned = clean_text(raw)
    assert len(cleaned) == len(raw)
    assert cleaned == "Beijing didn't condemn \"Moscow\" - yet."


def test_clean_strips_html_and_entities():
    cleaned = clean_text("<p>Kenya <b>welcomed</b> Ethiopia&#8217;s offer &amp; aid</p>")
    assert "<" not in cleaned and "&amp;" not in cleaned
    assert " ".join(cleaned.split()) == "Kenya welcomed Ethiopia's offer & aid"


def test_dateline_blanked_in_place():
    raw = "MOSCOW, March 4 (geostance) - Russia protested."
    cleaned = clean_text(raw)
    assert len(cleaned) == len(raw)
    assert cleaned.strip() == "Russia protested."
    assert clean_text("Russia protested.") == "Russia protested."


def test_has_words():
    assert not any(has_words(t) for t in ["", "   ", "12 34", "!!!"])
    assert has_words("北京批评莫斯科。") and has_words("Kenya")


# The former splitter and tag pattern, kept here as references: same output, but quadratic time.
_OLD_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)\s*>|<!--.*?-->|<[^>]{0,2000}>", re.I | re.S)
_OLD_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n\s*\n")


def _old_split(text):
    from training.sentences import _ENDERS, _OPENERS, _TITLES

    def ends(stop, nxt):
        m = re.search(r"(\S+)$", text[:stop])
        token = m.group(1).lower().strip("\"'()[]") if m else ""
        if not token.endswith("."):
            return True
        word = token.rstrip(".")
        if word in _TITLES:
            return False
        if re.fullmatch(r"(?:[a-z]\.)+[a-z]?", token) or word in _ENDERS:
            return nxt.lower() in _OPENERS and nxt[:1].isupper()
        return True

    out, start = [], 0
    for m in _OLD_BOUNDARY.finditer(text):
        stop = m.end()
        if not m.group(0).startswith("\n"):
            rest = text[stop:stop + 40].lstrip()
            nxt = re.match(r"[\"'(\[]*(\w*)", rest)
            if not rest or not ends(stop, nxt.group(1) if nxt else ""):
                continue
        out.append((start, stop))
        start = stop
    out.append((start, len(text)))
    spans = []
    for a, b in out:
        chunk = text[a:b]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((a + lead, a + lead + len(chunk.strip())))
    return spans


_PIECES = ["<", ">", "<script", "<script>", "</script >", "</style>", "<!--", "-->", "<STYLE x>", "a", " ", "\n",
           "\n\n", "Mr.", "U.S.", "The", "the", "Inc.", ".", "!", "?", '"', ")", "e.g.", "A.", "x" * 30, "\u00a0"]


def test_splitting_and_tag_removal_match_the_former_code_on_random_text():
    rng = random.Random(7)
    for _ in range(5000):
        raw = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))
        assert clean_text(raw) == _OLD_TAG.sub(" ", raw).translate(_CHARMAP_FOR_TEST), raw
        cleaned = clean_text(raw)
        assert [(s.start, s.end) for s in split_sentences(cleaned)] == _old_split(cleaned), raw


_CHARMAP_FOR_TEST = str.maketrans({"\u00a0": " "})


def test_hostile_text_splits_in_linear_time():
    for text in ("Ok. " * 25_000, "!" * 100_000, "<script " * 12_500, "<!--" * 25_000):
        start = time.perf_counter()
        split_sentences(clean_text(text))
        assert time.perf_counter() - start < 5.0  # the former code: 44 s, 208 s, 7 s and 13 s


def test_zero_width_space_is_kept_and_bom_blanked():
    assert clean_text("Chi\u200bna") == "Chi\u200bna"
    assert clean_text("\ufeffChina") == " China"

"""Cleaning and sentence splitting."""

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

"""The masking transformer's views: placeholders, negation scope, logical direction."""

import pytest

from training.features import VIEWS, DyadMasker


def example(text, source, target, others=()):
    def span(word):
        return [text.index(word), text.index(word) + len(word)]
    return {"text": text, "source_spans": [span(source)], "target_spans": [span(target)],
            "other_spans": [span(o) for o in others]}


def views(*args, **kw):
    return dict(zip(VIEWS, DyadMasker().transform([example(*args, **kw)])[0]))


def test_placeholders_distinguish_direction():
    a = views("China condemned Russia.", "China", "Russia")["sentence"]
    b = views("China condemned Russia.", "Russia", "China")["sentence"]
    assert a == "xsrcx condemned xtgtx" and b == "xtgtx condemned xsrcx"


@pytest.mark.parametrize("text", ["Beijing did not condemn Moscow.", "Beijing didn't condemn Moscow.",
                                  "Beijing didn\u2019t condemn Moscow."])
def test_negation_scope_marked(text):
    from training.text import clean_text

    text = clean_text(text)
    assert views(text, "Beijing", "Moscow")["sentence"] == "xsrcx did not neg_condemn xtgtx"


def test_passive_voice_gives_the_active_direction():
    active = views("China criticised Russia over strikes.", "China", "Russia")["relation"].split()
    passive = views("Russia was criticised by China over strikes.", "China", "Russia")["relation"].split()
    reverse = views("Russia was criticised by China over strikes.", "Russia", "China")["relation"].split()
    assert "fw:critic" in active and "fw:critic" in passive and "_passive" in passive
    assert "bw:critic" in reverse and "fw:critic" not in reverse


def test_speaker_after_quote_is_the_agent():
    rel = views('"Athens is playing with fire," Ankara said.', "Ankara", "Athens")["relation"].split()
    assert "_tgt_quoted" in rel and "fw:play" in rel


def test_reported_clause_of_a_third_actor():
    rel = views("Turkey said Greece had accused Cyprus.", "Turkey", "Cyprus", others=["Greece"])["relation"].split()
    assert "_reported" in rel and "rep:accus" in rel and "fw:accus" not in rel
    rel = views("India welcomed Japan's offer but rejected China's plan.", "India", "China",
                others=["Japan"])["relation"].split()
    assert "_oth_between" in rel and "seg:reject" in rel


def test_near_view_tags_sides():
    near = views("India welcomed Japan's offer but rejected China's plan.", "India", "China")["near"].split()
    assert "tl:reject" in near and "sr:welcom" in near


def test_stems_join_inflections_and_spellings():
    a = views("China criticised Russia.", "China", "Russia")["relation"].split()
    b = views("China criticized Russia.", "China", "Russia")["relation"].split()
    assert "fw:critic" in a and "fw:critic" in b
    c = views("Japan supplied Kenya with grain.", "Japan", "Kenya")["near"].split()
    d = views("Japan supplies Kenya with grain.", "Japan", "Kenya")["near"].split()
    assert "sr:suppli" in c and "sr:suppli" in d
    assert views("China criticised Russia.", "China", "Russia")["sentence"] == "xsrcx criticised xtgtx"

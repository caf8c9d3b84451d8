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


def test_closest_pair_matches_all_pairs_search():
    import random

    from training.features import SOURCE, TARGET, _closest_pair

    rng = random.Random(5)
    for _ in range(5000):
        tokens = [rng.choice([SOURCE, TARGET, "w", "w"]) for _ in range(rng.randint(0, 14))]
        src = [i for i, t in enumerate(tokens) if t == SOURCE]
        tgt = [i for i, t in enumerate(tokens) if t == TARGET]
        expected = min(((a, b) for a in src for b in tgt), key=lambda p: abs(p[0] - p[1])) if src and tgt else None
        assert _closest_pair(tokens) == expected


def test_long_sentence_is_read_around_its_pair():
    from training.features import _CONTEXT, _MAX_TOKENS

    filler = "the talks went on and "
    text = filler * 100 + "China condemned " + filler * 100 + "Russia today " + filler * 100
    v = views(text, "China", "Russia")
    tokens = v["sentence"].split()
    assert len(tokens) == 4 * _CONTEXT + 3 <= _MAX_TOKENS + 3  # 50 + source + 50, gap, 50 + target + 50
    assert tokens[_CONTEXT] == "xsrcx" and tokens[_CONTEXT + 1] == "condemned" and "_gap" in tokens
    assert tokens[-_CONTEXT - 1] == "xtgtx"
    assert v["between"].split()[:3] == ["_st", "condemn", "the"]
    assert "sr:condemn" in v["near"].split()


def test_views_of_pairs_sharing_a_sentence_are_unchanged_by_the_shared_tokens():
    from training.features import _layout

    text = "India welcomed Japan's offer but rejected China's plan."
    a = views(text, "India", "Japan", others=["China"])
    _layout.cache_clear()
    b = views(text, "India", "Japan", others=["China"])
    c = views(text, "Japan", "India", others=["China"])
    assert a == b and a["sentence"] == "xsrcx welcomed xtgtx 's offer but rejected xothx 's plan"
    assert c["sentence"] == "xtgtx welcomed xsrcx 's offer but rejected xothx 's plan"


def test_format_characters_and_fullwidth_letters_in_words_are_read():
    v = views("China con\u00addemned Russia.", "China", "Russia")
    assert v["sentence"] == "xsrcx condemned xtgtx"
    assert views("China \uff43\uff4f\uff4e\uff44\uff45\uff4d\uff4e\uff45\uff44 Russia.", "China", "Russia") == views(
        "China condemned Russia.", "China", "Russia")


def test_cameo_verb_phrases_add_root_and_class_with_direction():
    text = "Hamas launched a surprise attack on Israel."
    forward = views(text, "Hamas", "Israel")["relation"].split()
    assert {"camfw:r19", "camfw:q4"} <= set(forward)  # "launched ... attack": CAMEO 190, material conflict
    backward = views(text, "Israel", "Hamas")["relation"].split()
    assert {"cambw:r19", "cambw:q4"} <= set(backward) and not any(t.startswith("camfw:") for t in backward)
    assert not any(t.startswith("cam") for t in DyadMasker(cameo=False).transform([example(text, "Hamas",
                                                                                             "Israel")])[0][2].split())


def test_cameo_statements_are_class_0_and_negation_is_marked():
    said = views("Britain said it would phase out Russian oil.", "Britain", "Russian")["relation"].split()
    assert {"camfw:r01", "camfw:q0"} <= set(said)  # roots 01-02 are neutral by the label rules
    negated = views("China did not condemn Russia.", "China", "Russia")["relation"].split()
    assert {"camfw:not_r11", "camfw:not_q3"} <= set(negated)


def test_cameo_verb_before_a_third_actor_is_not_the_pair_s():
    text = "Putin thanked China for its balanced position on Ukraine."
    to_ukraine = views(text, "Putin", "Ukraine", others=("China",))["relation"].split()
    assert "camoth:r05" in to_ukraine and not any(t.startswith("camfw:") for t in to_ukraine)
    to_china = views(text, "Putin", "China", others=("Ukraine",))["relation"].split()
    assert "camfw:r05" in to_china

"""Explanations of a pair's stance: contributions that sum to the log-odds, mapped back to the words."""

from __future__ import annotations

import math

import pytest

from training.explain import explain_examples, runner_up
from training.feature_spans import _surface_tokens


def _all(expl):
    return expl.toward + expl.against


def test_condemned_drives_oppose_and_its_span_covers_the_word(predictor):
    text = "China condemned Russia."
    result = predictor.stance(text, "China", "Russia", explain=True)
    assert result.stance == "oppose"
    (ev,) = result.evidence
    expl = ev.explanation
    assert expl.label == "oppose" and expl.versus == runner_up(result.probabilities, "oppose")
    top = expl.toward[0]
    assert top.weight > 0 and top.weight == max(c.weight for c in _all(expl))
    # the word, its VADER polarity tag, or its CAMEO verb tag (112 "condemn": verbal conflict)
    assert "condemn" in top.feature or top.feature.endswith(":neg") or top.feature in ("camfw:r11", "camfw:q3")
    start = text.index("condemned")
    assert any(a <= start and start + len("condemned") <= b for a, b in top.spans), top
    # the word itself, as a stem, is among the strongest features toward oppose, placed on "condemned"
    stems = [c for c in expl.toward if "condemn" in c.feature]
    assert stems and all(any(text[a:b].startswith("condemned") or text[a:b].endswith("condemned")
                             for a, b in c.spans) for c in stems)


def test_contributions_sum_to_the_sentence_log_odds(predictor):
    result = predictor.stance("Kenya welcomed Ethiopia's offer of aid and praised its leaders.", "Kenya",
                              "Ethiopia", explain=True)
    assert result.stance == "support"
    for ev in result.evidence:
        expl = ev.explanation
        p = ev.probabilities
        assert expl.logit == pytest.approx(math.log(p[expl.label] / p[expl.versus]), abs=1e-3)
        assert expl.n_features >= len(_all(expl)) > 0
        assert [c.weight for c in expl.toward] == sorted((c.weight for c in expl.toward), reverse=True)
        assert [c.weight for c in expl.against] == sorted(c.weight for c in expl.against)
        assert all(c.weight > 0 for c in expl.toward) and all(c.weight < 0 for c in expl.against)


def test_placeholders_and_stems_map_to_surface_words(predictor):
    text = "Russia was criticised by China on Tuesday."
    result = predictor.stance(text, "China", "Russia", explain=True)
    expl = result.evidence[0].explanation
    for c in _all(expl):
        for a, b in c.spans:
            assert 0 <= a < b <= len(text)
        if c.view == "sentence" and c.feature == "xsrcx":
            assert [text[a:b] for a, b in c.spans] == ["China"]
        if c.view == "sentence" and c.feature == "xtgtx":
            assert [text[a:b] for a, b in c.spans] == ["Russia"]
        if c.feature.startswith("_") and " " not in c.feature:  # flags have no words
            assert c.spans == []
    worded = {c.feature: [text[a:b] for a, b in c.spans] for c in _all(expl) if "critic" in c.feature}
    assert worded and all(words == ["criticised"] for words in worded.values()), worded


def test_dyads_explain_every_evidence_sentence_without_changing_the_stances(predictor):
    text = "Kenya welcomed Ethiopia's offer. Russia criticised the EU. The EU praised Kenya."
    plain = predictor.dyads(text)
    explained = predictor.dyads(text, explain=True)
    assert [(d.source.code, d.target.code, d.stance) for d in plain] == \
           [(d.source.code, d.target.code, d.stance) for d in explained]
    assert all(ev.explanation is None for d in plain for ev in d.evidence)
    for d in explained:
        for ev in d.evidence:
            assert ev.explanation is not None and ev.explanation.label == d.stance
            assert ev.explanation.logit == pytest.approx(
                math.log(ev.probabilities[d.stance] / ev.probabilities[ev.explanation.versus]), abs=1e-3)


def test_no_stance_means_no_explanation(predictor):
    result = predictor.stance("China spoke. Russia listened.", "China", "Russia", explain=True)
    assert result.stance is None and result.reason == "no_shared_sentence" and result.evidence == []


def test_bad_arguments_are_named(predictor):
    ex = {"text": "China condemned Russia.", "source_spans": [[0, 5]], "target_spans": [[16, 22]], "other_spans": []}
    with pytest.raises(ValueError, match="top must be between 1 and 20"):
        explain_examples(predictor.model, [ex], "oppose", "neutral", top=0)
    with pytest.raises(ValueError, match="two distinct labels"):
        explain_examples(predictor.model, [ex], "oppose", "oppose")
    assert explain_examples(predictor.model, [], "oppose", "neutral") == []


def test_surface_tokens_keep_offsets_through_contractions():
    text = "Iran didn't yield; it cannot, said 12 envoys."
    toks = _surface_tokens(text)
    words = [t for t, _, _ in toks]
    assert words[:5] == ["iran", "did", "not", "yield", ";"]
    assert [text[a:b] for t, a, b in toks if t in ("did", "not", "can")] == ["did", "n't", "can", "not"]
    assert ("0", text.index("12"), text.index("12") + 2) in toks
    assert _surface_tokens("İstanbul") is None  # lower-casing changes the length: no offsets claimed

"""A new user's plain sentences (issue 16): the sign and the direction of each dyad.

The model is the session fixture of ``conftest.py``: the default model (``python -m training.fit
--no-search``: the authored corpus and the real stories of ``data/news/``) without the seed article. None
of these sentences is in its training data.
"""

import pytest

RIGHT = [
    ("Hamas launched a surprise attack on Israel.", "Hamas", "Israel", "oppose"),
    pytest.param("Britain said it would phase out Russian oil.", "Britain", "Russia", "oppose", marks=pytest.mark.xfail(
        reason="'phase out' is in neither the CAMEO verb dictionary nor the training data: the model reads only "
               "'said' (CAMEO 01, neutral) and 'would', and gives support about 0.57")),
    ("The EU closed its airspace to Russian aircraft.", "EU", "Russia", "oppose"),
    ("Putin thanked China for its balanced position on Ukraine.", "Russia", "China", "support"),
    ("The United States blamed Russia.", "United States", "Russia", "oppose"),
    ("Russia warned Helsinki.", "Russia", "Finland", "oppose"),
]

NOT = [  # the stance the pair must not get: a stance read in the wrong direction or toward a bystander
    pytest.param("Putin thanked China for its balanced position on Ukraine.", "Russia", "Ukraine", "support",
                 marks=pytest.mark.xfail(reason="'thanked' stands before the third actor (China) between the pair: "
                                                "the verb tags and the relation view mark it as the third actor's "
                                                "(camoth:, _oth_between), but the sentence, between and near views "
                                                "still read it as the pair's own; support about 0.60")),
    pytest.param("The United States blamed Russia.", "Russia", "United States", "oppose", marks=pytest.mark.xfail(
        reason="right on issue 16's branch before main's actor and place rules were merged; oppose 0.72 after the "
               "merge, not yet investigated")),
    ("Russia warned Helsinki.", "Finland", "Russia", "oppose"),
]


@pytest.mark.parametrize("text,source,target,label", RIGHT)
def test_sign(predictor, text, source, target, label):
    result = predictor.stance(text, source, target)
    assert result.reason is None
    assert result.stance == label, result.probabilities


@pytest.mark.parametrize("text,source,target,label", NOT)
def test_not_this_stance(predictor, text, source, target, label):
    result = predictor.stance(text, source, target)
    assert result.reason is None  # the pair is judged, not dropped
    assert result.stance != label, result.probabilities
    assert result.probabilities[label] < 0.5

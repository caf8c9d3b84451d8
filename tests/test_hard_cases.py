"""Hard cases of issue 6 through the library, each kind with the issue's examples and more of our own.

The model is the session fixture: trained on the embedded corpus without the seed article. None of these
sentences is in the corpus.
"""

import pytest

ISSUE_CASES = [
    # 1 passive voice: the agent after "by" holds the stance
    ("Russia was sharply criticised by China over the drone strikes.", "China", "Russia", "oppose"),
    ("Russia was sharply criticised by China over the drone strikes.", "Russia", "China", "neutral"),
    ("China sharply criticised Russia over the drone strikes.", "China", "Russia", "oppose"),
    ("China sharply criticised Russia over the drone strikes.", "Russia", "China", "neutral"),
    # 2 negation, straight and curly, and the control
    ("Beijing condemned Moscow's annexation vote.", "China", "Russia", "oppose"),
    # 3 reported speech and quotes: the speaker's stance, not the quoted party's
    ("Turkey's foreign ministry said Greece had accused Cyprus of stoking tensions.", "Greece", "Cyprus", "oppose"),
    ("Turkey's foreign ministry said Greece had accused Cyprus of stoking tensions.", "Turkey", "Cyprus", "neutral"),
    ("\u201cAthens is playing with fire,\u201d Ankara said on Tuesday.", "Turkey", "Greece", "oppose"),
    ("\u201cAthens is playing with fire,\u201d Ankara said on Tuesday.", "Greece", "Turkey", "neutral"),
    # 4 two targets, opposite stances
    ("India welcomed Japan's rail offer but rejected China's port proposal.", "India", "Japan", "support"),
    ("India welcomed Japan's rail offer but rejected China's port proposal.", "India", "China", "oppose"),
    # 5 compound subject
    ("Brazil and Argentina both criticised Britain's new fishing licences.", "Brazil", "Britain", "oppose"),
    ("Brazil and Argentina both criticised Britain's new fishing licences.", "Argentina", "Britain", "oppose"),
    ("Brazil and Argentina both criticised Britain's new fishing licences.", "Brazil", "Argentina", "neutral"),
    # 6 metonymy and case
    ("Seoul lodged a protest after Pyongyang test-fired two missiles.", "South Korea", "North Korea", "oppose"),
    ("kyiv rejected moscow's demands.", "Ukraine", "Russia", "oppose"),
    ("KYIV rejected moscow's demands.", "Ukraine", "Russia", "oppose"),
    ("Kiev rejected moscow's demands.", "Ukraine", "Russia", "oppose"),
    # 8 "U.S." kept, and lower-case sentences split
    ("The U.S. backed Taiwan's bid.", "United States", "Taiwan", "support"),
    ("u.s. officials met iran's envoy. tehran later denounced washington.", "Iran", "United States", "oppose"),
]

OWN_CASES = [
    ("Japan was praised by India for its rail investment.", "India", "Japan", "support"),
    ("Japan was praised by India for its rail investment.", "Japan", "India", "neutral"),
    ("New sanctions were imposed on Iran by the European Union on Monday.", "EU", "Iran", "oppose"),
    ("New sanctions were imposed on Iran by the European Union on Monday.", "Iran", "EU", "neutral"),
    ("Venezuela was condemned by Colombia after the border shooting.", "Colombia", "Venezuela", "oppose"),
    ("Ankara did not criticise Baku over the offensive.", "Turkey", "Azerbaijan", "neutral"),
    ("Ankara criticised Baku over the offensive.", "Turkey", "Azerbaijan", "oppose"),
    ("New Delhi hasn\u2019t condemned Moscow's invasion.", "India", "Russia", "neutral"),
    ("Egypt's foreign ministry said Sudan had accused Ethiopia of violating the accord.", "Sudan", "Ethiopia",
     "oppose"),
    ("Egypt's foreign ministry said Sudan had accused Ethiopia of violating the accord.", "Egypt", "Ethiopia",
     "neutral"),
    ("\u201cTokyo must stop its provocations,\u201d Beijing said on Friday.", "China", "Japan", "oppose"),
    ("\u201cTokyo must stop its provocations,\u201d Beijing said on Friday.", "Japan", "China", "neutral"),
    ("Kenya praised Uganda's mediation but condemned Somalia's border raids.", "Kenya", "Uganda", "support"),
    ("Kenya praised Uganda's mediation but condemned Somalia's border raids.", "Kenya", "Somalia", "oppose"),
    ("Poland rejected Belarus's demands but thanked Lithuania for its support.", "Poland", "Belarus", "oppose"),
    ("Poland rejected Belarus's demands but thanked Lithuania for its support.", "Poland", "Lithuania", "support"),
    ("France and Germany jointly condemned Iran's missile tests.", "France", "Iran", "oppose"),
    ("France and Germany jointly condemned Iran's missile tests.", "Germany", "Iran", "oppose"),
    ("Chile and Peru both criticised Bolivia's gas export ban.", "Chile", "Peru", "neutral"),
    ("Tehran denounced Washington's new sanctions.", "Iran", "United States", "oppose"),
    ("the kremlin thanked beijing for its support.", "Russia", "China", "support"),
    ("Downing Street welcomed Canberra's decision.", "United Kingdom", "Australia", "support"),
]


MEETING_CASES = [  # issue 9: consultations, calls, visits and meetings are support (CAMEO 04), both ways
    ("Chile's president telephoned his Peruvian counterpart on Friday.", "Chile", "Peru", "support"),
    ("Chile's president telephoned his Peruvian counterpart on Friday.", "Peru", "Chile", "support"),
    ("Russia and Ukraine held talks in Istanbul on Monday.", "Russia", "Ukraine", "support"),
    ("Russia and Ukraine held talks in Istanbul on Monday.", "Ukraine", "Russia", "support"),
    pytest.param("Germany and Poland held consultations on energy security.", "Poland", "Germany", "support",
                 marks=pytest.mark.xfail(reason="issue 16, after main's actor and place rules merged: neutral 0.48 "
                                                "against support 0.41 (Germany -> Poland stays support); not yet "
                                                "investigated")),
    ("The Indonesian president visited Vietnam on Wednesday.", "Indonesia", "Vietnam", "support"),
    ("The Indonesian president visited Vietnam on Wednesday.", "Vietnam", "Indonesia", "support"),  # host
    ("Ghana hosted the president of Senegal for two days of talks.", "Senegal", "Ghana", "support"),
    ("Norway mediated talks between Sri Lanka and India.", "Sri Lanka", "Norway", "support"),
    ("China met Russia's envoy.", "China", "Russia", "support"),
    # appeals, what was not done and co-presence at a third party's summit stay neutral
    ("Hungary urged Romania to reopen the border crossing.", "Hungary", "Romania", "neutral"),
    ("Nigeria said it had not been consulted by Cameroon.", "Cameroon", "Nigeria", "neutral"),
    pytest.param("Canada and Mexico both attended the summit hosted by Chile.", "Mexico", "Canada", "neutral",
                 marks=pytest.mark.xfail(reason="issue 16: since the real stories and the wire group labels joined "
                                                "the data, 'A and B' coordination leans support (0.53 against "
                                                "neutral 0.45; the strongest features are '_ts and' and "
                                                "'and xsrcx')")),
    # talks that went badly carry the stated stance
    ("Sudan accused Ethiopia of bad faith as the talks collapsed.", "Sudan", "Ethiopia", "oppose"),
]


@pytest.mark.parametrize("text,source,target,label", ISSUE_CASES + OWN_CASES + MEETING_CASES)
def test_stance(predictor, text, source, target, label):
    result = predictor.stance(text, source, target)
    assert result.reason is None
    assert result.stance == label, result.probabilities
    assert abs(sum(result.probabilities.values()) - 1) < 1e-4


@pytest.mark.parametrize("verb", ["did not condemn", "didn't condemn", "didn\u2019t condemn"])
def test_negation_same_label_and_never_oppose(predictor, verb):
    result = predictor.stance(f"Beijing {verb} Moscow's annexation vote.", "China", "Russia")
    reference = predictor.stance("Beijing did not condemn Moscow's annexation vote.", "China", "Russia")
    assert result.stance == reference.stance != "oppose"
    assert result.probabilities == reference.probabilities


def test_compound_subject_found_as_two_actors(predictor):
    text = "Brazil and Argentina both criticised Britain's new fishing licences."
    result = predictor.stance(text, "Brazil", "Argentina")
    assert [m.text for m in result.source.mentions] == ["Brazil"]
    assert [m.text for m in result.target.mentions] == ["Argentina"]


def test_us_keeps_its_actor_and_features(predictor):
    result = predictor.stance("The U.S. backed Taiwan's bid.", "USA", "TWN")
    assert [m.text for m in result.source.mentions] == ["U.S."]
    assert result.evidence[0].text == "The U.S. backed Taiwan's bid."


def test_two_sentences_in_lower_case(predictor):
    result = predictor.stance("u.s. officials met iran's envoy. tehran later denounced washington.", "Iran", "USA")
    assert sorted(e.sentence_index for e in result.evidence) == [0, 1]
    assert result.evidence[0].text == "tehran later denounced washington."  # strongest first
    assert result.evidence[0].stance == "oppose"


def test_html_same_as_plain_text(predictor):
    html = predictor.stance("<p>Kenya <b>welcomed</b> Ethiopia&#8217;s offer &amp; aid</p>", "Kenya", "Ethiopia")
    plain = predictor.stance("Kenya welcomed Ethiopia\u2019s offer & aid", "Kenya", "Ethiopia")
    assert html.stance == plain.stance == "support"
    for label in plain.probabilities:
        assert abs(html.probabilities[label] - plain.probabilities[label]) <= 0.05
    views = predictor.model.pipeline.named_steps["mask"].transform(
        [{"text": html.evidence[0].text, "source_spans": [], "target_spans": [], "other_spans": []}])
    assert not any(tok in views[0, 0].split() for tok in ("p", "b", "amp", "8217"))


@pytest.mark.parametrize("text", ["", "   ", "12 34", "!!!", "<div>12</div>"])
def test_no_words_is_an_error_not_a_label(predictor, text):
    from training.predict import NoWordsError

    with pytest.raises(NoWordsError, match="no words"):
        predictor.stance(text, "China", "Russia")


def test_unknown_script_gives_no_label(predictor):
    result = predictor.stance("\u5317\u4eac\u6279\u8bc4\u83ab\u65af\u79d1\u3002", "China", "Russia")
    assert result.stance is None and result.probabilities is None
    assert result.reason == "unsupported_language" and result.language == "zh"  # the language guard (issue 16)
    literal = predictor.stance("\u5317\u4eac\u6279\u8bc4\u83ab\u65af\u79d1\u3002", "\u5317\u4eac", "\u83ab\u65af\u79d1")
    assert literal.stance is None and literal.reason == "unsupported_language"


@pytest.mark.parametrize("source,target", [(" China ", "russia\n"), ("CHINA", "Russia"), ("china", " RUSSIA ")])
def test_padded_and_odd_case_names(predictor, source, target):
    clean = predictor.stance("Beijing condemned Moscow's annexation vote.", "China", "Russia")
    odd = predictor.stance("Beijing condemned Moscow's annexation vote.", source, target)
    assert (odd.source.code, odd.target.code, odd.stance) == ("CHN", "RUS", clean.stance)
    assert odd.probabilities == clean.probabilities


def test_no_shared_sentence_and_missing_actor(predictor):
    text = "China praised Russia. Iran protested."
    assert predictor.stance(text, "China", "Iran").reason == "no_shared_sentence"
    assert predictor.stance(text, "China", "Japan").reason == "target_not_found"
    assert predictor.stance(text, "Japan", "China").reason == "source_not_found"
    assert predictor.stance(text, "China", "Beijing").reason == "same_actor"


def test_probabilities_mapped_by_label_name():
    import numpy as np

    from training.model import StanceModel

    class Fixed:  # a classifier that keeps its classes in an unusual order
        classes_ = np.array(["oppose", "neutral", "support"])

        def predict_proba(self, X):
            return np.array([[0.7, 0.2, 0.1]] * len(X))

    proba = StanceModel(Fixed(), {}).predict_proba([{"text": "x"}])
    assert proba.tolist() == [[0.1, 0.7, 0.2]]  # support, oppose, neutral

"""Mention roles (training/roles.py): each rule with positive and negative cases, the issue's examples, the
seed article, the service's report, and the spurious-dyad figures of bench/roles.py."""

from pathlib import Path

import pytest

from bench.roles import evaluate, read_eval
from training.examples import candidate_examples, prepare
from training.reading import read_articles
from training.roles import ROLES, WINDOW, sports_sentence

SEED = "000_3dbf35ee1580a863"


def roles(dictionary, text):
    return [(m.text, m.role) for m in prepare(text, dictionary).mentions]


def pairs(dictionary, text):
    return sorted({(e["source"], e["target"]) for e in candidate_examples(prepare(text, dictionary))})


@pytest.mark.parametrize("text, mention, role", [
    # location: a venue or an address
    ("Xi will meet Putin this week at a regional summit in Uzbekistan.", "Uzbekistan", "location"),
    ("Israel and Hamas resumed indirect talks held in Doha.", "Doha", "location"),
    ("At a meeting in Kenya, Ethiopia and Egypt traded accusations.", "Kenya", "location"),
    ("Leaders met at the SCO summit in Samarkand, Uzbekistan, on Friday.", "Uzbekistan", "location"),
    ("A think tank based in Qatar said Egypt was close to a deal.", "Qatar", "location"),
    ("A London-based analyst said India had lost the most.", "London", "location"),
    ("The writer, who was born in Nigeria, praised France.", "Nigeria", "location"),
    ("Born in Lebanon, the tycoon fled Japan.", "Lebanon", "location"),
    ("An expert at the American University in Washington said Russia would wait.", "Washington", "location"),
    # ... and actors that only look like it
    ("Xi Jinping flew to Moscow for a state visit.", "Moscow", "actor"),
    ("Putin arrived in Beijing for talks with Xi Jinping.", "Beijing", "actor"),
    ("Russia's foreign minister mediated talks in Tbilisi between Georgia's parties.", "Tbilisi", "actor"),
    ("At a conference in Vienna, Iran accused the United States of warfare.", "Iran", "actor"),
    ("Britain's embassy in Moscow said it was deeply concerned.", "Moscow", "actor"),
    ("Australia sent emergency aid to Tonga after the eruption.", "Tonga", "actor"),
    ("Qatar hosted the talks between the two sides.", "Qatar", "actor"),
    # name_part: inside the name of an institution, a company or a thing
    ("Joseph Torigian, an expert at the American University in Washington, said so.", "American", "name_part"),
    ("The Russian Orthodox Church blessed the troops.", "Russian", "name_part"),
    ("Turkish Airlines resumed flights to Iraq.", "Turkish", "name_part"),
    ("Saudi Aramco raised its prices for Asia.", "Saudi", "name_part"),
    ("Air France cancelled its flights to Mali.", "France", "name_part"),
    ("The Bank of Japan kept rates on hold.", "Japan", "name_part"),
    ("Students at the American University of Beirut protested.", "Beirut", "name_part"),
    ("The American ambassador protested to Beijing.", "American", "actor"),
    ("Russian troops crossed the border.", "Russian", "actor"),
    # sports: a national team
    ("Georgia beat Armenia 2-1 in a World Cup qualifier.", "Georgia", "sports"),
    ("Georgia beat Armenia 2-1 in a World Cup qualifier.", "Armenia", "sports"),
    ("France's national team arrived for the tournament.", "France", "sports"),
    ("Brazilian footballers celebrated the result.", "Brazilian", "sports"),
    ("Spain won the Davis Cup after beating Italy in the final.", "Italy", "sports"),
    ("The United States announced a diplomatic boycott of the Beijing Winter Olympics.", "United States", "actor"),
    ("The Council voted 13-2 to condemn Russia.", "Russia", "actor"),
    ("Georgia's government beat back the protests after the World Cup qualifier.", "Georgia", "actor"),
    ("The Chinese side said the talks were useful.", "Chinese", "actor"),
    # nationality: a demonym describing a person
    ("A Russian tourist was rescued by Turkish coastguards.", "Russian", "nationality"),
    ("Two Chinese students won a science prize.", "Chinese", "nationality"),
    ("The British-born writer praised Israel.", "British", "nationality"),
    ("An Iranian-American journalist was freed.", "Iranian", "nationality"),
    ("An Iranian-American journalist was freed.", "American", "nationality"),
    ("The Russian foreign minister accused Kyiv.", "Russian", "actor"),
    ("Chinese officials denied the report.", "Chinese", "actor"),
    ("The Iranian army stayed silent.", "Iranian", "actor"),
    ("Iranian students demonstrated outside the embassy.", "Iranian", "actor"),
    ("Colombia granted legal status to Venezuelan migrants.", "Venezuelan", "actor"),
    ("China warned that consumers might turn away from Australian wine.", "Australian", "actor"),
    ("An Indian national was sentenced to death for espionage.", "Indian", "actor"),
    # leaders and groups always act
    ("Xi Jinping attended a summit in Kazakhstan with Vladimir Putin.", "Vladimir Putin", "actor"),
    ("Hamas officials at a meeting in Cairo rejected the plan.", "Hamas", "actor"),
])
def test_rule(dictionary, text, mention, role):
    found = dict(roles(dictionary, text))
    assert found[mention] == role


def test_roles_are_known_values_and_every_mention_has_one(dictionary):
    text = "Georgia beat Armenia 2-1. A Russian tourist met a summit in Kenya. Turkish Airlines flew."
    assert {r for _, r in roles(dictionary, text)} <= set(ROLES)


def test_sports_sentence_needs_a_sports_word_and_a_result():
    assert sports_sentence("Georgia beat Armenia 2-1 in a World Cup qualifier.")
    assert not sports_sentence("The US boycotted the Beijing Olympics.")
    assert not sports_sentence("The resolution passed 13-2.")


def test_the_window_is_bounded(dictionary):
    far = "summit in " + "x" * (WINDOW + 5) + " and then Uzbekistan objected."
    assert dict(roles(dictionary, far))["Uzbekistan"] == "actor"


def test_issue_examples_give_the_right_dyads(dictionary):
    assert pairs(dictionary, "Chinese leader Xi Jinping will meet his Russian counterpart at a regional summit in "
                             "Uzbekistan.") == [("CHN", "RUS"), ("RUS", "CHN")]
    assert pairs(dictionary, "Russia is pinning its hopes on China, says Joseph Torigian, expert at the American "
                             "University in Washington.") == [("CHN", "RUS"), ("RUS", "CHN")]
    assert pairs(dictionary, "Australia sent emergency aid to Tonga after the eruption.") == [
        ("AUS", "TON"), ("TON", "AUS")]
    assert pairs(dictionary, "Georgia beat Armenia 2-1 in a World Cup qualifier.") == []


def test_non_acting_mentions_stay_visible_but_make_no_example(dictionary):
    doc = prepare("Iran and Turkey met at a summit in Kazakhstan.", dictionary)
    assert [(m.code, m.role) for m in doc.mentions] == [("IRN", "actor"), ("TUR", "actor"), ("KAZ", "location")]
    assert [m.code for m in doc.sentence_mentions(0)] == ["IRN", "TUR"]
    [e, _] = candidate_examples(doc)
    assert e["other_spans"] == []  # the venue is read as a word, not masked as a third actor


@pytest.fixture(scope="module")
def seed_text():
    return next(a for a in read_articles("seeds") if a.id == SEED).text


def test_seed_article_dyads(predictor, seed_text):
    dyads = {(p.source.code, p.target.code): p for p in predictor.dyads(seed_text)}
    assert not any("UZB" in pair for pair in dyads)
    usa = dyads[("CHN", "USA")]
    assert not any("American University" in e.text or "Hopkins" in e.text for e in usa.evidence)
    roles_of_usa = {(m.text, m.role) for m in usa.target.mentions}
    assert {("American", "name_part"), ("Washington", "location"), ("US", "actor")} <= roles_of_usa
    assert dyads[("CHN", "RUS")].stance == "support"


def test_stance_of_a_venue_pair_is_null_with_the_role_reported(predictor):
    result = predictor.stance("China praised Russia at a regional summit in Uzbekistan.", "China", "Uzbekistan")
    assert result.stance is None and result.reason == "no_shared_sentence"
    assert [(m.text, m.role) for m in result.target.mentions] == [("Uzbekistan", "location")]


def test_a_named_span_is_the_actor_whatever_its_rule(dictionary, predictor):
    result = predictor.stance("China praised Russia at a summit in Uzbekistan.", "China", "Uzbekistan",
                              target_span="Uzbekistan")
    assert result.stance is not None and [m.role for m in result.target.mentions] == ["actor"]


def test_issue_examples_through_the_predictor(predictor):
    aid = predictor.dyads("Australia sent emergency aid to Tonga after the eruption.")
    assert {(p.source.code, p.target.code) for p in aid} == {("AUS", "TON"), ("TON", "AUS")}
    assert predictor.dyads("Georgia beat Armenia 2-1 in a World Cup qualifier.") == []


def test_service_reports_each_mentions_role(model_path):
    from fastapi.testclient import TestClient

    from serving.app import create_app
    from serving.settings import Settings

    text = "An expert at the American University in Washington said the US and China would talk."
    with TestClient(create_app(Settings(model_path=model_path))) as client:
        r = client.post("/v1/dyads", json={"text": text})
    assert r.status_code == 200
    usa = next(d["source"] for d in r.json()["dyads"] if d["source"]["code"] == "USA")
    assert [(m["text"], m["role"]) for m in usa["mentions"]] == [
        ("American", "name_part"), ("Washington", "location"), ("US", "actor")]


def test_spurious_dyads_before_and_after(dictionary):
    fig = evaluate(read_eval(), dictionary)
    assert fig.texts == 36 and fig.non_acting == 42
    assert fig.candidates_before == 216 and fig.spurious_before == 96  # 44% of candidate dyads before
    assert fig.spurious_after == 0 and fig.lost == 0 and fig.false_non_acting == 0
    assert fig.found_non_acting == 42 and fig.roles_right == 42  # "France's team arrived in Qatar" too (issue 16)
    assert fig.dyads_right == fig.dyads_checked == 35


def test_spurious_dyads_on_the_second_set(dictionary):
    """Written after the rules and run once before they were last extended (54.5% -> 23.1% then)."""
    fig = evaluate(read_eval(Path(__file__).parent / "data" / "roles_heldout.jsonl"), dictionary)
    # issue 16: "rallied in Seoul" and "held in Mali" are places by ANNOTATION_GUIDE.md (h-06, h-11 recoded)
    assert (fig.texts, fig.candidates_before, fig.spurious_before) == (12, 44, 26)
    assert fig.spurious_after == 0 and fig.lost == 0 and fig.false_non_acting == 0


# -- issue 16: places are not actors (ANNOTATION_GUIDE.md) ---------------------------------------------------
def acting(dictionary, text):
    return {e["source"] for e in candidate_examples(prepare(text, dictionary))}


@pytest.mark.parametrize("text, place", [
    ("Ethiopian and Eritrean officials met in Qatar on Monday.", "QAT"),
    ("Germany condemned the strikes in northern Syria.", "SYR"),
    ("The French minister arrived in Egypt and praised Italy.", "EGY"),
    ("The vessel docked at a port in eastern China before Iran received it.", "CHN"),
    ("US troops killed fighters in Iraq's Anbar desert, Turkey said.", "IRQ"),
    ("Iran imported 1,000 tons of sodium perchlorate from China, Israel said.", "CHN"),
    ("EU ministers gathered in Brussels, where Russia was condemned.", "BEL"),
    ("The Iranian-flagged cargo ship left as Israel protested to Panama.", "IRN"),
    ("Analysts say the U.S.-China relationship matters to Japan and India.", "CHN"),
])
def test_places_are_not_actors(dictionary, text, place):
    assert place not in acting(dictionary, text)


@pytest.mark.parametrize("text, actors", [
    ("Russia said it was in talks with Ukraine.", {"RUS", "UKR"}),
    ("Putin arrived in Beijing on Tuesday for talks with Xi Jinping.", {"RUS", "CHN"}),
    ("Britain's embassy in Moscow said it was deeply concerned about Iran.", {"GBR", "RUS", "IRN"}),
    ("China sent aid to Syria and Turkey.", {"CHN", "SYR", "TUR"}),
    ("Chinese coast guard ships blocked Philippine boats.", {"CHN", "PHL"}),
])
def test_real_actor_uses_stay_actors(dictionary, text, actors):
    assert acting(dictionary, text) == actors


def test_met_in_qatar_keeps_the_meeting_pair(dictionary):
    pairs = {(e["source"], e["target"]) for e in candidate_examples(
        prepare("Ethiopia and Eritrea met in Qatar.", dictionary))}
    assert pairs == {("ETH", "ERI"), ("ERI", "ETH")}

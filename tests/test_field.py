"""The field's dictionaries (``data/field/``, ``training/field/``) and the project's 2018+ leaders list."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from training.field import codes, find_events, load_verbs, phoenix_rows, quad_class
from training.field.match import VerbMatcher
from training.field.phoenix import load_phoenix, parse_actor_file
from training.field.verbs import parse_verbs, regular_forms

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lexicon():
    return load_verbs()


@pytest.fixture(scope="module")
def rows():
    return phoenix_rows(load_phoenix())


def _codes(text: str) -> list[str]:
    return [m.code for m in find_events(text)]


def test_verb_dictionary_is_read_whole(lexicon):
    counts = lexicon.counts()
    assert counts["patterns"] > 4500
    assert counts["verbs"] > 1700 and counts["forms"] > 7000
    assert counts["synsets"] == 40 and counts["transformations"] == 8
    # only the patterns the format itself says to ignore (undefined synonym sets) or that hold no word
    assert sum(lexicon.skipped.values()) < 10
    treaty = lexicon.synsets["&TREATY"]
    assert ("agreement",) in treaty and ("agreements",) in treaty  # plurals of synonym sets


def test_verb_forms(lexicon):
    forms = {v.lemma: set(v.forms) for v in lexicon.verbs if v.block in ("BLAME", "ACCELERATE", "ASK")}
    assert {("accuse",), ("accuses",), ("accused",), ("accusing",)} <= forms["accuse"]
    assert forms["speed"] == {("speed",), ("speeding",), ("speeds",), ("sped",)}  # irregular list is complete
    assert ("asked", "for") in forms["ask for"]
    assert set(regular_forms("deny")) == {"deny", "denies", "denied", "denying"}
    assert set(regular_forms("push")) == {"push", "pushes", "pushed", "pushing"}
    assert {"banned", "banning"} <= set(regular_forms("ban"))


def test_codes_of_a_small_dictionary():
    lex = parse_verbs("&ARMS\n+RIFLE\n+TANK_\n####### VERB PATTERNS #######\n--- GIVE [070] ---\n"
                      "SEND {SENDS SENT SENDING}\n- * &ARMS (TO) [072] # SEND\n- * {ECONOMIC REFORMS} [---]\n"
                      "- * GREETINGS [:018]\n")
    matcher = VerbMatcher(lex)
    assert [m.code for m in matcher.find("Moscow sent rifles to Damascus")] == ["072"]
    assert [m.code for m in matcher.find("Moscow sent tanks to Damascus")] == ["070"]  # TANK_: no plural
    assert [m.code for m in matcher.find("They sent the economic reforms to parliament")] == []  # null code
    hit = matcher.find("Paris sent greetings")[0]
    assert (hit.code, hit.passive_code) == ("018", "018")


def test_accusation_is_verbal_conflict():
    hits = find_events("Russia accused Ukraine of shelling")
    accused = hits[0]
    assert (accused.code, accused.root, accused.quad_class, accused.goldstein) == ("112", "11", 3, -2.0)
    assert "Russia accused Ukraine of shelling"[accused.start:accused.end] == "accused"


def test_signing_an_agreement_is_cooperation():
    hit = find_events("Armenia and Azerbaijan signed an agreement on Friday.")[0]
    assert hit.code == "057" and hit.root == "05" and hit.quad_class == 1
    assert hit.words == ("signed", "agreement")  # the determiner is skipped
    assert find_events("The two sides signed a peace treaty")[0].code == "057"


def test_attacks_are_material_conflict():
    assert _codes("Rebels attacked the town") == ["190"]
    assert _codes("Israeli jets attacked the city") == ["195"]  # "&AIRCRAFT *": aerial weapons
    assert find_events("Iran launched missiles at Israel")[0].root in {"18", "19", "20"}
    assert find_events("Iran launched missiles at Israel")[0].code == "194"
    assert _codes("Washington imposed sanctions on Moscow") == ["163"]


def test_meetings_nouns_negation_and_passive():
    assert _codes("Kagame met Tshisekedi in Doha") == ["040"]
    assert _codes("The attack was condemned") == ["111"]  # "the attack" is a noun, not a verb
    negated = find_events("China did not condemn the strike")[0]
    assert negated.code == "111" and negated.negated
    assert find_events("Ukraine was attacked by Russia")[0].passive
    assert find_events("") == [] and find_events(["Russia", "attacked", "Ukraine"])[0].words == ("attacked",)


def test_matcher_runs_on_a_very_long_sentence():
    text = "Russia accused Ukraine of shelling and the two sides signed an agreement, " * 1400
    assert len(text) > 100_000
    hits = find_events(text)
    assert len(hits) >= 2 * 1400 and hits[-1].end <= len(text)


def test_quad_class_and_goldstein():
    assert [quad_class(c) for c in ("010", "0211", "057", "061", "0874", "090", "130", "145", "190", "204")] == \
        [1, 1, 1, 2, 2, 3, 3, 4, 4, 4]
    gold = codes.goldstein
    assert (gold("190"), gold("010"), gold("040"), gold("057"), gold("0874")) == (-10.0, 0.0, 1.0, 8.0, 10.0)
    assert (gold("112"), gold("042"), gold("043"), gold("138"), gold("163")) == (-2.0, 1.9, 2.8, -7.0, -8.0)
    assert gold("19") == gold("190") and gold("04") == gold("040")
    assert gold("13") == -6.0 and gold("130") == -4.4  # the published table's one root/base difference
    assert gold("1957") == gold("195")  # unknown sub-code: its parent's score
    with pytest.raises(ValueError):
        codes.root("999")


def test_phoenix_dates_and_formats():
    text = ("PAUL_KAGAME_  # CountryInfo.txt\n+PAUL_KAGA_ME_\n\t[RWAELI 750101-000101]\n\t[RWAGOV >000324]\n"
            "\t[RWAELI]\nJAVIER_DE_CUELLAR_\t[IGOUNO 820101-911231] [ELI]# IGOrulers.txt\n"
            "JAMES_BYRNES_\n\t[USAELI 18970101-450703]\n\t[USAGOV <470121]\n")
    kagame, cuellar, byrnes = parse_actor_file(text)
    assert kagame.names == ("PAUL KAGAME", "PAUL KAGA ME")
    assert kagame.codes == (("RWAELI", dt.date(1975, 1, 1), dt.date(2000, 1, 1)),
                            ("RWAGOV", dt.date(2000, 3, 24), None), ("RWAELI", None, None))
    assert cuellar.codes[0] == ("IGOUNO", dt.date(1982, 1, 1), dt.date(1991, 12, 31))
    assert byrnes.codes == (("USAELI", dt.date(1897, 1, 1), dt.date(1945, 7, 3)),
                            ("USAGOV", None, dt.date(1947, 1, 21)))


def test_phoenix_rows(rows):
    kagame = [r for r in rows if r["name"] == "Paul Kagame" and r["role"] == "phoenix:GOV"]
    assert kagame == [kagame[0]] and (kagame[0]["code"], kagame[0]["start"], kagame[0]["end"]) == \
        ("RWA", "2000-03-24", None)
    assert {"name", "aliases", "code", "role", "title", "start", "end", "source"} <= set(kagame[0])
    deby = {(r["code"], r["start"]) for r in rows if r["name"] == "Idriss Deby" and r["role"] == "phoenix:GOV"}
    assert deby == {("TCD", "1990-12-02")}
    by_name = {r["name"]: r["code"] for r in rows if r["kind"] != "person"}
    assert by_name["United Nations"] == "UN" and by_name["Boko Haram"] == "BOKOHARAM"
    assert by_name["Afghanistan"] == "AFG" and by_name["Kosovo"] == "XKX"
    assert sum(r["kind"] == "person" for r in rows) > 20000


def _leaders(name: str) -> list[dict]:
    with (ROOT / "data" / "actors" / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_leaders_since_2018():
    new, old = _leaders("leaders_2018.jsonl"), _leaders("leaders.jsonl")
    keys = set(old[0]) - {"uncertain_dates"}
    assert all(keys <= set(r) <= keys | {"uncertain_dates"} for r in new)
    states = json.loads((ROOT / "data" / "actors" / "blocs.json").read_text(encoding="utf-8"))
    assert all(r["code"] in states or len(r["code"]) == 3 for r in new)
    assert all(r["end"] is None or r["start"] <= r["end"] for r in new)
    current = {(r["name"], r["code"]) for r in new + old if r["end"] is None}
    for person in [("Paul Kagame", "RWA"), ("Félix Tshisekedi", "COD"), ("Nikol Pashinyan", "ARM"),
                   ("Ilham Aliyev", "AZE"), ("Emmerson Mnangagwa", "ZWE"), ("Mahamat Idriss Déby", "TCD"),
                   ("Donald Trump", "USA"), ("António Guterres", "UN"), ("Mark Rutte", "NATO")]:
        assert person in current, person
    assert len({r["code"] for r in new + old}) >= 100
    # no person twice for the same actor with overlapping terms across the two files
    seen: dict[tuple, list] = {}
    for r in old + new:
        for s, e in seen.get((r["name"], r["code"], r["role"]), []):
            assert not (r["start"] < (e or "9999") and s < (r["end"] or "9999")), r
        seen.setdefault((r["name"], r["code"], r["role"]), []).append((r["start"], r["end"]))

"""Non-state actors (data/actors/groups.json): codes, aliases, resolution, matching in text and dyads."""

import json
import shutil
from pathlib import Path

import pytest

from training.actors import DEFAULT_ACTORS_DIR, ActorDictionary
from training.examples import candidate_examples, prepare, resolve_in

WANTED = ["HAMAS", "HEZBOLLAH", "HOUTHI", "TALIBAN", "ISIS", "ALQAEDA", "AQAP", "SHABAAB", "BOKOHARAM", "PKK",
          "YPG", "SDF", "WAGNER", "RSF", "M23", "FARC", "ELN", "TPLF", "PIJ", "MB", "FATAH", "PLO", "POLISARIO",
          "LTTE", "KH", "HTS", "JNIM", "ARAKAN"]


def codes(dictionary, text):
    return [m.code for m in dictionary.find(text)]


def pairs(dictionary, text):
    return [(e["source"], e["target"]) for e in candidate_examples(prepare(text, dictionary))]


def test_every_wanted_group_is_a_group_with_a_source_and_states(dictionary):
    for code in WANTED:
        actor = dictionary.actors[code]
        assert actor.kind == "group", code
        assert actor.source.strip(), code
        entry = dictionary.groups[code]
        assert "uncertain" in entry and isinstance(entry["states"], list), code
    assert dictionary.groups["HAMAS"]["states"] == ["PSE"]
    assert dictionary.groups["HOUTHI"]["states"] == ["YEM"]


@pytest.mark.parametrize("text, code", [
    ("Hamas", "HAMAS"), ("the Islamic Resistance Movement", "HAMAS"), ("Hizbollah", "HEZBOLLAH"),
    ("Hizballah", "HEZBOLLAH"), ("the Houthis", "HOUTHI"), ("Ansar Allah", "HOUTHI"), ("Ansarullah", "HOUTHI"),
    ("the Taliban", "TALIBAN"), ("Taleban", "TALIBAN"), ("the Pakistani Taliban", "TTP"), ("ISIL", "ISIS"),
    ("Islamic State", "ISIS"), ("Daesh", "ISIS"), ("Isis", "ISIS"), ("al-Qaida", "ALQAEDA"), ("al Qaeda", "ALQAEDA"),
    ("al-Qaeda in the Arabian Peninsula", "AQAP"), ("al-Shabab", "SHABAAB"), ("Boko Haram", "BOKOHARAM"),
    ("the Kurdistan Workers' Party", "PKK"), ("the People's Protection Units", "YPG"),
    ("the Syrian Democratic Forces", "SDF"), ("the Wagner Group", "WAGNER"), ("Africa Corps", "WAGNER"),
    ("the Rapid Support Forces", "RSF"), ("the March 23 Movement", "M23"), ("FARC-EP", "FARC"),
    ("the National Liberation Army", "ELN"), ("the Tigray People's Liberation Front", "TPLF"),
    ("Islamic Jihad", "PIJ"), ("the Muslim Brotherhood", "MB"), ("Fatah", "FATAH"),
    ("the Palestine Liberation Organization", "PLO"), ("the Polisario Front", "POLISARIO"),
    ("the Tamil Tigers", "LTTE"), ("Kata'ib Hezbollah", "KH"), ("Hayat Tahrir al-Sham", "HTS"),
    ("JNIM", "JNIM"), ("the Arakan Army", "ARAKAN"),
])
def test_names_are_found_in_text(dictionary, text, code):
    assert codes(dictionary, f"Officials said {text} had issued a statement.") == [code]


def test_longest_name_wins_over_the_inner_group():
    d = ActorDictionary()
    assert codes(d, "Kataib Hezbollah and Hezbollah") == ["KH", "HEZBOLLAH"]
    assert codes(d, "Palestinian Islamic Jihad and Islamic Jihad") == ["PIJ", "PIJ"]
    assert codes(d, "al-Qaeda in the Islamic Maghreb, then al-Qaeda") == ["AQIM", "ALQAEDA"]


def test_acronyms_keep_their_case(dictionary):
    assert codes(dictionary, "The RSF, the SDF, HTS and the PKK.") == ["RSF", "SDF", "HTS", "PKK"]
    assert codes(dictionary, "Rsf sdf hts and pkk in lower case, and isis too.") == []
    assert codes(dictionary, "Reporters Without Borders (RSF) condemned the arrest.") == []


@pytest.mark.parametrize("name, code", [("HAMAS", "HAMAS"), ("hamas", "HAMAS"), ("PSEREBHMS", "HAMAS"),
                                        ("IMGMUSALQ", "ALQAEDA"), ("Hezbollah", "HEZBOLLAH"), ("Daesh", "ISIS"),
                                        ("Ansar Allah", "HOUTHI"), ("RSF", "RSF"), ("M23", "M23")])
def test_resolve_accepts_codes_cameo_codes_and_names(dictionary, name, code):
    actor = dictionary.resolve(name)
    assert actor is not None and actor.code == code and actor.kind == "group"


def test_hamas_fired_rockets_at_israel_is_a_group_state_dyad(dictionary):
    assert pairs(dictionary, "Hamas fired rockets at Israel.") == [("HAMAS", "ISR"), ("ISR", "HAMAS")]
    assert pairs(dictionary, "The Houthis attacked a ship bound for Saudi Arabia.") == [
        ("HOUTHI", "SAU"), ("SAU", "HOUTHI")]


def test_resolve_in_reports_kind_group(dictionary):
    doc = prepare("Egypt urged Hamas to accept the truce.", dictionary)
    actor = resolve_in(doc, dictionary, "Hamas")
    assert (actor.code, actor.kind, [m.text for m in actor.mentions]) == ("HAMAS", "group", ["Hamas"])


@pytest.mark.parametrize("text, code", [("the Israeli military", "ISR"), ("Sudan's army", "SDN"),
                                        ("the Venezuelan opposition", "VEN")])
def test_state_sectors_count_for_the_state(dictionary, text, code):
    assert codes(dictionary, f"The talks stalled after {text} objected.") == [code]


@pytest.mark.parametrize("cameo, text, found", [
    ("ISRMIL", "Hamas said the Israeli military had shelled Gaza.", "Israeli military"),
    ("SDNMIL", "The RSF said Sudan's army had bombed the market.", "Sudan's army"),
    ("VENOPP", "Washington praised the Venezuelan opposition.", "Venezuelan opposition"),
])
def test_state_sectors_by_cameo_code(dictionary, cameo, text, found):
    actor = resolve_in(prepare(text, dictionary), dictionary, cameo)
    assert [m.text for m in actor.mentions] == [found]


def _copy_actors(tmp_path: Path) -> Path:
    target = tmp_path / "actors"
    shutil.copytree(DEFAULT_ACTORS_DIR, target)
    return target


@pytest.mark.parametrize("entry, message", [
    ({"ISR": {"name": "x", "names": ["x"], "source": "s"}}, "code already used by state 'Israel'"),
    ({"bad code": {"name": "x", "names": ["x"], "source": "s"}}, "2-12 upper-case letters"),
    ({"NEWGRP": {"name": "x", "names": ["Newgroup"]}}, "needs 'names'"),
    ({"NEWGRP": {"name": "x", "names": ["Newgroup"], "source": "s", "states": ["XXQ"]}}, "unknown state code 'XXQ'"),
])
def test_bad_group_entries_are_refused_with_the_file_and_code(tmp_path, entry, message):
    folder = _copy_actors(tmp_path)
    (folder / "groups.json").write_text(json.dumps({"groups": entry}), encoding="utf-8")
    with pytest.raises(ValueError, match="groups.json: group") as err:
        ActorDictionary(folder)
    assert message in str(err.value)


def test_a_folder_without_groups_still_loads(tmp_path):
    folder = _copy_actors(tmp_path)
    (folder / "groups.json").unlink()
    d = ActorDictionary(folder, field_dir=None)
    assert d.groups == {} and d.resolve("Hamas") is None
    # with the Phoenix dictionaries merged, Hamas comes from them (a group of their own code)
    assert ActorDictionary(folder).resolve("Hamas").kind == "group"


def test_a_generic_cameo_code_finds_the_groups_coded_with_it(dictionary):
    doc = prepare("Hezbollah fired on Israeli positions, and Lebanese rebels joined in.", dictionary)
    actor = resolve_in(doc, dictionary, "LBNREB")
    assert [m.text for m in actor.mentions] == ["Hezbollah", "Lebanese rebels"]
    assert [m.text for m in resolve_in(doc, dictionary, "ISRMIL").mentions] == ["Israeli"]

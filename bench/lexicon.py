"""Verb and phrase lexicon of the dictionary coder, organised by CAMEO root code (01-20).

Each pattern is a lemma or a phrase of words; the first word of a pattern is matched in any inflection
(see :func:`inflections`), the rest literally, with short fillers ("a", "the", "new" ...) skipped. The
lexicon is written for this project in the spirit of the TABARI/PETRARCH verb dictionaries; it is far
smaller than theirs and codes only the root.
"""

from __future__ import annotations

__all__ = ["IRREGULAR", "LEXICON", "RECIPROCAL", "ROOT_LABEL", "inflections", "root_label"]

LEXICON: dict[str, tuple[str, ...]] = {
    # --- neutral: public statements and appeals ---------------------------------------------------
    "01": ("say", "state", "announce", "declare", "comment", "note", "tell", "add", "report", "remark",
           "assert", "acknowledge", "mention", "explain", "predict", "describe", "claim", "insist",
           "reiterate", "confirm", "respond", "reply", "write", "speak", "brief", "signal", "suggest",
           "statement", "remarks", "consider", "expect", "believe", "think"),
    "02": ("urge", "appeal", "call on", "call for", "call upon", "ask", "request", "plead", "implore",
           "press", "encourage", "beg", "petition", "lobby", "seek", "appeal to", "exhort"),
    # --- support: cooperation, aid, yielding ----------------------------------------------------------
    "03": ("pledge", "promise", "vow support", "offer", "commit", "agree to", "intend", "plan to help",
           "propose", "express willingness", "pledge support", "offer help", "offer aid", "hope to work"),
    "04": ("meet", "meet with", "visit", "host", "receive", "consult", "discuss", "talk with",
           "hold talks", "negotiate", "negotiate with", "confer", "mediate", "phone", "call",
           "talks with", "summit with", "engage with", "invite", "dialogue with", "sit down with"),
    "05": ("praise", "commend", "hail", "applaud", "endorse", "back", "support", "defend", "recognise",
           "recognize", "thank", "congratulate", "welcome", "apologise", "apologize", "forgive",
           "sign", "ally", "side with", "stand by", "stand with", "agree with", "approve", "laud",
           "salute", "honour", "honor", "champion", "embrace", "vouch for", "credit", "reassure",
           "befriend", "reconcile", "reconcile with", "normalise", "normalize", "restore ties",
           "restore relations", "restore diplomatic", "admire", "compliment", "bolster", "uphold",
           "strengthen ties", "deepen ties", "deepen", "strengthen", "improve ties", "improve relations",
           "support for", "backing", "endorsement", "praise for", "solidarity with", "friendship",
           "alliance", "treaty", "pact", "accord", "agreement", "rapprochement", "sympathize",
           "sympathise", "condole", "express condolences", "stand behind", "rally behind", "favor",
           "favour", "love", "trust", "respect", "protect"),
    "06": ("cooperate", "cooperate with", "collaborate", "partner", "partner with", "team up",
           "work with", "coordinate", "coordinate with", "share intelligence", "trade with",
           "exchange", "train", "joint exercise", "joint exercises", "cooperation", "collaboration",
           "partnership", "integrate", "join forces", "invest in", "buy from", "export to", "import from"),
    "07": ("aid", "help", "assist", "supply", "provide", "donate", "fund", "finance", "arm", "loan",
           "lend", "grant", "give", "send aid", "send troops to help", "deliver", "rescue", "shelter",
           "bail out", "subsidise", "subsidize", "equip", "aid to", "assistance", "donation", "relief",
           "bailout", "funding", "support with", "airlift", "evacuate", "contribute"),
    "08": ("ease", "lift", "release", "free", "concede", "accede", "comply", "comply with", "surrender",
           "yield", "retreat", "allow", "permit", "accept", "pardon", "cede", "relax", "unfreeze",
           "pull out", "back down", "back off", "give in", "bow to", "withdraw troops", "ceasefire",
           "cease fire", "demobilise", "demobilize", "disarm", "return", "hand over", "lift sanctions",
           "ease sanctions", "drop", "waive", "relent", "capitulate", "de-escalate", "release of"),
    # --- oppose: verbal and material conflict ---------------------------------------------------------
    "09": ("investigate", "probe", "inspect", "examine", "scrutinise", "scrutinize", "audit",
           "look into", "inquiry into", "investigation", "investigation into", "probe into", "query"),
    "10": ("demand", "demand that", "insist that", "require", "ultimatum", "order", "demands"),
    "11": ("criticise", "criticize", "condemn", "denounce", "accuse", "blame", "rebuke", "slam", "blast",
           "decry", "deplore", "censure", "chastise", "castigate", "lambast", "lambaste", "complain",
           "allege", "charge", "sue", "fault", "scold", "reprimand", "mock", "ridicule", "disparage",
           "slander", "assail", "berate", "lash out", "hit out", "criticism", "condemnation",
           "accusation", "accusations", "denunciation", "question", "disapprove", "scorn",
           "vilify", "smear", "insult", "deride", "admonish", "chide", "excoriate", "malign", "indict",
           "impeach", "complaint", "complaint against", "lawsuit", "hostility", "hostile", "distrust",
           "mistrust", "dislike", "hate", "call out", "take aim", "skewer", "pillory", "knock", "bash"),
    "12": ("reject", "refuse", "rebuff", "dismiss", "deny", "veto", "spurn", "snub", "oppose", "resist",
           "defy", "disagree", "disagree with", "dispute", "contest", "turn down", "rule out",
           "repudiate", "renounce", "disavow", "withdraw support", "rejection", "opposition",
           "opposition to", "object", "object to", "block", "obstruct", "stonewall", "overrule",
           "override", "counter", "challenge", "break with", "break ranks", "rebel against", "defiance"),
    "13": ("threaten", "warn", "menace", "intimidate", "threat", "threats", "warning", "vow revenge",
           "vow retaliation", "threaten to", "bully", "blackmail", "coerce with", "ultimatum to"),
    "14": ("protest", "protest against", "demonstrate", "demonstrate against", "rally against",
           "march against", "picket", "strike against", "protests", "protesters", "boycott"),
    "15": ("mobilise", "mobilize", "deploy", "mass troops", "alert", "militarise", "militarize",
           "build up", "troop buildup", "buildup", "fortify", "show of force", "muster"),
    "16": ("sanction", "sanctions", "expel", "suspend", "cut ties", "cut off", "sever", "sever ties",
           "recall", "halt", "freeze", "embargo", "downgrade", "break off", "ban", "restrict",
           "withdraw from", "cancel", "isolate", "blacklist", "impose sanctions", "sanctions on",
           "sanctions against", "expulsion", "tariffs on", "tariff", "tariffs", "impose tariffs",
           "suspend aid", "cut aid", "curb", "shun", "exclude", "kick out", "oust", "fire", "sack",
           "dismissal", "bar", "close embassy", "withhold"),
    "17": ("arrest", "detain", "seize", "confiscate", "jail", "imprison", "deport", "blockade",
           "pressure", "pressure on", "coerce", "impose", "punish", "prosecute", "torture", "kidnap",
           "abduct", "crack down", "crackdown", "censor", "raid", "hack", "spy on", "expropriate",
           "nationalise", "nationalize", "retaliate", "retaliate against", "retaliation", "extradite",
           "hold hostage", "sentence", "convict", "harass", "persecute", "repress", "suppress",
           "interfere", "meddle", "meddling", "interference", "hijack", "capture", "annex", "annexation"),
    "18": ("assault", "kill", "assassinate", "shoot", "stab", "injure", "wound", "beat", "bomb",
           "suicide bomb", "car bomb", "murder", "behead", "execute", "ambush", "assassination",
           "attack against", "bombing", "lynch", "hurt"),
    "19": ("attack", "fight", "invade", "occupy", "shell", "bombard", "strike", "airstrike",
           "airstrikes", "clash", "clash with", "battle", "fire on", "open fire", "fire at",
           "shoot down", "launch strikes", "launch attack", "offensive", "invasion", "war", "war on",
           "war against", "war with", "besiege", "siege", "destroy", "shelling", "bombardment",
           "incursion", "strike on", "strikes on", "attacks on", "assault on", "target", "hit",
           "overrun", "storm", "conquer", "fight against", "combat", "raid on", "missile",
           "drone strike", "skirmish", "rout", "defeat", "conflict with", "aggression"),
    "20": ("massacre", "slaughter", "exterminate", "genocide", "ethnic cleansing", "nuke", "annihilate",
           "obliterate", "wipe out", "decimate", "carpet bomb", "raze", "mass killing", "atrocities"),
}

RECIPROCAL: frozenset[str] = frozenset({
    "meet", "hold talks", "negotiate", "discuss", "talks with", "sign", "agreement", "pact", "treaty",
    "accord", "alliance", "ally", "cooperate", "collaborate", "partner", "partnership", "cooperation",
    "collaboration", "exchange", "trade with", "team up", "join forces", "reconcile", "rapprochement",
    "deepen ties", "strengthen ties", "improve ties", "improve relations", "restore ties",
    "restore relations", "deepen", "joint exercise", "joint exercises", "normalise", "normalize",
    "clash", "fight", "battle", "war", "skirmish", "dispute", "conflict with", "sever ties", "cut ties",
    "break off", "friendship", "coordinate", "confer", "summit with",
})

IRREGULAR: dict[str, tuple[str, ...]] = {
    "meet": ("met",), "give": ("gave", "given"), "fight": ("fought",), "shoot": ("shot",),
    "hold": ("held",), "send": ("sent",), "lend": ("lent",), "strike": ("struck", "stricken"),
    "beat": ("beaten",), "take": ("took", "taken"), "break": ("broke", "broken"), "seek": ("sought",),
    "speak": ("spoke", "spoken"), "forgive": ("forgave", "forgiven"), "tell": ("told",),
    "say": ("said",), "think": ("thought",), "write": ("wrote", "written"), "stand": ("stood",),
    "cut": ("cut",), "hit": ("hit",), "bar": ("barred", "barring"), "ban": ("banned", "banning"),
    "kidnap": ("kidnapped", "kidnapping"), "ally": ("allied", "allies"), "wipe": ("wiped",),
    "withdraw": ("withdrew", "withdrawn"), "overrun": ("overran",), "sit": ("sat",),
    "rebel": ("rebelled", "rebelling"), "spy": ("spied", "spies"), "arm": ("armed",),
    "sentence": ("sentenced",), "shun": ("shunned", "shunning"), "sue": ("sued", "suing"),
    "free": ("freed",), "mob": ("mobbed",), "rout": ("routed",), "target": ("targeted", "targeting"),
    "label": ("labelled", "labeled"), "counter": ("countered",), "offer": ("offered", "offering"),
    "order": ("ordered",), "deliver": ("delivered",), "bomb": ("bombed", "bombing", "bombs"),
    "kill": ("killed", "killing"), "help": ("helped", "helping"), "attack": ("attacked", "attacking"),
    "veto": ("vetoed", "vetoes", "vetoing"), "storm": ("stormed",), "embargo": ("embargoed", "embargoes"),
    "dialogue with": (), "nuke": ("nuked", "nuking"), "knock": ("knocked",), "bash": ("bashed",),
}

ROOT_LABEL: dict[str, str] = {f"{i:02d}": ("neutral" if i <= 2 else "support" if i <= 8 else "oppose")
                              for i in range(1, 21)}

_VOWELS = set("aeiou")


def root_label(root: str) -> str:
    """Stance label of a CAMEO root code: 01-02 neutral, 03-08 support, 09-20 oppose."""
    return ROOT_LABEL[root]


def inflections(lemma: str) -> set[str]:
    """The lemma with its regular (and listed irregular) inflections.

    Parameters
    ----------
    lemma : str
        One lower-case word.

    Returns
    -------
    set of str
        E.g. ``condemn`` -> condemn, condemns, condemned, condemning; British and American
        spellings are separate lemmas.
    """
    w = lemma
    out = {w}
    if w in IRREGULAR:
        out.update(IRREGULAR[w])
    if w.endswith("e"):
        out |= {w + "s", w + "d", w[:-1] + "ing"}
    elif w.endswith("y") and len(w) > 2 and w[-2] not in _VOWELS:
        out |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    elif w.endswith(("s", "sh", "ch", "x", "z")):
        out |= {w + "es", w + "ed", w + "ing"}
    else:
        out |= {w + "s", w + "ed", w + "ing"}
        if (len(w) <= 4 and len(w) >= 3 and w[-1] not in _VOWELS | set("wxy")
                and w[-2] in _VOWELS and w[-3] not in _VOWELS):
            out |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return out

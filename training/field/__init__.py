"""The event-coding field's own dictionaries, read for the project.

This package holds loaders for the PETRARCH2 dictionaries copied unmodified into ``data/field/``
(Open Event Data Alliance, MIT licence; see ``data/field/CARD.md``):

- :mod:`training.field.verbs` reads the CAMEO verb dictionary (``CAMEO.2.0.txt``) into a verb lexicon:
  synonym sets, verbs with their forms (:mod:`training.field.forms` makes the regular ones), and verb
  patterns with their CAMEO event codes;
- :mod:`training.field.match` finds those verb phrases in a sentence, in one linear pass, and gives each
  its CAMEO code, root, quad class and Goldstein score (an :class:`~training.field.event.EventMatch`);
- :mod:`training.field.codes` holds the facts about CAMEO codes: root, quad class, and the Goldstein
  (1992) scores of ``data/field/goldstein.tsv``;
- :mod:`training.field.phoenix` reads the Phoenix actor dictionaries into dated rows shaped like
  ``data/actors/leaders.jsonl``, mapped to the project's bloc and group codes where the body is the
  same; :mod:`training.field.overlap` lists the rows whose names the project gives to another actor.
"""

from training.field.codes import goldstein, quad_class, root
from training.field.event import EventMatch
from training.field.match import VerbMatcher, default_matcher, find_events
from training.field.overlap import conflicts
from training.field.phoenix import PhoenixEntry, load_phoenix, parse_actor_file, phoenix_rows
from training.field.verbs import Verb, VerbLexicon, VerbPattern, load_verbs, parse_verbs

__all__ = ["EventMatch", "PhoenixEntry", "Verb", "VerbLexicon", "VerbMatcher", "VerbPattern", "conflicts",
           "default_matcher", "find_events", "goldstein", "load_phoenix", "load_verbs", "parse_actor_file",
           "parse_verbs", "phoenix_rows", "quad_class", "root"]

"""A prepared text and the actors a caller names in it.

:func:`prepare` cleans a text, splits its sentences and finds the dictionary's actors with the role of each
mention (:mod:`training.roles`); :func:`resolve_in` and :func:`resolve_pair` find the actors a request or a
labelled pair names (codes, CAMEO codes, names, spans, or literal names); :func:`with_literal_actors` adds
the literal actors of annotations. :mod:`training.examples` builds the examples from a :class:`Document`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from training import cameo, roles
from training.actors import ActorDictionary, Mention, normalise_name, without_overlaps
from training.sentences import Sentence, split_sentences
from training.text import clean_text

__all__ = ["Document", "ResolvedActor", "prepare", "resolve_in", "resolve_pair", "with_literal_actors"]


@dataclass
class Document:
    """A cleaned text with its sentences and dictionary actor mentions.

    Attributes
    ----------
    doc_id : str
    text : str
        The cleaned text; every offset refers to it.
    date : datetime.date or None
    sentences : list of Sentence
    mentions : list of Mention
        Dictionary mentions over the whole text, in order, each with its role (:mod:`training.roles`).
    """

    doc_id: str
    text: str
    date: dt.date | None
    sentences: list[Sentence]
    mentions: list[Mention]
    _by_sentence: list[list[Mention]] = field(default_factory=list, repr=False)
    _by_code: dict[str, list[Mention]] | None = field(default=None, repr=False)

    def sentence_mentions(self, i: int) -> list[Mention]:
        """Acting dictionary mentions (role ``"actor"``) inside sentence ``i``."""
        return self._by_sentence[i]

    def mentions_of(self, code: str) -> list[Mention]:
        """Dictionary mentions of the actor ``code``, in order (an index built once per document)."""
        if self._by_code is None:
            self._by_code = {}
            for m in self.mentions:
                self._by_code.setdefault(m.code, []).append(m)
        return self._by_code.get(code, [])


@dataclass
class ResolvedActor:
    """A requested actor as resolved against the dictionary and found in a document.

    Attributes
    ----------
    query : str
        The name or code asked for, trimmed.
    code, name : str
        Dictionary code and display name, or the literal name itself.
    kind : {"state", "bloc", "group", "literal"}
    mentions : list of Mention
        Where it occurs in the cleaned text (empty when not found), each with its role; only mentions of
        role ``"actor"`` make examples.
    """

    query: str
    code: str
    name: str
    kind: str
    mentions: list[Mention]


def prepare(text: str, dictionary: ActorDictionary, *, doc_id: str = "", date: dt.date | None = None) -> Document:
    """Clean, split and find dictionary actors in a text, with the role of each mention.

    Mentions that are not the actor acting (a venue, part of a name, a team, a nationality: see
    :mod:`training.roles`) stay in ``Document.mentions`` but not in :meth:`Document.sentence_mentions`,
    so no candidate example has them as source, target or other actor: they are read as plain words.

    Parameters
    ----------
    text : str
        Raw article or sentence text (HTML allowed).
    dictionary : ActorDictionary
    doc_id : str, default=""
    date : datetime.date, optional
        For leaders' terms; today when omitted.

    Returns
    -------
    Document
    """
    cleaned = clean_text(text)
    sentences = split_sentences(cleaned)
    mentions = roles.assign_roles(cleaned, sentences, dictionary.find(cleaned, date=date), dictionary)
    return Document(doc_id, cleaned, date, sentences, mentions, _by_sentence(sentences, mentions))


def _by_sentence(sentences: list[Sentence], mentions: list[Mention]) -> list[list[Mention]]:
    """The acting mentions (role ``"actor"``, in text order) inside each sentence, in one pass over both."""
    by_sentence: list[list[Mention]] = [[] for _ in sentences]
    for i, m in _in_sentences(sentences, [m for m in mentions if m.role == "actor"]):
        by_sentence[i].append(m)
    return by_sentence


_NOT_SURNAME = frozenset("party group union league front movement council company corp inc ltd bank fund ministry "
                         "court army police agency institute university foundation association club times post "
                         "news network committee commission authority board federation alliance".split())


def _name_forms(name: str) -> list[str]:
    """The name, and for a person's name of two or three capitalised words its last word too."""
    words = name.split()
    if 2 <= len(words) <= 3 and all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words) \
            and words[-1].lower() not in _NOT_SURNAME and len(words[-1]) > 2:
        return [name, words[-1]]
    return [name]


def with_literal_actors(doc: Document, dictionary: ActorDictionary, names: set[str]) -> Document:
    """``doc`` with literal actors added: every occurrence of each name becomes a mention coded by the name.

    Used for training on annotations that name actors the dictionary does not know (people, parties,
    companies): within their article, they are actors like any other, so their unannotated pairs are
    ``neutral`` examples too. A person's name ("Ann Kowal") is also found by its last word ("Kowal"), as
    news copy refers to people after their first mention (unless two of the names share it). Where a
    literal occurrence overlaps a dictionary mention, the longer wins (a dictionary mention wins a tie).

    Parameters
    ----------
    doc : Document
    dictionary : ActorDictionary
    names : set of str
        Names as written in the annotations (trimmed); each mention's code is the name.

    Returns
    -------
    Document
    """
    forms = {name: _name_forms(name) for name in sorted(names)}
    shared = {f for fs in forms.values() for f in fs[1:] if sum(f in gs[1:] for gs in forms.values()) > 1}
    extra = [m._replace(code=name, role="actor") for name, fs in forms.items()
             for form in fs if form not in shared for m in dictionary.find_literal(doc.text, form)]
    if not extra:
        return doc
    merged, last_end = [], -1
    for m in sorted(doc.mentions + extra, key=lambda m: (m.start, -(m.end - m.start))):
        if m.start >= last_end:
            merged.append(m)
            last_end = m.end
    return Document(doc.doc_id, doc.text, doc.date, doc.sentences, merged, _by_sentence(doc.sentences, merged))


def _in_sentences(sentences: list[Sentence], mentions: list[Mention]):
    """``(i, mention)`` for each mention that lies inside sentence ``i``, in one merge of the two lists.

    ``mentions`` in order of ``start``; a mention that crosses a sentence boundary lies in none.
    """
    k, n = 0, len(sentences)
    for m in mentions:
        while k < n and sentences[k].end <= m.start:
            k += 1
        if k == n:
            return
        if sentences[k].start <= m.start and m.end <= sentences[k].end:
            yield k, m


def resolve_in(doc: Document, dictionary: ActorDictionary, name: str, span: str | None = None) -> ResolvedActor:
    """Resolve a requested actor and find its mentions in ``doc``.

    The name is looked up in the dictionary (codes, CAMEO codes, names, demonyms, metonyms, leaders in
    office at ``doc.date``); its dictionary mentions are used, plus literal occurrences of ``span``
    when given. A name not in the dictionary is matched literally.

    Parameters
    ----------
    doc : Document
    dictionary : ActorDictionary
    name : str
        Trimmed before use.
    span : str, optional
        The mention as written in the text (labelled-pair ``source_span``/``target_span``).

    Returns
    -------
    ResolvedActor
    """
    query = name.strip()
    parts = cameo.cameo_parts(dictionary, query)
    if parts is not None:
        name, kind, mentions = cameo.resolve_cameo(doc.text, doc.mentions, dictionary, query, *parts)
        return ResolvedActor(query, query, name, kind, mentions)
    actor = dictionary.resolve(query, date=doc.date) or dictionary.resolve(query)
    literal: list[Mention] = []
    if span and span.strip():
        literal = dictionary.find_literal(doc.text, span)
    if actor is None:
        if not literal:
            literal = dictionary.find_literal(doc.text, query)
        return ResolvedActor(query, query, query, "literal",
                             [Mention(query, m.start, m.end, m.text, m.via) for m in literal])
    found = doc.mentions_of(actor.code)
    if literal:  # a mention the caller names by its span is the actor acting, whatever its role
        apart = set(map(id, without_overlaps(found, literal)))
        found = [m if id(m) in apart else m._replace(role="actor") for m in found]
    extra = [Mention(actor.code, m.start, m.end, m.text, m.via) for m in without_overlaps(literal, found)]
    return ResolvedActor(query, actor.code, actor.name, actor.kind, sorted(found + extra, key=lambda m: m.start))


def resolve_pair(doc: Document, dictionary: ActorDictionary, source: str, target: str,
                 source_span: str | None = None, target_span: str | None = None) -> tuple[ResolvedActor, ResolvedActor]:
    """Resolve a requested source and target in ``doc`` (see :func:`resolve_in`).

    When both resolve to one dictionary actor but the caller named two different mentions
    (``source_span`` and ``target_span``, as labelled-pair files do: "Trump" and "U.S."), each is
    matched literally by its span instead, so the two stay distinct.

    Returns
    -------
    (ResolvedActor, ResolvedActor)
    """
    src = resolve_in(doc, dictionary, source, source_span)
    tgt = resolve_in(doc, dictionary, target, target_span)
    if (src.code == tgt.code and source_span and target_span
            and normalise_name(source_span) != normalise_name(target_span)):
        src, tgt = (ResolvedActor(name.strip(), name.strip(), name.strip(), "literal",
                                  [Mention(name.strip(), m.start, m.end, m.text, m.via)
                                   for m in dictionary.find_literal(doc.text, span)])
                    for name, span in ((source, source_span), (target, target_span)))
    return src, tgt

"""Translation of the library's results into response models (no logic of its own)."""

from __future__ import annotations

from serving.schemas import (
    ActorInfo,
    ActorOut,
    ContributionOut,
    EventOut,
    EvidenceOut,
    ExplanationOut,
    MentionOut,
    ModelInfo,
    PairStanceOut,
    Probabilities,
)
from training.actors import Actor
from training.document import ResolvedActor
from training.explain import SentenceExplanation
from training.predict import PairStance

__all__ = ["actor_info", "actor_out", "explanation_out", "model_info", "pair_out"]


def actor_out(actor: ResolvedActor) -> ActorOut:
    return ActorOut(query=actor.query, code=actor.code, name=actor.name, kind=actor.kind,
                    mentions=[MentionOut(text=m.text, start=m.start, end=m.end, via=m.via, role=m.role)
                              for m in actor.mentions])


def pair_out(pair: PairStance) -> PairStanceOut:
    """The response shape of one :class:`~training.predict.PairStance`."""
    return PairStanceOut(
        source=actor_out(pair.source), target=actor_out(pair.target), stance=pair.stance,
        probabilities=Probabilities(**pair.probabilities) if pair.probabilities else None,
        evidence=[EvidenceOut(sentence_index=e.sentence_index, text=e.text, start=e.start, end=e.end,
                              stance=e.stance, probabilities=Probabilities(**e.probabilities),
                              event=EventOut(**e.event.as_dict()) if e.event else None,
                              explanation=explanation_out(e.explanation))
                  for e in pair.evidence],
        reason=pair.reason, language=pair.language)


def explanation_out(expl: SentenceExplanation | None) -> ExplanationOut | None:
    """The response shape of a :class:`~training.explain.SentenceExplanation` (None stays None)."""
    if expl is None:
        return None

    def contributions(cs):
        return [ContributionOut(view=c.view, feature=c.feature, value=c.value, weight=c.weight, spans=c.spans)
                for c in cs]

    return ExplanationOut(label=expl.label, versus=expl.versus, logit=expl.logit, intercept=expl.intercept,
                          toward=contributions(expl.toward), against=contributions(expl.against),
                          n_features=expl.n_features)


def actor_info(actor: Actor) -> ActorInfo:
    return ActorInfo(code=actor.code, name=actor.name, kind=actor.kind, source=actor.source)


def model_info(metadata: dict) -> ModelInfo:
    """The metadata without ``heldout_doc_ids`` (thousands of ids) and without the server's folders."""
    meta = {k: v for k, v in metadata.items() if k != "heldout_doc_ids"}
    if isinstance(meta.get("inputs"), list):
        meta["inputs"] = [{**i, "path": str(i.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1]}
                          if isinstance(i, dict) else i for i in meta["inputs"]]
    return ModelInfo(**meta)

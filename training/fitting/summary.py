"""Texts of the training summary: annotations that matched nothing, small held-out parts, and what the
figures mean."""

from __future__ import annotations

from collections import Counter

__all__ = ["inputs_text", "conflicts_text", "unmatched_text",
           "strict_message", "small_heldout_warnings", "explain", "MIN_HELDOUT_EXAMPLES",
           "MIN_HELDOUT_ARTICLES"]

MIN_HELDOUT_EXAMPLES = 30
MIN_HELDOUT_ARTICLES = 10
SHOWN = 20


def _by_reason(unmatched: list[dict]) -> str:
    return ", ".join(f"{reason} {n}" for reason, n in Counter(u["reason"] for u in unmatched).most_common())


def inputs_text(inputs: dict) -> str:
    """Lines for the summary: per annotation file, its complete and partial articles, the examples its rows
    label, and the pairs taken as ``neutral`` because it marks their article complete.

    Returns
    -------
    str
        Empty when no annotation file was read; otherwise ends with a newline.
    """
    if not inputs:
        return ""
    lines = ["annotations (complete: every pair not labelled is neutral; partial: only the pairs labelled train):"]
    for name, c in inputs.items():
        lines.append(f"   {name}: {c['labelled']} labelled examples, {c['neutral_by_completeness']} taken as neutral "
                     f"by completeness ({c['complete_articles']} complete, {c['partial_articles']} partial articles)")
    return "\n".join(lines) + "\n"


def conflicts_text(conflicts: list[dict]) -> str:
    """Warning lines for examples labelled differently by two annotations (the later label is used).

    Returns
    -------
    str
        Empty when there is no conflict; otherwise ends with a newline.
    """
    if not conflicts:
        return ""
    lines = [f"warning: {len(conflicts)} conflicting labels in the annotations; the later one of each is used:"]
    lines += [f"   {c['message']}" for c in conflicts[:SHOWN]]
    if len(conflicts) > SHOWN:
        lines.append(f"   ... and {len(conflicts) - SHOWN} more (all in the model's metadata, data.conflicts)")
    return "\n".join(lines) + "\n"


def unmatched_text(unmatched: list[dict]) -> str:
    """Lines for the summary: how many annotations matched nothing, by reason, and the first messages.

    Returns
    -------
    str
        Empty when every annotation matched; otherwise ends with a newline.
    """
    if not unmatched:
        return ""
    lines = [f"{len(unmatched)} annotations matched nothing ({_by_reason(unmatched)}); they are not used "
             "(--strict makes this an error):"]
    lines += [f"   {u['message']}" for u in unmatched[:SHOWN]]
    if len(unmatched) > SHOWN:
        lines.append(f"   ... and {len(unmatched) - SHOWN} more (all in the model's metadata, data.unmatched)")
    return "\n".join(lines) + "\n"


def strict_message(unmatched: list[dict]) -> str:
    """The error of ``--strict``: every message (at most 200), one a line."""
    head = f"--strict: {len(unmatched)} annotations matched nothing ({_by_reason(unmatched)}):"
    body = [u["message"] for u in unmatched[:200]]
    if len(unmatched) > 200:
        body.append(f"... and {len(unmatched) - 200} more")
    return "\n".join([head, *body])


def small_heldout_warnings(n_examples: int, n_articles: int) -> list[str]:
    """A warning when the held-out part is too small for its figures to mean much."""
    if n_examples >= MIN_HELDOUT_EXAMPLES and n_articles >= MIN_HELDOUT_ARTICLES:
        return []
    return [f"the held-out part is small ({n_examples} examples from {n_articles} articles; at least "
            f"{MIN_HELDOUT_EXAMPLES} examples from {MIN_HELDOUT_ARTICLES} articles are needed for its figures to "
            "mean much): use --test-size 0 for a cross-validated estimate over every article, or label more"]


def explain(n_counts: str) -> str:
    """What ``n`` counts and what ECE is, for the lines under the figures."""
    return (f"   n counts {n_counts}.\n"
            "   macro-F1: the mean of the per-label F1 scores (0 to 1, higher is better).\n"
            "   ECE, expected calibration error: how far the stated confidence is from the observed accuracy; "
            "0 is perfect.")

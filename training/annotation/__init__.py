"""Annotation: labelling the dyads of your own news that teach the model most.

``python -m training.annotate`` proposes the most uncertain directed pairs of actors in your articles,
shows them one at a time and appends each answer to an annotation file that ``python -m training.fit
--annotations`` reads; proposals can also be exported to a file, labelled elsewhere and imported.

Modules
-------
annotate
    The labelling session and the annotate command.
select
    Which dyads to label next: uncertainty sampling spread over articles and actor pairs.
annofile
    The annotation file (durable appends, corrections that replace, undo, repair) and the skips beside it.
skips
    The pairs skipped, remembered between runs.
proposals
    Proposal files for labelling in another tool (export, import).
"""

from training.annotation.annofile import FIELDS, annotation_row, append_row, import_rows, label_row, remove_last
from training.annotation.annotate import GUIDELINE, label_loop
from training.annotation.proposals import EXPORT_COLUMNS, read_labelled_proposals, write_proposals
from training.annotation.select import STRATEGIES, Proposal, candidate_key, propose, select, uncertainty

__all__ = ["GUIDELINE", "label_loop", "STRATEGIES", "Proposal", "propose", "select", "uncertainty", "candidate_key",
           "FIELDS", "EXPORT_COLUMNS", "annotation_row", "append_row", "label_row", "remove_last", "write_proposals",
           "read_labelled_proposals", "import_rows"]

"""Fitting: labelled data -> a trained, evaluated stance model.

``python -m training.fit`` assembles the training data (articles with annotations, labelled-pair files),
holds out whole articles, chooses hyper-parameters by grouped cross-validation, fits, reports held-out
figures and saves the model (:mod:`training.model`); ``python -m training.evaluate`` scores a saved model
on labelled-pair files with the service's rule (:mod:`training.predict`).

Modules
-------
fit
    The fit command: split, grid search, temperature, final fit, summary, save.
trainset
    Which inputs a run reads, and their examples as a cached ``datasets.Dataset``.
dataset
    Labelled examples from annotated articles and labelled-pair files.
crossval
    Grouped folds, grid search, out-of-fold scores and temperature scaling.
evaluate
    Metrics (macro-F1, calibration), the terminal table, and the evaluate command.
summary
    The texts of the training summary.
"""

from training.fitting.crossval import check_labels, choose_folds, grouped_folds, grouped_split
from training.fitting.dataset import BuildReport, examples_from_articles, examples_from_pairs, label_counts, to_dataset
from training.fitting.evaluate import evaluate_rows, expected_calibration_error, format_table, metrics, summarise
from training.fitting.trainset import DEFAULT_ANNOTATIONS, DEFAULT_ARTICLES, build_dataset, input_records

__all__ = ["check_labels", "choose_folds", "grouped_folds", "grouped_split", "BuildReport", "examples_from_articles",
           "examples_from_pairs", "label_counts", "to_dataset", "evaluate_rows", "expected_calibration_error",
           "format_table", "metrics", "summarise", "DEFAULT_ARTICLES", "DEFAULT_ANNOTATIONS", "build_dataset",
           "input_records"]

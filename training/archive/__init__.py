"""Archive coding: a news archive -> a dyad table -> time series and figures.

``python -m training.predict --articles PATH --out dyads.parquet`` codes an archive on the service's own
path (:mod:`training.predict`'s rule, the same model and dictionary), partition by partition, in this
process, in local processes or on a Dask cluster; ``python -m training.series`` turns the table into
series per period and a source x target matrix.

Modules
-------
job
    :func:`run` and the archive command: partitions, resuming, the final table.
coding
    One partition of articles -> rows (:class:`Coder`, :func:`code_partition`).
execution
    The run's summary, progress bar and engines (inline, local processes, Dask).
tables
    The dyad table on disk: its schemas and columns, writing it as Parquet / CSV / JSONL, reading it back.
parts
    Atomic files, and the finished parts of a run that a restarted run reuses.
series
    A dyad's counts and net stance per period, the stance matrix, and the series command.
plots
    The series and matrix figures.
"""

from training.archive.coding import Coder, CodingConfig, code_partition
from training.archive.execution import ArchiveError, Summary
from training.archive.job import run
from training.archive.plots import FREQS, plot_matrix, plot_series
from training.archive.series import SERIES_COLUMNS, dyad_series, net_interval, stance_matrix
from training.archive.tables import (
    SENTENCE_SCHEMA,
    TABLE_COLUMNS,
    TABLE_SCHEMA,
    read_table,
    table_metadata,
    write_table,
)

__all__ = ["run", "table_metadata",
           "ArchiveError", "Summary", "Coder", "CodingConfig", "code_partition", "TABLE_SCHEMA",
           "SENTENCE_SCHEMA", "write_table", "TABLE_COLUMNS", "SERIES_COLUMNS", "FREQS", "read_table", "dyad_series",
           "stance_matrix", "net_interval", "plot_series", "plot_matrix"]

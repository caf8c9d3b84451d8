"""JSON over a coded archive: the dyad table named by ``GEOSTANCE_TABLE_PATH`` (see :mod:`training.archive.series`).

The table is read once, and again only when its file changes (size or modification time), under a lock.
Routes: ``GET /v1/archive`` (what the table holds), ``/v1/archive/matrix`` (net stance, source x target)
and ``/v1/archive/series`` (one dyad per period, at most ``GEOSTANCE_MAX_PERIODS`` of them). Each runs in a
worker slot under the request's time budget, as the prediction routes do. Without a table, or with an
unreadable one, they answer 503 with the reason (the file's name only, never the server's folders).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from serving.guard import run_bounded
from serving.schemas import Date, ErrorOut, ValidationErrorOut
from training.archive.series import FREQS, dyad_series, read_table, stance_matrix
from training.articles import DataError

__all__ = ["router", "TableUnavailable", "MAX_TOP", "MAX_ACTORS"]

MAX_TOP = 40
MAX_ACTORS = 300
_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], pd.DataFrame]] = {}


class TableUnavailable(Exception):
    """No dyad table is configured, or it cannot be read; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _table(request: Request) -> pd.DataFrame:
    path = getattr(request.app.state.settings, "table_path", None)
    if path is None:
        raise TableUnavailable("no dyad table is configured: start the service with GEOSTANCE_TABLE_PATH set to "
                               "the output of `python -m training.predict --articles ... --out TABLE`")
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        raise TableUnavailable(f"dyad table {path.name} does not exist") from None
    key = (stat.st_size, stat.st_mtime_ns)
    with _lock:
        cached = _cache.get(str(path))
        if cached and cached[0] == key:
            return cached[1]
        try:
            table = read_table(path)
        except DataError as exc:
            raise TableUnavailable(str(exc).replace(str(path), path.name)) from None
        _cache[str(path)] = (key, table)
        return table


async def _unavailable(request: Request, exc: TableUnavailable) -> JSONResponse:
    return JSONResponse({"detail": "the dyad table is unavailable", "reason": exc.reason}, status_code=503)


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)


def _day(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _sides(table: pd.DataFrame) -> list[pd.DataFrame]:
    """The table's source and its target actors, each as columns ``code``, ``name``, ``kind`` (one row per
    table row)."""
    return [table[[side, f"{side}_name", f"{side}_kind"]].set_axis(["code", "name", "kind"], axis=1)
            for side in ("source", "target")]


class ArchiveActor(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{"code": "RUS", "name": "Russia", "kind": "state", "n": 1042}]}}

    code: str
    name: str
    kind: str
    n: int = Field(description="Rows (article x pair) in which the actor is source or target.")


class ArchiveInfo(BaseModel):
    """What the dyad table holds."""

    model_config = {"json_schema_extra": {"examples": [
        {"table": "dyads.parquet",
         "n_rows": 1500,
         "n_articles": 1210,
         "start": "2022-01-03",
         "end": "2022-12-28",
         "actors": [{"code": "RUS", "name": "Russia", "kind": "state", "n": 1042}]}]}}

    table: str = Field(description="The table's file name.")
    n_rows: int
    n_articles: int
    start: str | None = Field(description="First dated article, YYYY-MM-DD.")
    end: str | None
    actors: list[ArchiveActor] = Field(description=f"The most frequent actors first, at most {MAX_ACTORS}.")


class MatrixOut(BaseModel):
    """Net stance ``(support - oppose) / n`` of each source (row) toward each target (column)."""

    model_config = {"json_schema_extra": {"examples": [
        {"actors": ["RUS", "CHN"],
         "names": {"RUS": "Russia", "CHN": "China"},
         "net": [[None, 0.59], [0.61, None]],
         "n": [[0, 81], [0, 81]],
         "start": "2022-01-01",
         "end": "2022-12-31"}]}}

    actors: list[str] = Field(description="Codes, most frequent first: the rows and the columns.")
    names: dict[str, str]
    net: list[list[float | None]] = Field(description="net[i][j]: source actors[i] toward target actors[j]; "
                                                      "null where the pair never occurs.")
    n: list[list[int]] = Field(description="Articles behind each cell.")
    start: Date = None
    end: Date = None


class PeriodOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [
        {"period": "2022-09",
         "start": "2022-09-01",
         "n_support": 12,
         "n_oppose": 1,
         "n_neutral": 3,
         "n": 16,
         "net": 0.6875,
         "net_low": 0.37,
         "net_high": 0.89}]}}

    period: str = Field(description="The period as pandas writes it: 2022-09-13, 2022-09-12/2022-09-18, 2022-09, 2022.")
    start: str = Field(description="Its first day, YYYY-MM-DD.")
    n_support: int
    n_oppose: int
    n_neutral: int
    n: int
    net: float | None
    net_low: float | None = Field(description="95% interval of net (adjusted Wald, see training.series).")
    net_high: float | None


class SeriesOut(BaseModel):
    """Articles per period in which ``source``'s stance toward ``target`` was each label."""

    model_config = {"json_schema_extra": {"examples": [
        {"source": "CHN",
         "target": "RUS",
         "source_name": "China",
         "target_name": "Russia",
         "freq": "M",
         "periods": [{"period": "2022-09",
                      "start": "2022-09-01",
                      "n_support": 12,
                      "n_oppose": 1,
                      "n_neutral": 3,
                      "n": 16,
                      "net": 0.6875,
                      "net_low": 0.37,
                      "net_high": 0.89}]}]}}

    source: str
    target: str
    source_name: str
    target_name: str
    freq: Literal[tuple(FREQS)]  # type: ignore[valid-type]
    periods: list[PeriodOut] = Field(description="From the dyad's first to its last dated article; empty when none.")


_ERRORS = {422: {"model": ValidationErrorOut, "description": "Invalid query"},
           503: {"model": ErrorOut, "description": "No dyad table configured, or it cannot be read"}}
router = APIRouter(prefix="/v1/archive", tags=["archive"], responses=_ERRORS)


@router.get("", response_model=ArchiveInfo)
async def info(request: Request) -> ArchiveInfo:
    """The dyad table's size, date range and most frequent actors."""
    return await run_bounded(request, lambda budget: _info(request))


def _info(request: Request) -> ArchiveInfo:
    table = _table(request)
    actors = []
    if len(table):
        sides = pd.concat(_sides(table))
        counts = sides["code"].value_counts()
        first = sides.drop_duplicates("code").set_index("code")
        actors = [ArchiveActor(code=str(c), name=str(first.at[c, "name"]), kind=str(first.at[c, "kind"]), n=int(k))
                  for c, k in counts.head(MAX_ACTORS).items()]
    dates = table["date"].dropna()
    return ArchiveInfo(table=Path(request.app.state.settings.table_path).name, n_rows=len(table),
                       n_articles=int(table["doc_id"].nunique()), start=_day(dates.min()) if len(dates) else None,
                       end=_day(dates.max()) if len(dates) else None, actors=actors)


@router.get("/matrix", response_model=MatrixOut)
async def matrix(request: Request, top: Annotated[int, Query(ge=1, le=MAX_TOP, description="Actors kept.")] = 15,
           start: Annotated[Date, Query(description="First day, YYYY-MM-DD (inclusive).")] = None,
           end: Annotated[Date, Query(description="Last day, YYYY-MM-DD (inclusive).")] = None) -> MatrixOut:
    """Net stance among the most frequent actors of a date window."""
    return await run_bounded(request, lambda budget: _matrix(request, top, start, end))


def _matrix(request: Request, top: int, start, end) -> MatrixOut:
    m = stance_matrix(_table(request), top=top, start=start, end=end)
    counts = m.attrs["n"]
    return MatrixOut(actors=[str(a) for a in m.index], names={str(k): str(v) for k, v in m.attrs["names"].items()},
                     net=[[_num(v) for v in row] for row in m.to_numpy()],
                     n=[[int(v) for v in row] for row in counts.to_numpy()], start=start, end=end)


@router.get("/series", response_model=SeriesOut,
            responses={413: {"model": ErrorOut, "description": "The series would span more than "
                                                                "GEOSTANCE_MAX_PERIODS periods"}})
async def series(request: Request,
           source: Annotated[str, Query(min_length=1, max_length=200, description="Code or name, any case.")],
           target: Annotated[str, Query(min_length=1, max_length=200, description="Code or name, any case.")],
           freq: Annotated[Literal[tuple(FREQS)], Query(description="D, W, M, Q or Y.")] = "M",  # type: ignore
           ) -> SeriesOut:
    """One dyad's counts and net stance per period."""
    return await run_bounded(request, lambda budget: _series(request, source, target, freq))


def _series(request: Request, source: str, target: str, freq: str) -> SeriesOut:
    table = _table(request)
    s = dyad_series(table, source, target, freq=freq, max_periods=request.app.state.settings.max_periods)
    names = {}
    for side in _sides(table):
        pairs = side[["code", "name"]].drop_duplicates().astype(str)
        for code, name in zip(pairs["code"], pairs["name"]):
            names[code.casefold()] = names[name.casefold()] = name
    periods = [PeriodOut(period=str(r.period), start=r.period.start_time.strftime("%Y-%m-%d"),
                         n_support=int(r.n_support), n_oppose=int(r.n_oppose), n_neutral=int(r.n_neutral), n=int(r.n),
                         net=_num(r.net), net_low=_num(r.net_low), net_high=_num(r.net_high))
               for r in s.itertuples(index=False)]
    return SeriesOut(source=source.strip(), target=target.strip(), freq=freq, periods=periods,
                     source_name=names.get(source.strip().casefold(), source.strip()),
                     target_name=names.get(target.strip().casefold(), target.strip()))


def install_archive_errors(app) -> None:
    """Answer :class:`TableUnavailable` with 503 and its reason."""
    app.add_exception_handler(TableUnavailable, _unavailable)

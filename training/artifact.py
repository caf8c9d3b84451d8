"""The model artifact on disk: a versioned folder switched in one step, a lock, checked metadata.

Layout for a model path ``models/stance``::

    models/stance                  -> symlink to stance.versions/<version> (switched by one os.replace)
    models/stance.versions/<version>/model.skops     the pipeline (skops format: no code runs on load)
    models/stance.versions/<version>/metadata.json   versions, labels, inputs, metrics, ... and the
                                                     sha256 of the model.skops bytes written
    models/stance.versions/<version>/quad.skops      (optional) a further file of the same version, its
                                                     sha256 under ``extra_sha256`` (:func:`read_extra`)
    models/.stance.lock            an fcntl lock held by a fit writing to this path

A version folder is written under a temporary name, fsynced, renamed, and only then does the symlink
move to it, so a reader always sees a model and the metadata of the same run: a crash at any point
leaves the previous version in place, and the next save removes what the crashed one left. At most
:data:`KEEP_VERSIONS` versions are kept. Files and folders are created with the umask's permissions
(readable by a service running as another user under the usual 022).

This module handles bytes and files only; :mod:`training.model` turns the bytes into a pipeline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["KEEP_VERSIONS", "MAX_METADATA_BYTES", "MAX_MODEL_BYTES", "METADATA_FILE", "MODEL_FILE", "ModelError",
           "ModelLocked", "model_lock", "read_artifact", "read_extra", "versions_dir", "write_artifact"]

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
KEEP_VERSIONS = 3
MAX_MODEL_BYTES = 1 << 30
MAX_METADATA_BYTES = 64 << 20
_VERSION = re.compile(r"\d{8}T\d{12}Z-[0-9a-f]{6}")  # UTC to the microsecond: names sort by age
_TMP_SUFFIX = ".tmp"


class ModelError(RuntimeError):
    """A model artifact is missing, unsafe, tampered with, malformed or from other library versions.

    Parameters
    ----------
    message : str
        The full reason, with paths and hashes (for logs and the command line).
    public : str, optional
        The same reason without paths or hashes, fit to show to a client; defaults to ``message``.
    """

    def __init__(self, message: str, *, public: str | None = None):
        super().__init__(message)
        self.public = public or message


class ModelLocked(ModelError):
    """Another process is writing a model to the same path."""


def versions_dir(path: str | Path) -> Path:
    """The folder that holds the versions of the model at ``path``."""
    path = Path(path)
    return path.parent / f"{path.name}.versions"


def _lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


_held: dict[str, int] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def model_lock(path: str | Path) -> Iterator[None]:
    """Hold the lock of the model at ``path`` (re-entrant within a process).

    Raises
    ------
    ModelLocked
        At once, if another process holds it.
    """
    lock = _lock_path(Path(path).absolute())
    key = str(lock)
    with _held_guard:
        if key in _held:
            _held[key] += 1
            fd = None
        else:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise ModelLocked(f"another process is writing a model to {path} (lock {lock} is held); "
                                      "wait for it to finish or choose another --out",
                                      public="another process is writing this model") from None
                raise
            _held[key] = 1
    try:
        yield
    finally:
        with _held_guard:
            _held[key] -= 1
            if _held[key] == 0:
                del _held[key]
                if fd is not None:
                    os.close(fd)  # releases the flock


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides the mode
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def _remove_stale(path: Path) -> None:
    """What a killed save left: temporary version folders and temporary links (the lock is held)."""
    for p in versions_dir(path).glob(f".*{_TMP_SUFFIX}"):
        _remove(p)
    for p in path.parent.glob(f".{path.name}.*{_TMP_SUFFIX}"):
        _remove(p)


def _current_version(path: Path) -> str | None:
    if not path.is_symlink():
        return None
    target = Path(os.readlink(path))
    return target.name if target.parent.name == versions_dir(path).name else None


def _prune(path: Path, keep: int) -> None:
    current = _current_version(path)
    versions = sorted(p.name for p in versions_dir(path).iterdir() if _VERSION.fullmatch(p.name))
    old = [v for v in versions if v != current]
    for name in old[:max(0, len(old) - (keep - 1))]:
        _remove(versions_dir(path) / name)


def write_artifact(path: str | Path, payload: bytes, metadata: dict, *, keep: int = KEEP_VERSIONS,
                   extra: dict[str, bytes] | None = None) -> dict:
    """Write a new version of the model at ``path`` and switch to it in one step.

    Parameters
    ----------
    path : str or path-like
        The model path (a symlink once written).
    payload : bytes
        The serialised pipeline; its sha256 is recorded in the metadata.
    metadata : dict
        JSON-serialisable; ``sha256``, ``version``, ``format`` and ``files`` are added.
    keep : int, default=KEEP_VERSIONS
        Versions kept, the new one included.
    extra : dict of str to bytes, optional
        Further files of the version (name -> bytes), written beside the model; their sha256 go into
        the metadata's ``extra_sha256`` and their names into ``files``.

    Returns
    -------
    dict
        The metadata as written.

    Raises
    ------
    ModelLocked
        If another process is writing to ``path``.
    ModelError
        If ``path`` is a real folder (not a model link).
    """
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise ModelError(f"{path} is a folder, not a model link; choose another --out")
    path.parent.mkdir(parents=True, exist_ok=True)
    with model_lock(path):
        vdir = versions_dir(path)
        vdir.mkdir(exist_ok=True)
        _remove_stale(path)
        version = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)
        extra = {name: data for name, data in (extra or {}).items()
                 if name not in (MODEL_FILE, METADATA_FILE) and re.fullmatch(r"[a-z_]+\.skops", name)}
        meta = {**metadata, "format": "skops", "version": version,
                "files": {"model": MODEL_FILE, "metadata": METADATA_FILE, **{n.split(".")[0]: n for n in extra}},
                "sha256": hashlib.sha256(payload).hexdigest()}
        if extra:
            meta["extra_sha256"] = {name: hashlib.sha256(data).hexdigest() for name, data in extra.items()}
        body = json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
        tmp, final = vdir / f".{version}{_TMP_SUFFIX}", vdir / version
        link = path.parent / f".{path.name}.{version}{_TMP_SUFFIX}"
        switched = False
        try:
            os.mkdir(tmp, 0o777)
            _write_file(tmp / MODEL_FILE, payload)
            for name, data in extra.items():
                _write_file(tmp / name, data)
            _write_file(tmp / METADATA_FILE, body)
            _fsync_dir(tmp)
            os.rename(tmp, final)
            _fsync_dir(vdir)
            os.symlink(f"{vdir.name}/{version}", link)
            os.replace(link, path)
            switched = True
            _fsync_dir(path.parent)
        except BaseException:
            for p in (tmp, link) if switched else (tmp, link, final):
                _remove(p)
            raise
        _prune(path, max(1, keep))
    return meta


def read_artifact(path: str | Path) -> tuple[Path, dict, bytes]:
    """The version folder, metadata and model bytes of the model at ``path``, read consistently.

    The link is resolved once, so both files come from the same version even if a fit switches it
    meanwhile. ``path`` may also name a version folder directly.

    Returns
    -------
    folder : Path
    metadata : dict
        Parsed, not yet checked (see :func:`training.model.check_metadata`).
    payload : bytes
        The model file's bytes, whose sha256 matches ``metadata["sha256"]``.

    Raises
    ------
    ModelError
        If the path is missing, a single (pickle or joblib) file, or a file is missing, too large,
        unreadable, or does not match the recorded sha256.
    """
    path = Path(path)
    if not path.exists():
        raise ModelError(f"model {path} does not exist; train one with `python -m training.fit`",
                         public="the model does not exist; train one with `python -m training.fit`")
    folder = Path(os.path.realpath(path))
    if not folder.is_dir():
        raise ModelError(f"model {path} is a single file, not a model folder: pickle and joblib files are refused "
                         "because loading them can run code; retrain with `python -m training.fit`",
                         public="the model is a single (pickle or joblib) file, which is refused because loading "
                                "it can run code; retrain with `python -m training.fit`")
    parts = {}
    for name, limit in ((METADATA_FILE, MAX_METADATA_BYTES), (MODEL_FILE, MAX_MODEL_BYTES)):
        file = folder / name
        try:
            with file.open("rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise ModelError(f"model file {file} is missing or unreadable: {exc.strerror}",
                             public=f"the model's {name} is missing or unreadable") from None
        if len(data) > limit:
            raise ModelError(f"model file {file} is larger than {limit} bytes", public=f"the model's {name} is too "
                             f"large (more than {limit} bytes)")
        parts[name] = data
    try:
        meta = json.loads(parts[METADATA_FILE].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelError(f"model metadata {folder / METADATA_FILE} is not valid JSON: {exc}",
                         public="the model's metadata is not valid JSON") from None
    payload = parts[MODEL_FILE]
    actual = hashlib.sha256(payload).hexdigest()
    if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str):
        what = (f"it is a JSON {type(meta).__name__}, not an object" if not isinstance(meta, dict)
                else "field 'sha256' is missing or not a str")
        raise ModelError(f"model metadata is malformed: {what}", public=f"the model's metadata is malformed: {what}")
    recorded = meta["sha256"]
    if actual != recorded:
        raise ModelError(f"model file {folder / MODEL_FILE} has sha256 {actual}, but its metadata records "
                         f"{recorded}: the file was changed or replaced; refusing to load it",
                         public="the model file's sha256 does not match its metadata: it was changed or replaced")
    return folder, meta, payload


def read_extra(folder: Path, metadata: dict, name: str) -> bytes:
    """The bytes of a further file ``name`` of a version folder, checked against ``metadata["extra_sha256"]``.

    Raises
    ------
    ModelError
        If the metadata records no such file, or the file is missing, too large or changed.
    """
    recorded = (metadata.get("extra_sha256") or {}).get(name) if isinstance(metadata.get("extra_sha256"), dict) \
        else None
    if not isinstance(recorded, str):
        raise ModelError(f"model metadata in {folder} records no sha256 for {name}",
                         public=f"the model's metadata records no sha256 for {name}")
    try:
        with (folder / name).open("rb") as fh:
            data = fh.read(MAX_MODEL_BYTES + 1)
    except OSError as exc:
        raise ModelError(f"model file {folder / name} is missing or unreadable: {exc.strerror}",
                         public=f"the model's {name} is missing or unreadable") from None
    if len(data) > MAX_MODEL_BYTES or hashlib.sha256(data).hexdigest() != recorded:
        raise ModelError(f"model file {folder / name} does not match the sha256 its metadata records; refusing it",
                         public=f"the model's {name} does not match its metadata: it was changed or replaced")
    return data

"""Service settings, read from environment variables with the prefix ``GEOSTANCE_``.

======================================= ===================== ========================================"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from training.limits import DEFAULT_LIMITS, MAX_PERIODS, Limits
from training.model import DEFAULT_MODEL_PATH as _MODEL_PATH

__all__ = ["DEFAULT_MODEL_PATH", "REPO_ROOT", "Settings"]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_PATH = _MODEL_PATH


class Settings(BaseSettings):
    """Settings of the HTTP service; every field can be set as ``GEOSTANCE_<FIELD NAME>``."""

    model_config = SettingsConfigDict(env_prefix="GEOSTANCE_", extra="ignore", protected_namespaces=())

    model_path: Path = Field(DEFAULT_MODEL_PATH, description="The model path (the link training.fit writes) or a "
                                                             "version folder.")
    max_text_chars: int = Field(100_000, gt=0, description="Longest text accepted, in characters.")
    max_batch: int = Field(256, gt=0, description="Most items accepted in one batch request.")
    max_body_bytes: int = Field(32 << 20, gt=0, description="Largest request body accepted, in bytes.")
    max_mentions_per_sentence: int = Field(DEFAULT_LIMITS.max_mentions_per_sentence, gt=0,
                                           description="Actor mentions in one sentence.")
    max_pairs_per_sentence: int = Field(DEFAULT_LIMITS.max_pairs_per_sentence, gt=0,
                                        description="Directed pairs of distinct actors in one sentence.")
    max_dyads: int = Field(DEFAULT_LIMITS.max_dyads, gt=0, description="Directed pair examples in one text.")
    max_periods: int = Field(MAX_PERIODS, gt=0, description="Periods in one /v1/archive/series answer.")
    request_timeout_s: float = Field(10.0, gt=0, le=3600, description="Time budget of one prediction request.")
    max_concurrent: int = Field(default_factory=lambda: os.cpu_count() or 1, gt=0, le=256,
                                description="Predictions computed at once (CPU-bound work in worker threads).")
    queue_wait_s: float = Field(2.0, ge=0, le=600, description="Longest wait for a free prediction slot.")
    light_text_chars: int = Field(5000, ge=0, description="A request with at most this many characters of text is "
                                  "light: one slot (of two or more) is kept for light requests.")
    api_key: SecretStr | None = Field(
        None, description="When set, every route but /health and the docs requires it in header X-API-Key."
    )

    table_path: Path | None = Field(
        None, description="A dyad table (.parquet, .csv or .jsonl from archive coding) for /v1/archive and the "
                          "page's archive view.")

    @field_validator("api_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @property
    def limits(self) -> Limits:
        """The caps handed to the predictor."""
        return Limits(max_mentions_per_sentence=self.max_mentions_per_sentence,
                      max_pairs_per_sentence=self.max_pairs_per_sentence, max_dyads=self.max_dyads,
                      max_text_chars=self.max_text_chars)

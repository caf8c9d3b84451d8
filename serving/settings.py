"""Service settings, read from environment variables with the prefix ``GEOSTANCE_``.

========================== ====================================== ==========================================
Variable                   Default                                Meaning
========================== ====================================== ==========================================
GEOSTANCE_MODEL_PATH       ``models/stance.joblib`` (repo root)   The model artifact (its ``.json`` beside it)
GEOSTANCE_MAX_TEXT_CHARS   100000                                 Longest text accepted, in characters
GEOSTANCE_MAX_BATCH        256                                    Most items in one ``/v1/stance/batch``
GEOSTANCE_API_KEY          unset                                  When set, required in header ``X-API-Key``
GEOSTANCE_TABLE_PATH       unset                                  A dyad table for the page's archive view
========================== ====================================== ==========================================
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from training.model import DEFAULT_MODEL_PATH as _MODEL_PATH

__all__ = ["DEFAULT_MODEL_PATH", "REPO_ROOT", "Settings"]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_PATH = _MODEL_PATH


class Settings(BaseSettings):
    """Settings of the HTTP service; every field can be set as ``GEOSTANCE_<FIELD NAME>``."""

    model_config = SettingsConfigDict(env_prefix="GEOSTANCE_", extra="ignore", protected_namespaces=())

    model_path: Path = Field(DEFAULT_MODEL_PATH, description="The model's .joblib file; its .json sits beside it.")
    max_text_chars: int = Field(100_000, gt=0, description="Longest text accepted, in characters.")
    max_batch: int = Field(256, gt=0, description="Most items accepted in one batch request.")
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

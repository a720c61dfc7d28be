"""The service's configuration: environment variables ``RECOMMENDER_*`` or a settings file.

Every setting can be given as an environment variable (``RECOMMENDER_DATABASE_URL``, …) or as a line
``NAME=value`` in the file named by ``RECOMMENDER_CONFIG`` (environment variables win). Command-line
flags win over both. Secrets (the pseudonymisation key, the session secret) are never in the
repository: when not given, they are generated at first start into the data directory, readable by
the owner only (see :func:`recommender.cases.keys.load_or_create_secret`).

>>> s = Settings(data_dir="/tmp/rc-doc", database_url=None, audit_retention_months=24)
>>> s.resolved_database_url()
'sqlite:////tmp/rc-doc/recommender.sqlite3'
>>> s.audit_retention_months
24
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from recommender import RecommenderError

__all__ = ["MIN_RETENTION_MONTHS", "Settings", "default_data_dir", "load_settings"]

MIN_RETENTION_MONTHS = 6  # EU AI Act Art. 26(6): logs kept at least six months


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/recommender``, else ``~/.local/share/recommender``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "recommender"


class Settings(BaseSettings):
    """Configuration of the adviser service (all optional; defaults run an embedded SQLite file)."""

    model_config = SettingsConfigDict(env_prefix="RECOMMENDER_", extra="ignore", frozen=True)

    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: an SQLite file in the data directory"
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="where the embedded database and the generated keys live",
    )
    model: str | None = Field(None, description="model file; default: the built-in model")
    rules: str | None = Field(None, description="rules file; default: the packaged rules.yaml")
    pseudonym_key: SecretStr | None = Field(
        None, description="key of the keyed hash of citizen ids; default: generated into the data dir"
    )
    session_secret: SecretStr | None = Field(
        None, description="secret for web login sessions; default: generated into the data dir"
    )
    cookie_secure: bool | None = Field(
        None, description="web session cookie Secure flag; default: on unless served on 127.0.0.1/localhost"
    )
    audit_retention_months: int = Field(24, description="audit trail retention, at least 6 months")
    token_days: int = Field(90, ge=1, le=3650, description="how long an issued token is valid")
    max_body_bytes: int = Field(65_536, ge=1024, description="largest accepted request body")
    registry_check_seconds: float = Field(
        2.0,
        ge=0,
        le=3600,
        description="how often a request looks for a new champion in the model "
        "registry (0: on every request)",
    )
    letter_contact: str | None = Field(
        None,
        max_length=300,
        description="who the citizen contacts with questions, printed in the letter to "
        "the citizen (e.g. 'Jobcenter Aarhus, tlf. 89 40 00 00'); "
        "default: the adviser",
    )
    letter_complaints: str | None = Field(
        None,
        max_length=300,
        description="where the citizen complains, printed in the letter to the "
        "citizen; default: the letter_contact",
    )
    sqlite_synchronous: Literal["full", "normal"] = Field(
        "full",
        description="SQLite only: 'full' syncs every commit to disk (survives power loss); "
        "'normal' survives a killed process but may lose the last commits on power loss",
    )

    @field_validator("audit_retention_months")
    @classmethod
    def _retention_floor(cls, value: int) -> int:
        if value < MIN_RETENTION_MONTHS:
            raise ValueError(
                f"must be at least {MIN_RETENTION_MONTHS} months (EU AI Act Art. 26(6)); got {value}"
            )
        return value

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, else the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path(self.data_dir) / 'recommender.sqlite3'}"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and ``$RECOMMENDER_CONFIG``, with ``overrides`` (flags) on top.

    ``None`` overrides are ignored (a flag that was not given). A bad value raises a
    :class:`~recommender.RecommenderError` naming the setting.
    """
    from pydantic import ValidationError

    given = {k: v for k, v in overrides.items() if v is not None}
    config = os.environ.get("RECOMMENDER_CONFIG")
    if config and not Path(config).is_file():
        raise RecommenderError(
            f"RECOMMENDER_CONFIG: expected a settings file; got {config!r} (findes ikke / does not exist)"
        )
    try:
        return Settings(_env_file=config or None, **given)  # type: ignore[call-arg, arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "RECOMMENDER_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
        raise RecommenderError(f"{name}: {err['msg']}") from None

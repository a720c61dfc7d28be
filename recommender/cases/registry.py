"""The model registry: model files registered in the service's database, and the champion in use.

:func:`register` stores a checked model file (its exact bytes, sha256 and manifest) with who
registered it and when. The *champion* (the model the service serves) is the newest row of
``champion_events``: :func:`promote` puts a registered model on top of the stack of champions,
:func:`rollback` returns to the champion before the current one (repeated rollbacks walk further
back). Both need an active user with the ``analyst`` role and a written reason, and add an audit
event in the same transaction. The running service picks the change up by itself
(:mod:`recommender.cases.champion`). Nothing here deletes anything: the registry is the record of
which model advised whom.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recommender.cases import audit
from recommender.cases.tables import ChampionEvent, RegisteredModel, User, utcnow
from recommender.errors import RecommenderError, did_you_mean

__all__ = [
    "RegistryError",
    "champion",
    "champion_history",
    "check_analyst",
    "find",
    "latest_event_id",
    "list_models",
    "local_copy",
    "promote",
    "register",
    "rollback",
]

MIN_REASON = 10


class RegistryError(RecommenderError):
    """A refused registry operation (unknown version, not an analyst, no reason, nothing to roll back)."""


def register(session: Session, path: str | os.PathLike[str], by: str) -> RegisteredModel:
    """Check the model file at ``path`` and register it; registering the same file again returns the
    existing entry, a different file with a registered version is refused."""
    from recommender.modelling.persist import read_model_file

    checked = read_model_file(path)  # refuses a damaged, tampered or incompatible file, saying why
    content = Path(path).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    version = checked.manifest.version
    existing = session.scalar(select(RegisteredModel).where(RegisteredModel.version == version))
    if existing is not None:
        if existing.sha256 != digest:
            raise RegistryError(
                f"PATH {path}: version {version} is already registered with other bytes "
                f"(sha256 {existing.sha256[:12]}…) / versionen findes allerede"
            )
        return existing
    record = RegisteredModel(
        version=version,
        sha256=digest,
        size=len(content),
        content=content,
        manifest=checked.manifest.to_dict(),
        source=str(path)[:500],
        registered_by=by[:64],
        registered_at=utcnow(),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        "model.register",
        status=201,
        actor=by[:64],
        resource=f"model:{version}",
        model_version=version,
        detail=f"sha256={digest} size={len(content)}",
    )
    return record


def list_models(session: Session) -> list[RegisteredModel]:
    """Every registered model, oldest first."""
    return list(session.scalars(select(RegisteredModel).order_by(RegisteredModel.id)))


def find(session: Session, version: str) -> RegisteredModel:
    """The registered model ``version``, else an error naming the registered versions."""
    record = session.scalar(select(RegisteredModel).where(RegisteredModel.version == version))
    if record is None:
        known = list(session.scalars(select(RegisteredModel.version)))
        hint = did_you_mean(version, known)
        raise RegistryError(
            f"VERSION: no registered model {version[:64]!r} / ingen registreret model; "
            f"registered: {', '.join(known) or 'none / ingen'}"
            + (f"; did you mean {hint!r}?" if hint else "")
        )
    return record


def latest_event_id(session: Session) -> int | None:
    """The id of the newest champion event: the version counter the service watches."""
    return session.scalar(select(func.max(ChampionEvent.id)))


def champion(session: Session) -> ChampionEvent | None:
    """The event that made the current champion (``None`` before the first promotion)."""
    latest = latest_event_id(session)
    return None if latest is None else session.get(ChampionEvent, latest)


def champion_history(session: Session) -> list[ChampionEvent]:
    """Every promotion and rollback, oldest first."""
    return list(session.scalars(select(ChampionEvent).order_by(ChampionEvent.id)))


def check_analyst(session: Session, name: str) -> User:
    """The active analyst called ``name``, else an error saying what is wrong."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        known = list(session.scalars(select(User.name).where(User.role == "analyst")))
        hint = did_you_mean(name, known)
        raise RegistryError(
            f"--by: no user {name[:64]!r} / ingen bruger med det navn"
            + (f"; did you mean {hint!r}?" if hint else "")
        )
    if user.role != "analyst" or not user.active:
        raise RegistryError(
            f"--by {name}: expected an active user with the role analyst; got role "
            f"{user.role}{'' if user.active else ' (disabled)'} / kræver rollen analyst"
        )
    return user


def _reason(reason: str) -> str:
    text = " ".join(str(reason or "").split())
    if len(text) < MIN_REASON:
        raise RegistryError(
            f"--reason: expected a written reason of at least {MIN_REASON} characters / "
            f"en skriftlig begrundelse; got {text[:40]!r}"
        )
    return text


def _change(
    session: Session,
    user: User,
    model: RegisteredModel,
    action: str,
    parent: int | None,
    reason: str,
    replaced: str | None,
) -> ChampionEvent:
    event = ChampionEvent(
        model_id=model.id, action=action, parent_id=parent, by=user.name, reason=reason, at=utcnow()
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        f"model.{action}",
        status=200,
        user=user,
        resource=f"model:{model.version}",
        model_version=model.version,
        detail=f"from={replaced or 'built-in/configured'} reason={reason}",
    )
    return event


def promote(session: Session, version: str, by: str, reason: str) -> ChampionEvent:
    """Make ``version`` the champion (``by`` must be an analyst; ``reason`` is required)."""
    user = check_analyst(session, by)
    text = _reason(reason)
    model = find(session, version)
    current = champion(session)
    if current is not None and current.model_id == model.id:
        raise RegistryError(f"VERSION: {version} is already the model in use / er allerede i brug")
    return _change(
        session,
        user,
        model,
        "promote",
        current.id if current else None,
        text,
        current.model.version if current else None,
    )


def rollback(session: Session, by: str, reason: str) -> ChampionEvent:
    """Return to the champion before the current one (``by`` an analyst; ``reason`` required)."""
    user = check_analyst(session, by)
    text = _reason(reason)
    current = champion(session)
    if current is None or current.parent_id is None:
        raise RegistryError(
            "rollback: there is no earlier champion to return to / der er ingen tidligere "
            "model at vende tilbage til"
            + ("" if current is None else f" ({current.model.version} is the first promoted model)")
        )
    parent = session.get(ChampionEvent, current.parent_id)
    assert parent is not None
    return _change(session, user, parent.model, "rollback", parent.parent_id, text, current.model.version)


def local_copy(record: RegisteredModel, directory: Path) -> Path:
    """The registered model's bytes as a file in ``directory`` (written once, atomically, checked
    against the registered sha256), ready for :func:`recommender.load_model`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = directory / f"{record.version}-{record.sha256[:16]}.p500model"
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == record.sha256:
        return target
    content = record.content
    if hashlib.sha256(content).hexdigest() != record.sha256:
        raise RegistryError(
            f"model {record.version}: the stored bytes do not match their sha256 / "
            "registreret modelfil er beskadiget"
        )
    from recommender.files.output import write_bytes_atomic

    write_bytes_atomic(target, [content])
    return target

"""Accounts: users with a role, hashed passwords and revocable bearer tokens.

Roles: ``adviser`` (sees and writes only her own municipality's records), ``analyst`` (aggregates and
exports), ``admin`` (accounts and the audit trail). Passwords are hashed with Argon2id (argon2-cffi)
and never stored or shown in clear. A token is 32 random bytes shown once; the database keeps only its
SHA-256 (a token has 256 bits of entropy, so a fast hash suffices and lookups stay O(1)). Every change
is recorded in the audit trail in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from recommender import RecommenderError
from recommender.cases import audit
from recommender.cases.tables import Token, User, utcnow
from recommender.errors import did_you_mean

__all__ = [
    "ROLES",
    "AccountError",
    "add_user",
    "authenticate",
    "check_user",
    "issue_token",
    "password_matches",
    "revoke_tokens",
    "verify_password",
]

ROLES = ("adviser", "analyst", "admin")
TOKEN_PREFIX = "p500_"
MIN_PASSWORD = 12
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_hasher = PasswordHasher()


class AccountError(RecommenderError):
    """A refused account operation (bad name, role, municipality, password, unknown user)."""


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise AccountError(
            f"NAME: expected 2–64 characters a-z 0-9 . _ @ - (lowercase, starting with a "
            f"letter or digit) / 2–64 tegn; got {str(name)[:40]!r}"
        )
    return name


def _municipality(value: str | None, role: str) -> str | None:
    from recommender.citizen import parse_value
    from recommender.vocab import FIELDS

    if value is None:
        if role == "adviser":
            raise AccountError(
                "--municipality: an adviser needs her municipality / en rådgiver skal "
                "have sin kommune (e.g. --municipality Aarhus)"
            )
        return None
    parsed, problem = parse_value(FIELDS["municipality"], value)
    if problem is not None or not parsed:
        raise AccountError(f"--municipality: {problem.message() if problem else 'expected a name'}")
    return str(parsed)


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        known = session.scalars(select(User.name)).all()
        hint = did_you_mean(name, known)
        raise AccountError(
            f"NAME: no user {name[:64]!r} / ingen bruger med det navn"
            + (f"; did you mean {hint!r}?" if hint else "")
        )
    return user


def check_user(name: str, role: str, municipality: str | None) -> str | None:
    """Check a new account's name, role and municipality (before asking for a password); return the
    municipality as the intake record spells it."""
    _check_name(name)
    if role not in ROLES:
        hint = did_you_mean(role, ROLES)
        raise AccountError(
            f"--role: expected one of {', '.join(ROLES)}; got {str(role)[:40]!r}"
            + (f"; did you mean {hint!r}?" if hint else "")
        )
    return _municipality(municipality, role)


def add_user(
    session: Session, name: str, role: str, password: str, municipality: str | None = None, *, by: str = "cli"
) -> User:
    """Create a user; the password is hashed with Argon2id."""
    municipality = check_user(name, role, municipality)
    if len(password) < MIN_PASSWORD or not password.strip():
        raise AccountError(
            f"password: expected at least {MIN_PASSWORD} characters / mindst "
            f"{MIN_PASSWORD} tegn; got {len(password)}"
        )
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(f"NAME: user {name!r} already exists / brugeren findes allerede")
    user = User(
        name=name,
        role=role,
        municipality=municipality,
        active=True,
        password_hash=_hasher.hash(password),
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.add",
        status=201,
        actor=by,
        resource=f"user:{name}",
        municipality=municipality,
        detail=f"role={role}",
    )
    return user


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from (Argon2id); ``None`` (no such
    user) does the same work and is ``False``. Needs no database session, so a caller can run it
    without holding a connection."""
    if password_hash is None:
        _hasher.hash(password)  # same work either way: no user enumeration by timing
        return False
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def verify_password(session: Session, name: str, password: str) -> User | None:
    """The active user whose password this is, else ``None`` (for the web page's login)."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None or not user.active:
        _hasher.hash(password)  # same work either way: no user enumeration by timing
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(session: Session, name: str, days: int = 90, *, by: str = "cli") -> tuple[str, Token]:
    """A new bearer token for ``name``; the token text is returned once and stored only hashed."""
    user = _user(session, _check_name(name))
    if not user.active:
        raise AccountError(f"NAME: user {name!r} is disabled / brugeren er deaktiveret")
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = Token(
        user_id=user.id, token_hash=_digest(text), created_at=now, expires_at=now + timedelta(days=days)
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        "token.issue",
        status=201,
        actor=by,
        resource=f"token:{token.id}",
        municipality=user.municipality,
        detail=f"user={name} days={days}",
    )
    return text, token


def revoke_tokens(session: Session, name: str, token_id: int | None = None, *, by: str = "cli") -> int:
    """Revoke the user's active tokens (or only ``token_id``); return how many were revoked."""
    user = _user(session, _check_name(name))
    query = select(Token).where(Token.user_id == user.id, Token.revoked_at.is_(None))
    if token_id is not None:
        query = query.where(Token.id == token_id)
    now, count = utcnow(), 0
    for token in session.scalars(query):
        token.revoked_at = now
        count += 1
        audit.record(
            session,
            "token.revoke",
            status=200,
            actor=by,
            resource=f"token:{token.id}",
            municipality=user.municipality,
            detail=f"user={name}",
        )
    if token_id is not None and count == 0:
        raise AccountError(f"--id: user {name!r} has no active token {token_id}")
    return count


# One statement, built and compiled once; the digest and the time are parameters of each call (issue 27:
# building the query for every request cost more than running it). Nothing is cached between calls:
# a revoked token, an expired one or a disabled user is refused from the next request on.
_AUTHENTICATE = (
    select(User)
    .join(Token, Token.user_id == User.id)
    .where(
        Token.token_hash == bindparam("digest"),
        Token.revoked_at.is_(None),
        Token.expires_at > bindparam("now", type_=Token.__table__.c.expires_at.type),
        User.active.is_(True),
    )
)


def authenticate(session: Session, token: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to, else ``None`` (one query)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return session.scalar(_AUTHENTICATE, {"digest": _digest(token), "now": utcnow()})

"""Monitoring from the decision log: the figures of :mod:`recommender.analysis.monitoring` and the
off-policy estimate, for ``recommender monitor`` and ``GET /api/v1/monitor`` (the same function).

The drift reference is the intake profile of the model in use: the registry's champion, else the
model the caller names (the service's served model; the CLI's ``--model`` or the built-in model).
The off-policy estimate (:func:`recommender.analysis.offpolicy.offpolicy_value`) runs on the closed
cases with the top offer the service advised for each; with fewer than :data:`MIN_OFFPOLICY` closed
cases, or when it cannot be estimated, ``offpolicy`` says why instead.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from recommender.cases.tables import RecommendationRow
from recommender.errors import RecommenderError

__all__ = ["MIN_OFFPOLICY", "monitor", "reference_profile"]

MIN_OFFPOLICY = 50


def reference_profile(session: Session, fallback: Any = None) -> tuple[dict | None, str | None]:
    """(intake profile, model version) of the registry's champion, else of ``fallback`` (a model)."""
    from recommender.cases import registry

    event = registry.champion(session)
    if event is not None:
        return event.model.manifest.get("intake_profile"), event.model.version
    if fallback is None:
        return None, None
    return (
        dict(fallback.manifest.intake_profile) if fallback.manifest.intake_profile else None,
        fallback.version,
    )


def _finite(value: Any) -> Any:
    """NaN and infinities as ``null`` (JSON has neither)."""
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _low_evidence(contract: dict[str, Any]) -> bool:
    top = contract.get("top_offer")
    return any(o.get("offer") == top and o.get("support") == "low" for o in contract.get("offers", []))


def _offpolicy(session: Session, since: date | None, min_cell: int, closures: int | str) -> dict[str, Any]:
    """The off-policy estimate, its counts protected with the report's: without ``since`` its cases are
    every closure, so it shows the report's (protected) closure count ``closures``; a count of cases
    that received the advised offer, or did not, under ``min_cell`` is hidden with its share, and the
    share is hidden whenever the case count is (followed / share would give the hidden count back)."""
    from recommender.analysis.offpolicy import offpolicy_value
    from recommender.analysis.suppression import HIDDEN
    from recommender.cases.export import closed_cases

    cases = closed_cases(session, since=since, min_cell=min_cell)
    n = len(cases.frame)
    shown_n = closures if since is None else (HIDDEN if 0 < n < min_cell else n)
    if n < MIN_OFFPOLICY:
        return {
            "status": "not_enough_data",
            "n_cases": shown_n,
            "message_da": f"for få afsluttede forløb ({shown_n}; kræver {MIN_OFFPOLICY})",
        }
    try:
        result = offpolicy_value(cases.frame, cases.advised, n_bootstrap=200)
    except RecommenderError as exc:
        return {"status": "not_estimable", "n_cases": shown_n, "message_da": str(exc)}
    out = result.to_dict()
    k = result.overlap.n_followed
    out["n_cases"] = shown_n
    out["message_da"] = out["message_da"].replace(f"af {n}, ", f"af {shown_n}, ")
    if shown_n != n:  # the case count is hidden with the report's: its share would give it back (k / share)
        out["overlap"]["share_followed"] = None
    if 0 < k < min_cell or 0 < n - k < min_cell:
        out["overlap"].update(n_followed=HIDDEN, share_followed=None)
        out["message_da"] = out["message_da"].replace(f", {k} forløb", f", {HIDDEN} forløb")
    return out


def monitor(
    session: Session,
    *,
    since: date | None = None,
    model: Any = None,
    min_cell: int = 5,
    offpolicy: bool = True,
) -> dict[str, Any]:
    """The monitoring report of the recommendations made on or after ``since`` (all by default)."""
    from recommender.analysis.monitoring import monitoring_report

    if not isinstance(min_cell, int) or min_cell < 1:
        raise RecommenderError(f"--min-cell: expected a whole number ≥ 1; got {min_cell!r}")
    query = select(RecommendationRow).order_by(RecommendationRow.id)
    if since is not None:
        query = query.where(
            RecommendationRow.created_at >= datetime(since.year, since.month, since.day, tzinfo=timezone.utc)
        )
    rows, intakes = [], []
    for rec in session.scalars(query.execution_options(yield_per=1000)):
        d, c = rec.decision, rec.closure
        rows.append(
            {
                "municipality": rec.municipality,
                "typology": rec.typology,
                "top_offer": rec.top_offer,
                "low_evidence": _low_evidence(rec.contract),
                "decided": d is not None,
                "followed": bool(d.followed) if d is not None else False,
                "reason": d.reason if d is not None else None,
                "outcome": c.outcome if c is not None else None,
                "typology_rules": rec.typology_rules or rec.typology,
                "typology_adviser": rec.typology_adviser,
            }
        )
        intakes.append(rec.intake)
    columns = [
        "municipality",
        "typology",
        "top_offer",
        "low_evidence",
        "decided",
        "followed",
        "reason",
        "outcome",
        "typology_rules",
        "typology_adviser",
    ]
    reference, version = reference_profile(session, model)
    report = monitoring_report(
        pd.DataFrame(rows, columns=columns),
        intakes,
        reference=reference,
        reference_version=version,
        min_cell=min_cell,
    )
    report["since"] = since.isoformat() if since else None
    report["offpolicy"] = (
        _offpolicy(session, since, min_cell, report["counts"]["closures"])
        if offpolicy
        else {"status": "not_requested"}
    )
    return _finite(report)

"""Refusals of the case logic: one domain error, :class:`CaseError`, with everything an answer needs.

A refusal carries an HTTP-style status (422 bad input, naming the field exactly as the CLI does:
``Citizen.from_dict``'s problems; 403, 404, 409), a stable code, the field concerned and the text in
Danish and English. The case logic raises it and knows nothing of HTTP; the API
(:mod:`recommender.api.errors`) answers it as ``{"error": {"code", "field", "message_da", "message_en"}}``
and the web page shows its Danish or English text.

>>> error = CaseError(404)
>>> error.status, error.code, error.en
(404, 'not_found', 'Not found (or it belongs to another municipality).')
>>> invalid("reason", "a code", "en kode", "x").body()["error"]["message_da"]
"reason: forventet en kode; fik 'x'"
"""

from __future__ import annotations

from typing import Any

from recommender.errors import FieldProblem, RecommenderError, show_value

__all__ = ["STATUS_CODES", "CaseError", "invalid", "problem_error"]

STATUS_CODES = {
    400: ("bad_request", "Ugyldig forespørgsel.", "Bad request."),
    401: (
        "unauthorized",
        "Log ind: send et gyldigt token (Authorization: Bearer …).",
        "Not authenticated: send a valid token (Authorization: Bearer …).",
    ),
    403: ("forbidden", "Din rolle giver ikke adgang hertil.", "Your role does not allow this."),
    404: (
        "not_found",
        "Findes ikke (eller hører til en anden kommune).",
        "Not found (or it belongs to another municipality).",
    ),
    405: ("method_not_allowed", "Metoden er ikke tilladt her.", "Method not allowed here."),
    409: ("conflict", "Findes allerede.", "Already exists."),
    413: ("payload_too_large", "Forespørgslen er for stor.", "Request body too large."),
    415: ("unsupported_media_type", "Send JSON.", "Send JSON."),
    503: (
        "database_unavailable",
        "Databasen er ikke tilgængelig lige nu; prøv igen.",
        "The database is unavailable right now; try again.",
    ),
}


class CaseError(RecommenderError):
    """A refusal: a status (as HTTP numbers it), a stable code, the field concerned and messages in
    da and en (the status's standard wording when not given)."""

    def __init__(
        self,
        status: int,
        code: str | None = None,
        *,
        field: str | None = None,
        da: str | None = None,
        en: str | None = None,
    ):
        base = STATUS_CODES.get(status, ("error", "Fejl.", "Error."))
        self.status, self.code, self.field = status, code or base[0], field
        self.da, self.en = da or base[1], en or base[2]
        super().__init__(f"{self.status} {self.code}: {self.en}")

    def body(self) -> dict[str, Any]:
        return {
            "error": {"code": self.code, "field": self.field, "message_da": self.da, "message_en": self.en}
        }


def _got(value: object, show: bool = True) -> str:
    if not show:
        return "<skjult/hidden>"
    return "null" if value is None else show_value(value)


def problem_error(problem: FieldProblem, total: int = 1) -> CaseError:
    """A 422 for one bad field of the intake record (the first of ``total``), worded as the CLI words
    it (the vocabulary states what is allowed in English and Danish together)."""
    got = _got(problem.value, problem.show)
    name_da = f"{problem.field} ({problem.label_da})" if problem.label_da else problem.field
    da = f"{name_da}: forventet {problem.expected}; fik {got}"
    en = f"{problem.field}: expected {problem.expected}; got {got}"
    if problem.suggestion:
        da += f"; mente du {problem.suggestion!r}?"
        en += f"; did you mean {problem.suggestion!r}?"
    if total > 1:
        da += f" (og {total - 1} fejl mere)"
        en += f" (and {total - 1} more problem{'s' if total > 2 else ''})"
    return CaseError(422, "invalid_input", field=problem.field, da=da, en=en)


def invalid(
    field: str,
    expected_en: str,
    expected_da: str,
    value: object,
    *,
    suggestion: str | None = None,
    show: bool = True,
) -> CaseError:
    """A 422 for a bad request field other than the intake record's."""
    got = _got(value, show)
    da = f"{field}: forventet {expected_da}; fik {got}"
    en = f"{field}: expected {expected_en}; got {got}"
    if suggestion:
        da += f"; mente du {suggestion!r}?"
        en += f"; did you mean {suggestion!r}?"
    return CaseError(422, "invalid_input", field=field, da=da, en=en)

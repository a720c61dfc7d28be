"""API errors: one JSON shape for every error, and the handlers that guarantee it.

Every error response is ``{"error": {"code", "field", "message_da", "message_en"}}``: bad input is 422
naming the field exactly as the CLI does (``Citizen.from_dict``'s problems), then 401, 403, 404, 409,
413, and 503 when the database cannot be reached. No handler ever returns a stack trace; an
unexpected fault is logged on the server and answered with a generic 500 that names no internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from recommender import RecommenderError
from recommender.errors import FieldProblem, InvalidCitizenError, show_value

__all__ = ["ApiError", "install_handlers", "invalid", "problem_error"]

log = logging.getLogger("recommender.service")

_STATUS_CODES = {
    400: ("bad_request", "Ugyldig forespørgsel.", "Bad request."),
    401: ("unauthorized", "Log ind: send et gyldigt token (Authorization: Bearer …).",
          "Not authenticated: send a valid token (Authorization: Bearer …)."),
    403: ("forbidden", "Din rolle giver ikke adgang hertil.", "Your role does not allow this."),
    404: ("not_found", "Findes ikke (eller hører til en anden kommune).",
          "Not found (or it belongs to another municipality)."),
    405: ("method_not_allowed", "Metoden er ikke tilladt her.", "Method not allowed here."),
    409: ("conflict", "Findes allerede.", "Already exists."),
    413: ("payload_too_large", "Forespørgslen er for stor.", "Request body too large."),
    415: ("unsupported_media_type", "Send JSON.", "Send JSON."),
    503: ("database_unavailable", "Databasen er ikke tilgængelig lige nu; prøv igen.",
          "The database is unavailable right now; try again."),
}


class ApiError(Exception):
    """An error answer: HTTP status, a stable code, the field concerned and messages in da and en."""

    def __init__(self, status: int, code: str | None = None, *, field: str | None = None,
                 da: str | None = None, en: str | None = None, headers: dict[str, str] | None = None):
        base = _STATUS_CODES.get(status, ("error", "Fejl.", "Error."))
        self.status, self.code, self.field = status, code or base[0], field
        self.da, self.en = da or base[1], en or base[2]
        self.headers = headers
        super().__init__(f"{self.status} {self.code}: {self.en}")

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "field": self.field, "message_da": self.da,
                          "message_en": self.en}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def _got(value: object, show: bool = True) -> str:
    if not show:
        return "<skjult/hidden>"
    return "null" if value is None else show_value(value)


def problem_error(problem: FieldProblem, total: int = 1) -> ApiError:
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
    return ApiError(422, "invalid_input", field=problem.field, da=da, en=en)


def invalid(field: str, expected_en: str, expected_da: str, value: object, *,
            suggestion: str | None = None, show: bool = True) -> ApiError:
    """A 422 for a bad request field other than the intake record's."""
    got = _got(value, show)
    da = f"{field}: forventet {expected_da}; fik {got}"
    en = f"{field}: expected {expected_en}; got {got}"
    if suggestion:
        da += f"; mente du {suggestion!r}?"
        en += f"; did you mean {suggestion!r}?"
    return ApiError(422, "invalid_input", field=field, da=da, en=en)


def _validation_field(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the JSON error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(InvalidCitizenError)
    async def _citizen(_: Request, exc: InvalidCitizenError) -> JSONResponse:
        return problem_error(exc.problems[0], len(exc.problems)).response()

    @app.exception_handler(RecommenderError)
    async def _recommender(_: Request, exc: RecommenderError) -> JSONResponse:
        text = " ".join(str(exc).split())[:300]
        return ApiError(422, "invalid_input", da=text, en=text).response()

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
        field = _validation_field(tuple(err.get("loc", ())))
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            field = None
            msg = "the body is not valid JSON"
        got = "" if "input" not in err else f"; got {show_value(err['input'])}"
        return ApiError(422, "invalid_input", field=field,
                        da=f"{field or 'body'}: ugyldig værdi ({msg}){got}",
                        en=f"{field or 'body'}: {msg}{got}").response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not parse the body (not UTF-8, not JSON): bad input
            return ApiError(422, "invalid_input", da="body: forventet et JSON-objekt i UTF-8",
                            en="body: expected a JSON object in UTF-8").response()
        error = ApiError(exc.status_code)
        if exc.status_code not in _STATUS_CODES and exc.detail:
            error.da = error.en = str(exc.detail)[:200]
        error.headers = dict(exc.headers or {}) or None
        return error.response()

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error: %s", type(exc.orig).__name__)
        return ApiError(409).response()

    @app.exception_handler(DBAPIError)
    async def _database(_: Request, exc: DBAPIError) -> JSONResponse:
        log.error("database unavailable: %s", " ".join(str(exc.orig).split())[:200])
        return ApiError(503, headers={"Retry-After": "5"}).response()

    @app.exception_handler(Exception)
    async def _fault(_: Request, exc: Exception) -> JSONResponse:
        log.exception("internal fault")
        return ApiError(500, "internal_error", da="Intern fejl; den er logget på serveren.",
                        en="Internal error; it has been logged on the server.").response()

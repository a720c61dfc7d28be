"""API errors: one JSON shape for every error, and the handlers that guarantee it.

Every error response is ``{"error": {"code", "field", "message_da", "message_en"}}``: bad input is 422
naming the field exactly as the CLI does (``Citizen.from_dict``'s problems), then 401, 403, 404, 409,
413, and 503 when the database cannot be reached. No handler ever returns a stack trace; an
unexpected fault is logged on the server and answered with a generic 500 that names no internals.
The case logic's refusal (:class:`~recommender.cases.errors.CaseError`) is answered as it is.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from recommender.cases.errors import STATUS_CODES, CaseError, problem_error
from recommender.errors import InvalidCitizenError, RecommenderError, show_value
from recommender.text import redact

__all__ = ["ApiError", "LOGGERS", "RedactingFilter", "error_response", "install_handlers"]

log = logging.getLogger("recommender.service")


class ApiError(CaseError):
    """A refusal this layer gives itself (401 without a valid token, 413, 503), with response headers."""

    def __init__(
        self,
        status: int,
        code: str | None = None,
        *,
        field: str | None = None,
        da: str | None = None,
        en: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(status, code, field=field, da=da, en=en)
        self.headers = headers


def error_response(error: CaseError) -> JSONResponse:
    """The JSON answer to a refusal (with its headers when it has some). Every error the API gives passes
    here, so every text in it (field, Danish and English message) goes through
    :func:`recommender.text.redact`: no CPR-shaped value is ever echoed, whatever the door."""
    body = error.body()
    body["error"] = {k: redact(v) if isinstance(v, str) else v for k, v in body["error"].items()}
    return JSONResponse(body, status_code=error.status, headers=getattr(error, "headers", None))


class RedactingFilter(logging.Filter):
    """A logging filter that hides CPR-shaped runs in a record's message and traceback (installed on
    the service's and uvicorn's loggers by :func:`install_handlers`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = redact(message), None
        return True


LOGGERS = ("recommender.service", "uvicorn", "uvicorn.error", "uvicorn.access")


def _validation_field(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the JSON error shape, and the filter that
    hides CPR-shaped values in the service's log lines."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())

    @app.exception_handler(CaseError)
    async def _refusal(_: Request, exc: CaseError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(InvalidCitizenError)
    async def _citizen(_: Request, exc: InvalidCitizenError) -> JSONResponse:
        return error_response(problem_error(exc.problems[0], len(exc.problems)))

    @app.exception_handler(RecommenderError)
    async def _recommender(_: Request, exc: RecommenderError) -> JSONResponse:
        text = " ".join(str(exc).split())[:300]
        return error_response(ApiError(422, "invalid_input", da=text, en=text))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
        field = _validation_field(tuple(err.get("loc", ())))
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            field = None
            msg = "the body is not valid JSON"
        got = "" if "input" not in err else f"; got {show_value(err['input'])}"
        return error_response(
            ApiError(
                422,
                "invalid_input",
                field=field,
                da=f"{field or 'body'}: ugyldig værdi ({msg}){got}",
                en=f"{field or 'body'}: {msg}{got}",
            )
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not parse the body (not UTF-8, not JSON): bad input
            return error_response(
                ApiError(
                    422,
                    "invalid_input",
                    da="body: forventet et JSON-objekt i UTF-8",
                    en="body: expected a JSON object in UTF-8",
                )
            )
        error = ApiError(exc.status_code)
        if exc.status_code not in STATUS_CODES and exc.detail:
            error.da = error.en = str(exc.detail)[:200]
        error.headers = dict(exc.headers or {}) or None
        return error_response(error)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error: %s", type(exc.orig).__name__)
        return error_response(ApiError(409))

    @app.exception_handler(DBAPIError)
    async def _database(_: Request, exc: DBAPIError) -> JSONResponse:
        log.error("database unavailable: %s", " ".join(str(exc.orig).split())[:200])
        return error_response(ApiError(503, headers={"Retry-After": "5"}))

    @app.exception_handler(Exception)
    async def _fault(_: Request, exc: Exception) -> JSONResponse:
        log.exception("internal fault")
        return error_response(
            ApiError(
                500,
                "internal_error",
                da="Intern fejl; den er logget på serveren.",
                en="Internal error; it has been logged on the server.",
            )
        )

"""The adviser's web page, served by ``recommender serve`` at ``/`` (Danish; English by a switch).

Login → intake form → result page (the first screen: verdict, typology, criteria, the ranked offers;
the rest one click away) with the decision and closure forms → the citizen's history; two print views
(the case-file summary and the letter to the citizen, one A4 page each). Analysts log in to the
monitoring page (``/monitor``) instead; each role gets a 403 page on the other role's pages. The routes
are thin: they call the case logic the API calls (:func:`~recommender.cases.recommendations.create`,
:func:`~recommender.cases.decisions.decide`, :func:`~recommender.cases.closures.close`,
:func:`~recommender.cases.citizens.history`), so the page and the API store and check the same way;
the page never imports the API's routers (only its request dependencies, :mod:`recommender.api.deps`).
No JavaScript is needed; no file comes from outside this package.

``install(app, settings)`` adds the session middleware, the static files and the routes to the app
that :func:`recommender.server.create_app` builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from recommender.web import closure, history, intake, login, monitor, printouts, result, typology
from recommender.web.pages import STATIC, LoginRequired, WrongRole, page
from recommender.web.session import CsrfError, WebSession

if TYPE_CHECKING:
    from recommender.cases.settings import Settings

__all__ = ["install"]


def _secret(settings: Settings) -> str:
    from recommender.cases.keys import load_or_create_secret

    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    return load_or_create_secret(settings.data_dir, "session.key").decode()


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the web page on ``app``: routes, ``/static``, the session (and CSRF) middleware."""
    for module in (login, intake, result, typology, printouts, closure, history, monitor):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(
        WebSession,
        secret=_secret(settings),  # type: ignore[arg-type]
        secure=settings.cookie_secure,
    )

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        return RedirectResponse(login.login_url(request), status_code=303)

    @app.exception_handler(WrongRole)
    async def _wrong_role(request: Request, exc: WrongRole) -> HTMLResponse:
        return page(request, "error.html", 403, user=exc.user, message=None, key="wrong_role")

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, _: CsrfError) -> HTMLResponse:
        return page(request, "error.html", 403, user=None, message=None, key="csrf")

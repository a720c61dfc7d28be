"""``recommender serve [--host 127.0.0.1] [--port 8000] [--database URL] [--model PATH] [--rules PATH]
[--workers N]``: the adviser service (FastAPI on uvicorn).

Before listening it opens the database (an empty one is created; an out-of-date schema is refused with
the command to run), loads the model and rules, and makes sure the secrets exist, so a bad start is
one line on stderr and exit 2. With several workers each loads the same settings from the environment.
Every connection is held to the limits of :mod:`recommender.cli._http_limits` (header size and count,
request time, keep-alive, connection cap), whatever the number of workers.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys

from recommender.cli._db import add_database_flag


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 1–65535; got {text[:20]!r}")
    return int(text)


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"expected a whole number 1–64; got {text[:20]!r}")
    return int(text)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="start tjenesten (HTTP API) / start the adviser service",
        description="Start rådgivertjenesten: HTTP API under /api/v1, dokumentation på "
        "/docs. Rådgiveren beslutter.",
    )
    p.add_argument("--host", default="127.0.0.1", help="adresse / address (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    add_database_flag(p)
    p.add_argument("--model", metavar="PATH", help="modelfil / model file (default: built-in)")
    p.add_argument("--rules", metavar="PATH", help="regelfil / rules file (default: built-in)")
    p.add_argument("--workers", type=_workers, default=1, metavar="N", help="processer / worker processes")
    p.add_argument(
        "--access-log",
        action="store_true",
        help="log hver forespørgsel (stier kan indeholde borger-id'er) / log every request "
        "(paths can hold citizen ids)",
    )
    p.set_defaults(func=run)


def _check_port(host: str, port: int) -> None:
    from recommender import RecommenderError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise RecommenderError(f"--host: cannot resolve {host[:60]!r} ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise RecommenderError(
                f"--port {port}: cannot listen on {host}:{port} ({exc.strerror})"
            ) from None


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from recommender.cases.db import open_database, shown_url
    from recommender.cases.engine import load_engine
    from recommender.cases.keys import load_or_create_secret
    from recommender.cases.settings import load_settings
    from recommender.cli._http_limits import uvicorn_options
    from recommender.server import create_app

    settings = load_settings(database_url=args.database, model=args.model, rules=args.rules)
    _check_port(args.host, args.port)
    url = settings.resolved_database_url()
    db = open_database(url, sqlite_synchronous=settings.sqlite_synchronous)
    engine = load_engine(settings.model, settings.rules)
    if settings.pseudonym_key is None:
        load_or_create_secret(settings.data_dir, "pseudonym.key")
    if settings.session_secret is None:
        load_or_create_secret(settings.data_dir, "session.key")
    print(
        f"recommender serve: http://{args.host}:{args.port}/docs · database {shown_url(url)} · model "
        f"{engine.model_version} · rules {engine.rules_version} · {args.workers} worker(s)",
        file=sys.stderr,
    )
    common = dict(
        host=args.host,
        port=args.port,
        access_log=args.access_log,
        log_level="warning",
        timeout_graceful_shutdown=10,
        **uvicorn_options(),
    )
    if args.workers == 1:
        uvicorn.run(create_app(settings, engine=engine, database=db), **common)  # type: ignore[arg-type]
        return 0
    db.dispose()
    # Workers are fresh processes: hand them the same settings through the environment.
    os.environ["RECOMMENDER_DATABASE_URL"] = url
    os.environ["RECOMMENDER_DATA_DIR"] = str(settings.data_dir)
    for name, value in (("RECOMMENDER_MODEL", settings.model), ("RECOMMENDER_RULES", settings.rules)):
        if value:
            os.environ[name] = value
    uvicorn.run("recommender.server:app_from_env", factory=True, workers=args.workers, **common)  # type: ignore[arg-type]
    return 0

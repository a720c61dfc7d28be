"""The adviser service: HTTP API (FastAPI), decision log in a database (SQLAlchemy + Alembic),
accounts, tokens and the audit trail. See ``docs/service.md``.

One module per resource (``recommendations``, ``decisions``, ``citizens``, ``closures``,
``model_card``, ``health``); ``accounts`` and ``audit`` hold the functions the CLI and the routes share;
``tables`` the ORM classes, ``db`` opening and migrating, ``engine`` the served model and rules.
"""

from recommender.service.app import create_app
from recommender.service.engine import EngineSlot, RecommenderEngine, load_engine
from recommender.service.settings import Settings, load_settings

__all__ = ["EngineSlot", "RecommenderEngine", "Settings", "create_app", "load_engine", "load_settings"]

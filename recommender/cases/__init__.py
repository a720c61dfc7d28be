"""The adviser's cases, without HTTP: storage, accounts, audit, the model registry and the case actions.

No FastAPI, Starlette or Jinja here: the API (:mod:`recommender.api`), the web page
(:mod:`recommender.web`) and the command line call these functions, and each answers a refusal
(:class:`~recommender.cases.errors.CaseError`: status, code, field, Danish and English text) its own
way. See ``docs/service.md``.

- storage: ``tables`` (the ORM classes), ``db`` (opening, checking and migrating; Alembic's
  ``migrations``);
- ``accounts`` (users, roles, tokens) and ``audit`` (the audit trail);
- ``registry`` (registered model files, the champion) and ``champion`` (the running service follows it);
- ``export`` (closed cases as a cohort file) and ``keys`` (generated secrets, the pseudonymiser);
- ``engine`` (the served model and rules) and ``settings`` (``RECOMMENDER_*``);
- the case actions: ``recommendations`` (create, find), ``decisions`` (decide), ``closures`` (close),
  ``citizens`` (history), ``monitor`` (the monitoring report); ``inputs`` the bodies they take and
  ``errors`` the refusal they raise.
"""

from recommender.cases.engine import EngineSlot, RecommenderEngine, load_engine
from recommender.cases.errors import CaseError
from recommender.cases.settings import Settings, load_settings

__all__ = ["CaseError", "EngineSlot", "RecommenderEngine", "Settings", "load_engine", "load_settings"]

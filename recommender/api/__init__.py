"""The HTTP API (FastAPI) under ``/api/v1``: routers, request dependencies, response schemas, errors.

One router module per resource (``recommendations``, ``decisions``, ``citizens``, ``closures``,
``monitor``, ``model_card``, ``health``); each route checks the caller (``deps``: bearer token and role),
calls the case logic (:mod:`recommender.cases`) and answers in ``schemas``' shapes. ``errors`` maps
the case logic's refusal and every other exception to the one JSON error shape. The API never imports
the web page (:mod:`recommender.web`), nor the page the API's routers; :mod:`recommender.server`
mounts both on one app.
"""

__all__: list[str] = []

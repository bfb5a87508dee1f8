"""Django's PostgreSQL backend with one difference, for values bound by the server.

`DATABASE_PREPARE_THRESHOLD` (config/settings/base.py) has PostgreSQL bind the values of
each query itself, so that a query a connection repeats can be prepared (issue 15 §5). The
protocol carries at most 65,535 values with a query, though, and Django — which binds them
on the client by default — writes some queries with more: the objects a large delete
collects (`id IN (…)` over every dossier of a merged organisation), a `bulk_create` of
thousands of rows in one INSERT. Such a query is bound here on the client, as Django would
have done, and sent with its values written in; every other query is bound by the server.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from psycopg import ClientCursor, Cursor

# The protocol's limit: a Bind message counts its values in 16 bits.
MAX_BOUND_VALUES = 65_535


# Django's cursor (its callproc) over psycopg's, named again for the type checker.
class ServerBindingCursor(base.ServerBindingCursor, Cursor[Any]):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if params is not None and len(params) > MAX_BOUND_VALUES:
            with ClientCursor(self.connection) as client:
                query = client.mogrify(query, params)
            params = None
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params

"""Django's PostgreSQL backend, for values bound by the server (see `base`)."""

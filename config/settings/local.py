"""Developer machine and `make run`: DEBUG on, well-known development keys."""

from .base import *  # noqa: F403
from .base import PTDV_DATA_KEY, SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-a-secret"
# A fixed development key so that the demo database stays readable across restarts.
PTDV_DATA_KEY = PTDV_DATA_KEY or "local-development-data-key-not-a-secret"
# Serve static files straight from the finders (node_modules, app folders) in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

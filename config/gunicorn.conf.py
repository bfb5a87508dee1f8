"""gunicorn's settings for `make run` and production (`gunicorn -c config/gunicorn.conf.py`).

Every value can be overridden from the environment: `PORT` or `GUNICORN_BIND`,
`GUNICORN_WORKERS`, `GUNICORN_THREADS`, `GUNICORN_TIMEOUT`.
"""

import multiprocessing
import os
import shutil
from pathlib import Path

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# Synchronous workers, one per core plus one: a request waiting on the database leaves the
# core to another worker, and PostgreSQL runs on the same machine (the deployment kit), so
# its backends need the cores too. Measured under the load test (`make bench
# SCALE=province`, 2 cores): 3 workers served 66–68 requests/s, 4 gave 66, 5 (gunicorn's
# "two per core plus one") 58–63 — more processes than cores only switch more often.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Exports and the whole-dossier PDF run in the request; anything longer goes to the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 20
# A worker is replaced after this many requests (spread out), so that a slow leak never grows.
# Not much sooner: a new worker loads the application again and warms its caches (about two
# seconds of CPU), which at 2,000 requests cost a worker of a busy server every minute or so.
max_requests = 20_000
max_requests_jitter = 2_000
# Requests are logged by the application itself; gunicorn logs only its own life.
accesslog = None
errorlog = "-"
# No control socket (gunicornc): nothing is managed that way, and the services have no home.
control_socket_disable = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy (nginx) on the same host sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# /metrics adds up the metrics of every worker (prometheus_client's multiprocess mode): each
# worker writes its own files here; the folder is emptied when gunicorn starts.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(
        Path(os.environ.get("PTDV_VAR_DIR") or Path(__file__).resolve().parents[1] / "var")
        / "prometheus"
    ),
)


Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)


def on_starting(server):  # type: ignore[no-untyped-def]
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # WeasyPrint (the official forms as PDF) takes about a second to import. Imported once
    # here, in the master, every worker forked from it has it already — also the workers
    # that replace others (max_requests, a reload). It is a library, not the application:
    # a reload still loads the application's new code; an upgraded WeasyPrint needs a
    # restart. Its fonts and style sheet are set up in each worker (ptdv.documents.layout).
    import weasyprint  # noqa: F401


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Once the worker has loaded the application, its modules, URL patterns and settings
    live as long as the worker: `gc.freeze` moves them out of the collector's sight, and the
    youngest generation is collected after 20,000 new containers rather than 700. A page
    allocates tens of thousands of short-lived objects, nearly all freed by reference counting;
    with the defaults the collector ran a few times per dashboard page and re-walked the whole
    heap on each full pass — 6 ms of a 60 ms page measured in the process, under 1 ms after
    (issue 15). Cycles are still collected, just in larger batches."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)

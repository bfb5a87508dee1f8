"""`make bench`: the national-scale benchmark (issue 4 §9, issue 3's pipeline refresh, issue 5's
import).

`python -m bench.run --scale national|province` builds (or reuses) the dataset on SQLite and
PostgreSQL with the demo generator, serves it with gunicorn, measures the API through HTTP
beside plain-SQL baselines computed from the raw tables, and writes `bench/results.json`.

The orchestrator (`run`, `config`, `http`, `report`) never imports Django: every step that
touches a database runs in a worker process (`python -m bench.worker TASK`) configured for
that database, so SQLite and PostgreSQL can be worked on side by side on two cores.
"""

"""The load test's users (issue 15 §5), run by Locust headless from `bench.loadtest`.

    python -m locust -f bench/locustfile.py --headless …   (with PTDV_LOAD_PLAN and
                                                             PTDV_LOAD_OUT in the environment)

The plan (written by `bench.loadtest.prepare`) gives each simulated clerk an account of its
own — a session cookie for the pages and an API token — and the rows to work on. Four in
five requests read: the candidate list with filters and a name search (the page and the
API), a dossier page, a person page, the dashboard page, the progress API. One in five
writes: a registration, a dossier action (a course certificate, each dossier once) or an
official form generated as PDF. Every request is recorded with its kind and time; every
successful write with what it wrote, so that `bench.loadtest.check` can find exactly one
event and one audit entry for each afterwards.

Benchmark-only code: it never runs in `make test`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["PTDV_LOAD_PLAN"]).read_text())
YEAR = PLAN["year"]
TODAY = dt.date.fromisoformat(PLAN["today"])
ACCOUNTS = itertools.cycle(PLAN["accounts"])
# Dossiers for the write actions, each used once (one Locust process: gevent, no threads).
CERTIFICATE_POOL: list[int] = list(PLAN["certificate_pool"])
RNG = random.Random(PLAN["seed"])  # noqa: S311 - a benchmark's choices, not a secret

SAMPLES: list[list[Any]] = []  # [kind, name, seconds, status]
WRITES: list[dict[str, Any]] = []  # the successful writes, for the check


def _record(request_type: str, name: str, response_time: float, response: Any, **_kw: Any) -> None:
    kind = name.split(":", 1)[0]
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append([kind, name, response_time / 1000, status])


def _save(**_kw: Any) -> None:
    Path(os.environ["PTDV_LOAD_OUT"]).write_text(json.dumps({"samples": SAMPLES, "writes": WRITES}))


events.request.add_listener(_record)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_save)  # type: ignore[no-untyped-call]


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu", "Thu", "Xuân"]
GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa",
    "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Ngân", "Phúc", "Quân", "Trang",
]  # fmt: skip


class Clerk(FastHttpUser):
    """A clerk of the province's organisation department on a busy day."""

    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        account = next(ACCOUNTS)
        self.page_headers = {"Cookie": f"{PLAN['cookie_name']}={account['session']}"}
        self.api_headers = {
            "Authorization": f"Bearer {account['token']}",
            "Accept": "application/json",
        }

    # --- Reads (80 in 100) ----------------------------------------------------------------

    def _get(self, path: str, name: str, *, api: bool) -> None:
        headers = self.api_headers if api else self.page_headers
        with self.client.get(path, headers=headers, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")

    @task(12)
    def candidate_list_page(self) -> None:
        org = RNG.choice(PLAN["organisations"])
        stage = RNG.choice(["", "source", "trained", "applied"])
        query = RNG.choice(PLAN["queries"]) if RNG.random() < 0.5 else ""
        self._get(
            f"/candidacies/?organisation={org}&stage={stage}&q={query}",
            "read:candidate list page",
            api=False,
        )

    @task(12)
    def candidate_list_api(self) -> None:
        org = RNG.choice(PLAN["organisations"])
        query = RNG.choice(PLAN["queries"])
        self._get(
            f"/api/v1/candidacies/?organisation={org}&search={query}&page_size=50",
            "read:candidate list API",
            api=True,
        )

    @task(16)
    def candidacy_page(self) -> None:
        self._get(
            f"/candidacies/{RNG.choice(PLAN['candidacies'])}/", "read:dossier page", api=False
        )

    @task(16)
    def person_page(self) -> None:
        self._get(f"/people/{RNG.choice(PLAN['people'])}/", "read:person page", api=False)

    @task(12)
    def dashboard_page(self) -> None:
        self._get(
            f"/targets/{RNG.choice(PLAN['organisations'])}/", "read:dashboard page", api=False
        )

    @task(12)
    def progress_api(self) -> None:
        org = RNG.choice(PLAN["organisations"])
        self._get(
            f"/api/v1/organisations/{org}/progress/?year={YEAR}", "read:progress API", api=True
        )

    # --- Writes (20 in 100) ---------------------------------------------------------------

    def _post(self, path: str, body: dict[str, Any], name: str) -> dict[str, Any] | None:
        with self.client.post(
            path, json=body, headers=self.api_headers, name=name, catch_response=True
        ) as answer:
            if answer.status_code not in (200, 201):
                answer.failure(f"HTTP {answer.status_code}")
                return None
            result: dict[str, Any] = answer.json()
            return result

    @task(8)
    def register(self) -> None:
        born = dt.date(1990, 1, 1) + dt.timedelta(days=RNG.randrange(365 * 15))
        body = {
            "organisation": RNG.choice(PLAN["cells"]),
            "person": {
                "family_name": RNG.choice(FAMILY),
                "middle_name": RNG.choice(MIDDLE),
                "given_name": RNG.choice(GIVEN),
                "birth_date": born.isoformat(),
                "gender": RNG.choice(["male", "female"]),
            },
        }
        answer = self._post("/api/v1/candidacies/", body, "write:registration")
        if answer is not None:
            WRITES.append({"kind": "registration", "candidacy": answer["id"]})

    @task(8)
    def record_certificate(self) -> None:
        if not CERTIFICATE_POOL:
            return
        pk = CERTIFICATE_POOL.pop()
        body = {
            "certificate_date": (TODAY - dt.timedelta(days=20)).isoformat(),
            "date": TODAY.isoformat(),
        }
        answer = self._post(
            f"/api/v1/candidacies/{pk}/actions/record_certificate/", body, "write:dossier action"
        )
        if answer is not None:
            WRITES.append({"kind": "action", "candidacy": pk, "event": answer["event"]})

    @task(4)
    def form_pdf(self) -> None:
        pk = RNG.choice(PLAN["form_dossiers"])
        path = f"/api/v1/candidacies/{pk}/documents/1-knd.pdf"
        with self.client.get(
            path, headers=self.api_headers, name="write:form PDF", catch_response=True
        ) as answer:
            if answer.status_code != 200 or not (answer.content or b"").startswith(b"%PDF"):
                answer.failure(f"HTTP {answer.status_code}")
                return
        WRITES.append({"kind": "document", "candidacy": pk})

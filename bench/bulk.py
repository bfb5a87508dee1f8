"""The bulk-action benchmark (issue 13 §4): one bulk action — recording a course certificate
(`record_certificate`) — on 1,000 dossiers of one province, through the API view of
`POST /api/v1/candidacies/bulk/record_certificate/` as an administrator of the province.

Most of the 1,000 are in the pool (source, trained, applied: they pass); one in twenty is
past the cell's vote and is refused by the stage rule, so both paths are timed. Each dossier
goes through `candidacy_act` in its own transaction (a savepoint here), exactly as in use.

Everything runs inside one transaction rolled back at the end, so the dataset is left as it
was (the audit trail is append-only: a rollback is the only way to leave no trace). It runs
in a process of its own (`python -m bench.bulk`, started by `bulk_measure`) with the
database's environment. Benchmark-only code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

from bench.config import PYTHON, REPO, VAR

COUNT = 1000
REFUSED_EVERY = 20  # one dossier in twenty is past the cell's vote


class _RolledBack(Exception):
    pass


def bulk_bench(count: int = COUNT) -> dict[str, Any]:
    """Time the bulk action on `count` dossiers of the first province, then roll back."""
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.test import APIRequestFactory, force_authenticate

    from ptdv.accounts.models import Assignment, Role, User
    from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
    from ptdv.organisations.models import Kind, Organisation
    from ptdv.work.bulk_api import CandidacyBulkView

    today = timezone.localdate()
    result: dict[str, Any] = {"count": count}
    try:
        with transaction.atomic():
            province = Organisation.objects.filter(kind=Kind.PROVINCE).order_by("path").first()
            if province is None:
                raise SystemExit("bench.bulk: no province in the dataset")
            user = User.objects.create(username=f"bench-bulk-{uuid.uuid4().hex[:8]}")
            Assignment.objects.create(user=user, organisation=province, role=Role.ADMINISTRATOR)
            scope = Candidacy.objects.filter(
                organisation__path__startswith=province.path, is_open=True
            ).order_by("pk")
            refused_n = count // REFUSED_EVERY
            pool = list(
                scope.filter(stage__in=(Stage.SOURCE, Stage.TRAINED, Stage.APPLIED)).values_list(
                    "pk", flat=True
                )[: count - refused_n]
            )
            past = list(
                scope.filter(
                    stage__in=(Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED, Stage.DECIDED)
                ).values_list("pk", flat=True)[:refused_n]
            )
            ids = sorted(pool + past)
            result["selected"] = len(ids)
            events_before = CandidacyEvent.objects.count()
            body = {
                "ids": ids,
                "facts": {
                    "certificate_date": (today - dt.timedelta(days=20)).isoformat(),
                    "date": today.isoformat(),
                },
            }
            request = APIRequestFactory().post(
                "/api/v1/candidacies/bulk/record_certificate/", body, format="json"
            )
            force_authenticate(request, user=user)
            view = CandidacyBulkView.as_view()
            mark = time.perf_counter()
            response: Any = view(request, action="record_certificate")
            response.render()
            seconds = time.perf_counter() - mark
            answer = json.loads(response.content)
            result.update(
                status=response.status_code,
                seconds=seconds,
                rate=len(ids) / seconds if seconds else 0.0,
                passed=answer.get("passed"),
                refused=answer.get("refused"),
                events_written=CandidacyEvent.objects.count() - events_before,
                province=province.name,
            )
            raise _RolledBack
    except _RolledBack:
        pass
    return result


def bulk_measure(label: str, env: dict[str, str]) -> dict[str, Any]:
    """Run `bulk_bench` in a process with the database's environment `env`; print and
    return its figures (called once per database by bench.run)."""
    out = VAR / f".{label}-bulk.json"
    out.unlink(missing_ok=True)
    print(f"[{label}] bulk action: record_certificate on {COUNT:,} dossiers, rolled back…")
    code = subprocess.call(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "bench.bulk", "--out", str(out)], cwd=REPO, env=env
    )
    if code != 0:
        raise SystemExit(f"bench: bulk benchmark on {label} failed (exit {code})")
    data: dict[str, Any] = json.loads(out.read_text())
    out.unlink(missing_ok=True)
    print(
        f"[{label}] bulk action on {data.get('selected', 0):,} dossiers ({data.get('province')}):"
        f" {data.get('seconds', 0.0):.2f} s, {data.get('rate', 0.0):,.0f} dossiers/s,"
        f" HTTP {data.get('status')}, {data.get('passed')} passed,"
        f" {data.get('refused')} refused, {data.get('events_written')} events written",
        flush=True,
    )
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.bulk")
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=COUNT)
    args = parser.parse_args(argv)

    import django

    django.setup()
    Path(args.out).write_text(json.dumps(bulk_bench(args.count), default=str))


if __name__ == "__main__":
    main()

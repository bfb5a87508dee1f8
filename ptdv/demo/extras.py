"""What other parts of the project derive from the demo data, through their own functions.

The demo writes raw rows in bulk, bypassing the services that keep derived data current, so
after a load it asks each part to rebuild what it derives:

* the monitoring tallies (admissions per year, open candidacies per stage: `ptdv.targets`),
  always — `ptdv aggregates verify` checks them with the subtree counters;
* on request (`--complete`, and `ptdv demo ensure` when it loads): the targets, terms,
  yearly snapshots and plan assignments of the demo province (`targets_demo_load`), and
  the next lawful action of every open dossier (`pipeline_refresh`), which otherwise waits
  for the nightly run. These take longer than the load itself on SQLite.

Imports are local: each part is used only when its app is installed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.apps import apps

from ptdv.demo.formatting import vn
from ptdv.organisations.models import Organisation


def tallies_rebuild() -> bool:
    """Rebuild the monitoring tallies; False when the targets app is not installed."""
    if not apps.is_installed("ptdv.targets"):
        return False
    from ptdv.candidacies.tallies import aggregates_rebuild

    aggregates_rebuild()
    return True


def dashboards_load(*, today: dt.date, seed: int, say: Callable[[str], None]) -> None:
    """Targets and plans for the top of the tree, then every open dossier's next action."""
    root = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        return
    if apps.is_installed("ptdv.targets"):
        from ptdv.targets.demo import targets_demo_load

        started = time.perf_counter()
        report = targets_demo_load(root=root, today=today, seed=seed)
        say(
            f"Chỉ tiêu và kế hoạch: {vn(report.targets)} chỉ tiêu, {report.terms} nhiệm kỳ, "
            f"{len(report.snapshots)} năm chốt số đảng viên, {vn(report.plans)} phân công "
            f"({vn(time.perf_counter() - started, 1)} giây)."
        )
        from ptdv.demo.responsibility import responsibility_demo_load

        say(responsibility_demo_load(root=root, today=today, seed=seed))
    if apps.is_installed("ptdv.courses"):
        from ptdv.demo.courses import courses_demo_load

        say(str(courses_demo_load(root=root, today=today, seed=seed)))
    if apps.is_installed("ptdv.surveys"):
        from ptdv.demo.surveys import surveys_demo_load

        say(surveys_demo_load(root=root, today=today, seed=seed))
    from ptdv.demo.obstacles import obstacles_demo_load

    say(obstacles_demo_load(root=root, today=today, seed=seed))
    from ptdv.demo.movements import movements_demo_load

    say(movements_demo_load(root=root, today=today, seed=seed))
    from ptdv.demo.exemplars import exemplars_demo_load
    from ptdv.demo.inspections import inspections_demo_load

    say(exemplars_demo_load(root=root, today=today, seed=seed))
    say(inspections_demo_load(root=root, today=today, seed=seed))
    from ptdv.demo.correspondence import correspondence_demo_step

    correspondence_demo_step(root=root, today=today, seed=seed, say=say)
    from ptdv.candidacies.pipeline import pipeline_refresh

    stats = pipeline_refresh(today=today, full=True)
    say(
        f"Việc tiếp theo của {vn(stats.examined)} hồ sơ đang mở đã được tính "
        f"({vn(stats.seconds, 1)} giây)."
    )
    from ptdv.demo.evaluations import evaluations_demo_load

    say(evaluations_demo_load(root=root, today=today, seed=seed))
    notifications_load(today=today, seed=seed, say=say)


def notifications_load(*, today: dt.date, seed: int, say: Callable[[str], None]) -> None:
    """A year of notifications for the staff (and the demo accounts, once they exist)."""
    from ptdv.demo.notifications import demo_notifications_load

    started = time.perf_counter()
    added = demo_notifications_load(today=today, seed=seed)
    say(f"Thông báo: {vn(added)} ({vn(time.perf_counter() - started, 1)} giây).")

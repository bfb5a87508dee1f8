"""Obstacles of the demo province: a year of difficulties recorded by cells and grassroots
committees, as the organisation department would see them — most resolved at the cell or one
or two levels up, some answered that they cannot be solved, some still waiting (a few of them
overdue, for the nightly escalation to pick up), with their whole history.

Written in bulk like the rest of the demo; each step is signed by a clerk of the level that
took it when the demo has one (else by the system, as the nightly job would)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction

from ptdv.accounts.models import Assignment, Role
from ptdv.candidacies.models import Candidacy
from ptdv.demo.formatting import vn
from ptdv.obstacles.models import Category, EventKind, Obstacle, ObstacleEvent, Status
from ptdv.obstacles.parameters import due_date
from ptdv.organisations.models import CELL_KINDS, Organisation, ancestor_paths

COUNT = 60
# category -> (title, description, answer when resolved, reason when declined)
TEXTS: dict[str, Sequence[tuple[str, str, str, str]]] = {
    Category.POOL: (
        (
            "Thiếu nguồn quần chúng ưu tú ở địa bàn",
            "Thanh niên trong độ tuổi phần lớn đi làm ăn xa; nguồn tại chỗ còn rất ít, chi bộ "
            "chưa có người để giới thiệu học lớp nhận thức.",
            "Đảng ủy chỉ đạo Đoàn Thanh niên và Hội Nông dân rà soát, giới thiệu 5 quần chúng "
            "làm nguồn; chi bộ phân công đảng viên giúp đỡ.",
            "Không thể tạo nguồn trong năm vì địa bàn sắp sáp nhập; đề nghị chi bộ tiếp tục "
            "theo dõi sau khi ổn định tổ chức.",
        ),
    ),
    Category.BACKGROUND: (
        (
            "Chưa thẩm tra được lý lịch người thân ở tỉnh khác",
            "Công văn đề nghị thẩm tra lý lịch cha mẹ của quần chúng gửi huyện bạn đã quá hạn, "
            "chưa có trả lời; hồ sơ dừng ở bước thẩm tra.",
            "Ban Tổ chức có công văn đôn đốc, tỉnh bạn đã trả lời kết quả thẩm tra.",
            "Nơi cư trú cũ đã giải thể, không còn tổ chức đảng để trả lời; hướng dẫn chi bộ "
            "dùng xác nhận của chính quyền địa phương theo hướng dẫn hiện hành.",
        ),
    ),
    Category.RESIDENCE: (
        (
            "Quần chúng làm việc ngoài địa bàn, chưa có ý kiến nơi cư trú",
            "Quần chúng làm việc tại khu công nghiệp tỉnh khác; chi ủy nơi cư trú chưa cho ý "
            "kiến nhận xét.",
            "Đảng ủy xã trao đổi trực tiếp với chi ủy nơi cư trú; đã có ý kiến nhận xét.",
            "Chi ủy nơi cư trú ngoài tỉnh không trả lời; trả lời chi bộ rằng cấp xã không có "
            "thẩm quyền đôn đốc, đề nghị làm lại qua cơ quan nơi làm việc.",
        ),
    ),
    Category.PROCEDURE: (
        (
            "Vướng mắc khi khai lý lịch người xin vào Đảng",
            "Quần chúng không rõ thông tin ông bà nội ngoại (đã mất từ lâu); chi bộ chưa biết "
            "ghi thế nào cho đúng hướng dẫn.",
            "Ban Tổ chức hướng dẫn ghi theo lời khai, có xác nhận của chính quyền địa phương.",
            "Đây là quy định của Trung ương; cấp huyện không có thẩm quyền thay đổi.",
        ),
    ),
    Category.TRAINING: (
        (
            "Chưa mở được lớp bồi dưỡng nhận thức về Đảng",
            "Số quần chúng chờ học lớp nhận thức quá ít để mở lớp riêng; trung tâm chính trị "
            "chưa có lịch lớp trong quý.",
            "Ghép học viên vào lớp buổi tối của xã bên cạnh; đã khai giảng.",
            "Không đủ kinh phí mở thêm lớp trong năm; chờ kế hoạch năm sau.",
        ),
    ),
    Category.MASS: (
        (
            "Đoàn thể chưa giới thiệu đoàn viên, hội viên ưu tú",
            "Chi đoàn thanh niên, chi hội phụ nữ chưa có văn bản giới thiệu quần chúng ưu tú "
            "để chi bộ xem xét.",
            "Đảng ủy giao Đoàn xã tổ chức hội nghị giới thiệu; đã có 3 đoàn viên được giới thiệu.",
            "Chi hội đã giải thể theo đề án sắp xếp; trả lời chi bộ lấy ý kiến Hội cấp xã.",
        ),
    ),
    Category.OTHER: (
        (
            "Thiếu kinh phí đi thẩm tra lý lịch",
            "Chi bộ không có kinh phí cử người đi thẩm tra trực tiếp ở nơi xa.",
            "Văn phòng cấp ủy bố trí kinh phí từ nguồn hoạt động công tác đảng.",
            "Không có nguồn kinh phí cho nội dung này; hướng dẫn thẩm tra bằng công văn.",
        ),
    ),
}
WEIGHTS = {
    Category.POOL: 20,
    Category.BACKGROUND: 25,
    Category.RESIDENCE: 20,
    Category.PROCEDURE: 12,
    Category.TRAINING: 10,
    Category.MASS: 8,
    Category.OTHER: 5,
}
NOTES = (
    "Vượt thẩm quyền của cấp này, đề nghị cấp trên chỉ đạo.",
    "Cần cấp trên trao đổi với đơn vị ngoài địa bàn.",
    "Đã trao đổi nhưng chưa có kết quả; đề nghị cấp trên hỗ trợ.",
)


def obstacles_demo_load(*, root: Organisation, today: dt.date, seed: int) -> str:
    """About COUNT obstacles in `root`'s tree over the year up to `today`. Answers a line."""
    rng = random.Random(seed * 7919 + 14)
    cells = list(
        Organisation.objects.filter(
            path__startswith=root.path, kind__in=CELL_KINDS, valid_to__isnull=True
        )
        .exclude(path=root.path)
        .order_by("path")
        .values_list("pk", "path")
    )
    if not cells:
        return "Khó khăn, vướng mắc: không có chi bộ nào."
    picked = rng.sample(cells, min(COUNT, len(cells)))
    paths = {p for _pk, path in picked for p in ancestor_paths(path) if p.startswith(root.path)}
    lineage = {o.path: o for o in Organisation.objects.filter(path__in=paths)}
    clerks: dict[int, int] = {}
    for user_id, organisation_id in (
        Assignment.objects.filter(
            organisation__path__in=paths, role__in=(Role.CLERK, Role.APPROVER, Role.ADMINISTRATOR)
        )
        .order_by("pk")
        .values_list("user_id", "organisation_id")
    ):
        clerks.setdefault(organisation_id, user_id)
    dossiers: dict[int, list[int]] = {}
    for pk, organisation_id in Candidacy.objects.filter(
        organisation_id__in=[pk for pk, _path in picked], is_open=True
    ).values_list("pk", "organisation_id"):
        dossiers.setdefault(organisation_id, []).append(pk)

    obstacles: list[Obstacle] = []
    steps: list[list[ObstacleEvent]] = []
    links: list[list[int]] = []
    counts = {"resolved": 0, "declined": 0, "escalated": 0, "overdue": 0}
    categories = list(WEIGHTS)
    for cell_pk, path in picked:
        chain = [lineage[p] for p in reversed(ancestor_paths(path)) if p in lineage]
        category = rng.choices(categories, [WEIGHTS[c] for c in categories])[0]
        title, description, answer, reason = rng.choice(TEXTS[category])
        recorded = today - dt.timedelta(days=rng.randint(5, 360))
        ups = rng.choices((0, 1, 2), (45, 35, 20))[0]
        ups = min(ups, len(chain) - 1)
        outcome = rng.choices(("resolved", "declined", "open"), (60, 15, 25))[0]
        events = [_step(EventKind.RECORDED, recorded, chain[0], clerks)]
        day, level_index = recorded, 0
        for _ in range(ups):
            day = min(day + dt.timedelta(days=rng.randint(4, 25)), today)
            automatic = rng.random() < 0.3
            events.append(
                _step(
                    EventKind.AUTO_ESCALATED if automatic else EventKind.ESCALATED,
                    day,
                    chain[level_index],
                    clerks,
                    to_level=chain[level_index + 1],
                    note=(
                        f"Quá hạn giải quyết ở {chain[level_index].name}"
                        if automatic
                        else rng.choice(NOTES)
                    ),
                    system=automatic,
                )
            )
            level_index += 1
        level = chain[level_index]
        obstacle = Obstacle(
            organisation=chain[0],
            level=level,
            category=category,
            title=title,
            description=description,
            recorded_on=recorded,
            level_since=day,
            due_on=due_date(day),
            escalations=ups,
            created_by_id=clerks.get(chain[0].pk),
        )
        if outcome != "open":
            closed = min(day + dt.timedelta(days=rng.randint(3, 30)), today)
            obstacle.status = Status.RESOLVED if outcome == "resolved" else Status.DECLINED
            obstacle.closed_on = closed
            obstacle.closed_by_level = level
            obstacle.days_to_close = (closed - recorded).days
            obstacle.answer = answer if outcome == "resolved" else reason
            events.append(
                _step(
                    EventKind.RESOLVED if outcome == "resolved" else EventKind.DECLINED,
                    closed,
                    level,
                    clerks,
                    note=obstacle.answer,
                )
            )
            counts[outcome] += 1
        elif obstacle.due_on < today:
            counts["overdue"] += 1
        counts["escalated"] += 1 if ups else 0
        obstacles.append(obstacle)
        steps.append(events)
        pool = dossiers.get(cell_pk, [])
        links.append(rng.sample(pool, min(len(pool), rng.choice((0, 1, 1, 2)))))
    with transaction.atomic():
        Obstacle.objects.bulk_create(obstacles)
        rows = []
        for obstacle, events in zip(obstacles, steps, strict=True):
            for event in events:
                event.obstacle = obstacle
                rows.append(event)
        ObstacleEvent.objects.bulk_create(rows)
        # The history's time is that of the step, not of the demo's run.
        for event in rows:
            event.at = dt.datetime.combine(event.on, dt.time(9, 0), tzinfo=dt.UTC)
        ObstacleEvent.objects.bulk_update(rows, ["at"], batch_size=500)
        through = Obstacle.candidacies.through
        through.objects.bulk_create(
            [
                through(obstacle_id=obstacle.pk, candidacy_id=candidacy)
                for obstacle, chosen in zip(obstacles, links, strict=True)
                for candidacy in chosen
            ]
        )
    return (
        f"Khó khăn, vướng mắc: {vn(len(obstacles))} việc ({vn(counts['resolved'])} đã giải "
        f"quyết, {vn(counts['declined'])} trả lời không giải quyết được, "
        f"{vn(counts['escalated'])} đã chuyển cấp trên, {vn(counts['overdue'])} quá hạn)."
    )


def _step(
    kind: str,
    on: dt.date,
    level: Organisation,
    clerks: dict[int, int],
    *,
    to_level: Organisation | None = None,
    note: str = "",
    system: bool = False,
) -> ObstacleEvent:
    return ObstacleEvent(
        kind=kind,
        on=on,
        level=level,
        to_level=to_level,
        note=note,
        actor_id=None if system else clerks.get(level.pk),
    )

"""Demo evaluations: the formula's history (the default version, then a version for this
year that weighs overdue dossiers more) and last year's evaluation and ranking of every
organisation of the tree, computed by the service as the system."""

from __future__ import annotations

import datetime as dt

from ptdv.demo.formatting import vn
from ptdv.evaluations.formula import DEFAULT_COMPONENTS, DEFAULT_GRADES
from ptdv.evaluations.models import Evaluation, Formula, Grade
from ptdv.evaluations.services import evaluation_compute, formula_create
from ptdv.organisations.models import Organisation


def evaluations_demo_load(*, root: Organisation, today: dt.date, seed: int) -> str:
    if not Formula.objects.exists():
        formula_create(
            actor=None,
            year_from=2020,
            components=DEFAULT_COMPONENTS,
            grades=DEFAULT_GRADES,
            note="Công thức mặc định theo Chỉ thị",
        )
        formula_create(
            actor=None,
            year_from=today.year,
            components=[
                {**c, "weight": 20} if c["code"] == "overdue" else c for c in DEFAULT_COMPONENTS
            ],
            grades=DEFAULT_GRADES,
            note="Tăng trọng số hồ sơ quá hạn (Hội nghị Ban Thường vụ)",
        )
    year = today.year - 1
    run = evaluation_compute(actor=None, year=year, organisation=root, today=today)
    excellent = Evaluation.objects.filter(run=run, grade=Grade.EXCELLENT).count()
    weak = Evaluation.objects.filter(run=run, grade=Grade.NOT_FULFILLED).count()
    return (
        f"Đánh giá, xếp loại năm {year}: {vn(run.evaluated)} tổ chức, {vn(excellent)} hoàn "
        f"thành xuất sắc, {vn(weak)} không hoàn thành ({vn(run.seconds, 1)} giây)."
    )

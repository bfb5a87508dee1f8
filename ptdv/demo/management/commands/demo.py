"""`ptdv demo load` builds the demo province; `ptdv demo ensure` is what `make run` calls."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Stage
from ptdv.demo.accounts import demo_accounts_disable, demo_accounts_ensure
from ptdv.demo.extras import dashboards_load, notifications_load
from ptdv.demo.formatting import vn
from ptdv.demo.generator import (
    DEFAULT_PROVINCE,
    DEFAULT_TODAY,
    DemoOptions,
    LoadReport,
    Progress,
    demo_load,
    demo_summary,
)
from ptdv.demo.people import SYSTEM_START
from ptdv.demo.wipe import demo_wipe
from ptdv.members.models import MembershipStatus
from ptdv.organisations.admin_units import province
from ptdv.organisations.models import Kind, Organisation


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"Ngày không hợp lệ: {value!r} (cần dạng YYYY-MM-DD)."
        ) from None


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Cần một số nguyên: {value!r}.") from None
    if number < 0:
        raise argparse.ArgumentTypeError("Không được là số âm.")
    return number


def _positive(value: str) -> int:
    number = _count(value)
    if number == 0:
        raise argparse.ArgumentTypeError("Phải lớn hơn 0.")
    return number


class Command(BaseCommand):
    help = (
        "Dữ liệu mẫu: nạp một tỉnh mẫu (load) hoặc bảo đảm có dữ liệu và tài khoản demo (ensure)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,ensure}")
        load = actions.add_parser(
            "load",
            help="Nạp dữ liệu mẫu vào cơ sở dữ liệu chưa có tổ chức đảng nào.",
            description="Nạp một tỉnh mẫu (mặc định Hà Tĩnh) hoặc cả nước từ danh mục đơn vị "
            "hành chính chính thức.",
        )
        self._data_options(load)
        load.add_argument(
            "--complete",
            action="store_true",
            help="Tạo thêm chỉ tiêu, nhiệm kỳ, số đảng viên đầu năm, phân công và tính việc "
            "tiếp theo của mọi hồ sơ đang mở (như ensure; lâu hơn).",
        )
        load.add_argument(
            "--replace",
            action="store_true",
            help="Xóa toàn bộ dữ liệu nghiệp vụ (tổ chức, công dân, đảng viên, hồ sơ, nhật ký, "
            "phân quyền) rồi nạp lại.",
        )
        ensure = actions.add_parser(
            "ensure",
            help="Nạp dữ liệu mẫu nếu chưa có; ở chế độ demo tạo hoặc đặt lại tài khoản demo.",
        )
        self._data_options(ensure)

    @staticmethod
    def _data_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định 1)."
        )
        parser.add_argument(
            "--scale",
            choices=("province", "national"),
            default="province",
            help="province: một tỉnh (~110.000 đảng viên); national: 34 tỉnh, thành phố.",
        )
        parser.add_argument(
            "--provinces",
            type=_positive,
            default=None,
            help="Với --scale national: chỉ nạp K tỉnh, thành phố đầu tiên (theo mã).",
        )
        parser.add_argument(
            "--province",
            default=DEFAULT_PROVINCE,
            help=f"Với --scale province: mã tỉnh (mặc định {DEFAULT_PROVINCE}, Hà Tĩnh).",
        )
        parser.add_argument(
            "--members",
            type=_count,
            default=None,
            help="Tổng số đảng viên (để thử nhanh với một tỉnh nhỏ); mặc định theo quy mô.",
        )
        parser.add_argument(
            "--candidates",
            type=_count,
            default=None,
            help="Tổng số quần chúng trong nguồn; mặc định theo tỷ lệ với số đảng viên.",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=DEFAULT_TODAY,
            help=f"Ngày tham chiếu của dữ liệu (mặc định {DEFAULT_TODAY.isoformat()}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo = self._options(options)
        if options["action"] == "load":
            self._load(demo, replace=options["replace"], complete=options["complete"])
        else:
            self._ensure(demo)

    def _options(self, options: dict[str, Any]) -> DemoOptions:
        if options["scale"] == "province":
            try:
                province(options["province"])
            except KeyError:
                raise CommandError(
                    f"Không có tỉnh, thành phố mã {options['province']!r}."
                ) from None
        elif options["provinces"] is not None and options["provinces"] > 34:
            raise CommandError("Cả nước chỉ có 34 tỉnh, thành phố.")
        return DemoOptions(
            seed=options["seed"],
            scale=options["scale"],
            provinces=options["provinces"],
            province_code=options["province"],
            members=options["members"],
            candidates=options["candidates"],
            today=options["today"],
        )

    def _load(self, demo: DemoOptions, *, replace: bool, complete: bool) -> None:
        with transaction.atomic():
            existing = Organisation.objects.count()
            if existing and not replace:
                raise CommandError(
                    f"Cơ sở dữ liệu đã có {vn(existing)} tổ chức đảng: không nạp chồng dữ liệu "
                    "mẫu. Thêm --replace để xóa toàn bộ dữ liệu nghiệp vụ rồi nạp lại."
                )
            if existing:
                deleted = demo_wipe()
                self.stdout.write(
                    f"Đã xóa {vn(sum(deleted.values()))} dòng dữ liệu nghiệp vụ "
                    f"({len(deleted)} bảng, kể cả nhật ký và phân quyền)."
                )
            self._run_load(demo)
        if complete:
            dashboards_load(today=demo.today, seed=demo.seed, say=self.stdout.write)
        else:
            self.stdout.write(
                "Chỉ tiêu, kế hoạch và việc tiếp theo của hồ sơ: thêm --complete, "
                "hoặc chạy `ptdv demo ensure`."
            )

    def _run_load(self, demo: DemoOptions) -> LoadReport:
        scope = "cả nước" if demo.scale == "national" else province(demo.province_code).full_name
        self.stdout.write(f"Đang nạp dữ liệu mẫu ({scope}, hạt giống {demo.seed})…")
        report = demo_load(demo, progress=self._progress)
        self._print_report(report)
        return report

    def _progress(self, step: Progress) -> None:
        rate = step.rows / max(step.seconds, 1e-6)
        self.stdout.write(
            f"{step.number}/{step.total} {step.name}: {vn(step.rows)} dòng trong "
            f"{vn(step.seconds, 1)} giây ({vn(rate)} dòng/giây)"
        )

    def _print_report(self, report: LoadReport) -> None:
        rate = report.total_rows / max(report.seconds, 1e-6)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp {vn(report.total_rows)} dòng trong {vn(report.seconds, 1)} giây "
                f"({vn(rate)} dòng/giây)."
            )
        )
        summary = demo_summary()
        orgs = summary["organisations"]
        localities = summary["localities"]
        members = summary["memberships"]
        stages = summary["candidacies"]
        self.stdout.write(
            f"  Tổ chức đảng: {vn(sum(orgs.values()))} — "
            + "; ".join(f"{Kind(kind).label} {vn(n)}" for kind, n in sorted(orgs.items()))
        )
        self.stdout.write(
            f"  Thôn, tổ dân phố: {vn(localities['total'])} — "
            f"có chi bộ {vn(localities['with_cell'])}, chi bộ ghép {vn(localities['shared'])}, "
            f"không có đảng viên {vn(localities['white'])}"
        )
        self.stdout.write(f"  Công dân: {vn(summary['persons'])}")
        self.stdout.write(
            f"  Quá trình sinh hoạt đảng: {vn(sum(members.values()))} — "
            + "; ".join(
                f"{MembershipStatus(status).label} {vn(n)}" for status, n in sorted(members.items())
            )
        )
        self.stdout.write(
            f"  Hồ sơ phát triển đảng viên: {vn(sum(stages.values()))} — "
            + "; ".join(f"{Stage(stage).label} {vn(n)}" for stage, n in sorted(stages.items()))
        )
        self.stdout.write(
            f"  Quần chúng trong nguồn: {vn(summary['pool'])}; "
            f"kết nạp lại: {vn(summary['readmissions'])}"
        )
        if report.rows["audit"]:
            self.stdout.write(
                f"  Nhật ký truy cập: {vn(report.rows['audit'])} mục từ "
                f"{SYSTEM_START:%d/%m/%Y} của {vn(report.rows['staff'])} tài khoản cán bộ "
                "(nhập liệu, phê duyệt; chưa có mật khẩu)"
            )

    def _ensure(self, demo: DemoOptions) -> None:
        existing = Organisation.objects.count()
        if existing:
            self.stdout.write(f"Đã có dữ liệu ({vn(existing)} tổ chức đảng): không nạp lại.")
        else:
            with transaction.atomic():
                self._run_load(demo)
            dashboards_load(today=demo.today, seed=demo.seed, say=self.stdout.write)
        if not settings.PTDV_DEMO:
            self.stdout.write("PTDV_DEMO chưa bật: không tạo tài khoản nào có mật khẩu biết trước.")
            disabled = demo_accounts_disable()
            if disabled:
                self.stdout.write(
                    self.style.WARNING(
                        f"Đã khóa {disabled} tài khoản demo còn lại từ trước (mật khẩu biết trước)."
                    )
                )
            return
        accounts = demo_accounts_ensure()
        if not accounts:
            self.stdout.write(self.style.WARNING("Chưa có tổ chức đảng nào: không tạo tài khoản."))
            return
        notifications_load(today=demo.today, seed=demo.seed, say=self.stdout.write)
        self.stdout.write("Tài khoản demo (tên đăng nhập / mật khẩu — vai trò — tổ chức):")
        for account in accounts:
            self.stdout.write(
                f"  {account.username} / {account.password} — {Role(account.role).label} — "
                f"{account.organisation.name}"
            )

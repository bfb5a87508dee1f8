"""`ptdv aggregates verify|rebuild`: the stored subtree counters against a recount.

`verify` exits with 1 when any organisation's `member_count` or `candidate_count` differs from
a recount of the raw rows (so a cron job or CI step fails loudly), 0 otherwise; `rebuild`
recomputes every counter.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ptdv.organisations.models import Organisation
from ptdv.organisations.selectors import organisation_counter_mismatches
from ptdv.organisations.services import organisation_counters_rebuild

# Enough lines to see the pattern of a drift without flooding the terminal.
SHOWN = 20


class Command(BaseCommand):
    help = "Kiểm tra (verify) hoặc tính lại (rebuild) số đảng viên, số quần chúng của từng tổ chức."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,rebuild}")
        actions.add_parser(
            "verify",
            help="So bộ đếm đã lưu với số đếm lại; mã thoát 1 khi có tổ chức lệch.",
        )
        actions.add_parser("rebuild", help="Tính lại toàn bộ bộ đếm từ dữ liệu gốc.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            self._rebuild()
        else:
            self._verify()

    def _verify(self) -> None:
        total = Organisation.objects.count()
        mismatches = organisation_counter_mismatches()
        if not mismatches:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã kiểm tra {total:,} tổ chức đảng: số đảng viên và số quần chúng "
                    "lưu sẵn khớp với số đếm lại."
                )
            )
            return
        self.stdout.write(
            self.style.ERROR(
                f"Có {len(mismatches):,} trên {total:,} tổ chức đảng lệch bộ đếm "
                "(đã lưu → đếm lại):"
            )
        )
        for item in mismatches[:SHOWN]:
            stored, recount = item["stored"], item["recount"]
            self.stdout.write(
                f"  {item['code']}: đảng viên {stored['member_count']:,} → "
                f"{recount['member_count']:,}; quần chúng {stored['candidate_count']:,} → "
                f"{recount['candidate_count']:,}"
            )
        if len(mismatches) > SHOWN:
            self.stdout.write(f"  … và {len(mismatches) - SHOWN:,} tổ chức khác.")
        self.stdout.write("Chạy `ptdv aggregates rebuild` để tính lại.")
        raise CommandError("Bộ đếm không khớp với số đếm lại.", returncode=1)

    def _rebuild(self) -> None:
        changed = organisation_counters_rebuild()
        total = Organisation.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại bộ đếm của {total:,} tổ chức đảng; {changed:,} tổ chức được sửa."
            )
        )

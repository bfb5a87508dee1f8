"""`ptdv aggregates verify|rebuild`: the stored subtree counters against a recount.

`verify` exits with 1 when any organisation's `member_count` or `candidate_count`, or any row
of the monitoring tallies (admissions per year, open candidacies per stage: ptdv.targets),
differs from a recount of the raw rows, or when a candidacy's search entry (its organisation's
path, its person's folded name and sort key: ptdv/candidacies/search.py) is missing or
differs — so a cron job or CI step fails loudly —, 0 otherwise; `rebuild` recomputes every
counter and tally, the historical conversion rates, and rewrites the search entries.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ptdv.candidacies.counters import organisation_counter_mismatches, organisation_counters_rebuild
from ptdv.candidacies.models import SourceChannel
from ptdv.candidacies.search import candidacy_search_mismatches, candidacy_search_refresh
from ptdv.candidacies.tallies import aggregates_mismatches, aggregates_rebuild
from ptdv.members.localities import locality_counter_mismatches
from ptdv.organisations.models import Organisation
from ptdv.targets.rates import conversion_rates_rebuild


def vn(value: float, decimals: int = 0) -> str:
    """A number the Vietnamese way: 110.000 and 26,1 (dot for thousands, comma for decimals)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# Enough lines to see the pattern of a drift without flooding the terminal.
SHOWN = 20
CHANNELS = dict(SourceChannel.choices)


def tally_label(item: dict[str, Any]) -> str:
    """Which row of which tally a mismatch names, in words."""
    if item["table"] == "pipeline":
        return "hồ sơ đang mở"
    if item["table"] == "deadlines":
        return f"hồ sơ đến hạn ngày {item['due']:%d/%m/%Y}"
    if item["table"] == "yield":
        return f"{CHANNELS.get(item['channel'], item['channel'])}, năm {item['year']}"
    if item["table"] == "retention":
        return f"khóa kết nạp năm {item['year']}, tuổi {item['band']}"
    return f"kết nạp năm {item['year']}"


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
        counters_ok = self._verify_counters()
        tallies_ok = self._verify_tallies()
        localities_ok = self._verify_localities()
        names_ok = self._verify_search()
        if not (counters_ok and tallies_ok and localities_ok and names_ok):
            raise CommandError("Bộ đếm không khớp với số đếm lại.", returncode=1)

    def _verify_counters(self) -> bool:
        total = Organisation.objects.count()
        mismatches = organisation_counter_mismatches()
        if not mismatches:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã kiểm tra {vn(total)} tổ chức đảng: số đảng viên và số quần chúng "
                    "lưu sẵn khớp với số đếm lại."
                )
            )
            return True
        self.stdout.write(
            self.style.ERROR(
                f"Có {vn(len(mismatches))} trên {vn(total)} tổ chức đảng lệch bộ đếm "
                "(đã lưu → đếm lại):"
            )
        )
        for item in mismatches[:SHOWN]:
            stored, recount = item["stored"], item["recount"]
            self.stdout.write(
                f"  {item['code']}: đảng viên {vn(stored['member_count'])} → "
                f"{vn(recount['member_count'])}; quần chúng {vn(stored['candidate_count'])} → "
                f"{vn(recount['candidate_count'])}"
            )
        if len(mismatches) > SHOWN:
            self.stdout.write(f"  … và {vn(len(mismatches) - SHOWN)} tổ chức khác.")
        self.stdout.write("Chạy `ptdv aggregates rebuild` để tính lại.")
        return False

    def _verify_tallies(self) -> bool:
        mismatches = aggregates_mismatches()
        if not mismatches:
            self.stdout.write(
                self.style.SUCCESS(
                    "Số kết nạp theo năm, số hồ sơ theo giai đoạn, theo hạn và theo nguồn lưu sẵn "
                    "khớp với số đếm lại."
                )
            )
            return True
        self.stdout.write(
            self.style.ERROR(
                f"Có {vn(len(mismatches))} dòng số liệu theo dõi lệch (đã lưu → đếm lại):"
            )
        )
        for item in mismatches[:SHOWN]:
            table = tally_label(item)
            changes = "; ".join(
                f"{name} {vn(item['stored'][name])} → {vn(item['recount'][name])}"
                for name in item["stored"]
            )
            self.stdout.write(f"  {item['code']} ({table}): {changes}")
        if len(mismatches) > SHOWN:
            self.stdout.write(f"  … và {vn(len(mismatches) - SHOWN)} dòng khác.")
        self.stdout.write("Chạy `ptdv aggregates rebuild` để tính lại.")
        return False

    def _verify_localities(self) -> bool:
        mismatches = locality_counter_mismatches()
        if not mismatches:
            self.stdout.write(
                self.style.SUCCESS(
                    "Số thôn, tổ dân phố (tổng, chưa có chi bộ riêng, chưa có đảng viên) và số "
                    "đảng viên cư trú lưu sẵn khớp với số đếm lại."
                )
            )
            return True
        self.stdout.write(
            self.style.ERROR(
                f"Có {vn(len(mismatches))} dòng số liệu thôn, tổ dân phố lệch (đã lưu → đếm lại):"
            )
        )
        for item in mismatches[:SHOWN]:
            changes = "; ".join(
                f"{name} {vn(item['stored'][name])} → {vn(item['recount'][name])}"
                for name in item["stored"]
                if item["stored"][name] != item["recount"][name]
            )
            self.stdout.write(f"  {item['code']}: {changes}")
        if len(mismatches) > SHOWN:
            self.stdout.write(f"  … và {vn(len(mismatches) - SHOWN)} dòng khác.")
        self.stdout.write("Chạy `ptdv aggregates rebuild` để tính lại.")
        return False

    def _verify_search(self) -> bool:
        mismatches = candidacy_search_mismatches()
        if not mismatches:
            self.stdout.write(
                self.style.SUCCESS(
                    "Mục tìm kiếm của mọi hồ sơ khớp với hồ sơ, công dân và tổ chức."
                )
            )
            return True
        self.stdout.write(
            self.style.ERROR(
                f"Có {vn(mismatches)} hồ sơ thiếu mục tìm kiếm hoặc mục tìm kiếm lệch. "
                "Chạy `ptdv aggregates rebuild` để ghi lại."
            )
        )
        return False

    def _rebuild(self) -> None:
        changed = organisation_counters_rebuild()
        total = Organisation.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại bộ đếm của {vn(total)} tổ chức đảng; {vn(changed)} tổ chức được sửa."
            )
        )
        tallies = aggregates_rebuild()
        rates = conversion_rates_rebuild(today=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại số liệu theo dõi: {vn(tallies)} dòng được sửa; "
                f"{vn(rates)} tỷ lệ chuyển thành kết nạp."
            )
        )
        named = candidacy_search_refresh()
        self.stdout.write(self.style.SUCCESS(f"Đã ghi lại mục tìm kiếm của {vn(named)} hồ sơ."))

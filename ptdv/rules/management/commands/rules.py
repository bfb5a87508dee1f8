"""`ptdv rules check CASE.json …` and `ptdv rules list` (the rule sets with their sources)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ptdv.rules import engine
from ptdv.rules.services import rules_calendar


class Command(BaseCommand):
    help = "Kiểm tra hồ sơ theo bộ quy định (rule-cases) và liệt kê các bộ quy định."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser(
            "check", help="Kiểm tra một hay nhiều tệp case JSON (JSON Lines ra stdout)."
        )
        check.add_argument("cases", nargs="+", metavar="CASE.json")
        listing = sub.add_parser("list", help="Liệt kê các bộ quy định, tham số và căn cứ.")
        listing.add_argument("--rule-set", help="Chỉ một bộ quy định (mã, ví dụ qd294-2025-07-01).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "check":
            code = engine.check_files(options["cases"], sys.stdout, sys.stderr, rules_calendar())
            sys.stdout.flush()
            sys.exit(code)
        for rule_set in engine.RULE_SETS:
            if options.get("rule_set") and rule_set.id != options["rule_set"]:
                continue
            until = rule_set.valid_to.strftime("%d/%m/%Y") if rule_set.valid_to else "nay"
            self.stdout.write(
                f"{rule_set.id}: {rule_set.label} — hiệu lực "
                f"{rule_set.valid_from:%d/%m/%Y} đến {until}"
            )
            for row in engine.list_parameters(rule_set):
                self.stdout.write(f"  {row.key} = {row.value}  ({row.label}; {row.source})")
            for rule in engine.list_rules(rule_set):
                self.stdout.write(f"  [{rule.rule_id}] {rule.label} — {rule.source}")

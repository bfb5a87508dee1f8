"""What the `ptdv` commands that read or change personal data share: `--as USERNAME`.

A command acts as a named, active user: it sees and changes only what that user's
assignments reach, and its audit entries name that user.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError, CommandParser

from ptdv.accounts.models import User


def add_actor_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        required=True,
        metavar="USERNAME",
        help="Người dùng thực hiện (phạm vi và nhật ký theo người này).",
    )


def command_actor(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"--as: không có người dùng đang hoạt động tên “{username}”.")
    return user


def parse_day(value: str, option: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"{option}: ngày không hợp lệ “{value}”; hãy nhập dạng dd/mm/yyyy.")

"""The `ptdv` console command: every non-web job, as Django management commands.

`ptdv demo load --seed 1` runs the `demo` management command with `load --seed 1`; any
Django command works too (`ptdv migrate`, `ptdv runserver`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["ptdv", *args])


if __name__ == "__main__":
    main()

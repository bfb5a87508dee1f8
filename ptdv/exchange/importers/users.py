"""Users and their role assignments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ptdv.accounts.models import Assignment, User
from ptdv.accounts.policies import users_visible_to
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import ADMINISTRATOR, BATCH
from ptdv.exchange.importers.parsing import parse_rows


class UserImporter(Importer):
    """One row per assignment: a user named on several rows gets several assignments."""

    kind = "users"

    def check(self) -> None:
        ctx = self.ctx
        pairs: dict[tuple[str, str], int] = {}
        usernames = set()
        for row, data in parse_rows(ctx):
            organisation = ctx.org(
                row, "organisation", data["organisation"], min_rank=ADMINISTRATOR
            )
            if organisation is None:
                continue
            username = data["username"]
            key = (username.lower(), data["organisation"])
            if key in pairs:
                ctx.error(row, "organisation", f"Trùng phân quyền với dòng {pairs[key]}.")
                continue
            pairs[key] = row
            if data.get("email"):
                try:
                    validate_email(data["email"])
                except ValidationError:
                    ctx.error(row, "email", "Địa chỉ thư điện tử không hợp lệ.")
                    continue
            usernames.add(username)
            self.items.append((row, data, organisation))
        self._against_existing(usernames)

    def _against_existing(self, usernames: set[str]) -> None:
        """Rows naming an existing user add an assignment (if the actor administers that
        user); rows naming a new one need a valid username and password."""
        ctx = self.ctx
        existing = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
        visible = set(
            users_visible_to(ctx.actor)
            .filter(pk__in=[u.pk for u in existing.values()])
            .values_list("pk", flat=True)
        )
        assigned = set(
            Assignment.objects.filter(user__in=list(existing.values())).values_list(
                "user__username", "organisation__code"
            )
        )
        kept = []
        for row, data, organisation in self.items:
            user = existing.get(data["username"].lower())
            if user is not None:
                if user.pk not in visible:
                    ctx.error(row, "username", "Tên đăng nhập đã được dùng.")
                    continue
                if (user.username, data["organisation"]) in assigned:
                    ctx.error(row, "organisation", "Người dùng đã được phân quyền tại tổ chức này.")
                    continue
                if data.get("password"):
                    ctx.warn(
                        row, "password", "Người dùng đã có: mật khẩu trong tệp không được dùng."
                    )
            elif not self._new_user_ok(row, data):
                continue
            kept.append((row, data, organisation, user))
        self.items = kept

    def _new_user_ok(self, row: int, data: dict[str, Any]) -> bool:
        ctx = self.ctx
        try:
            User.username_validator(data["username"])
        except ValidationError:
            ctx.error(row, "username", "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _.")
            return False
        if data.get("password"):
            try:
                # Judged against the row's own username, full name and e-mail.
                probe = User(
                    username=data["username"],
                    full_name=data.get("full_name") or "",
                    email=data.get("email") or "",
                )
                password_validation.validate_password(data["password"], probe)
            except ValidationError as exc:
                ctx.error(row, "password", " ".join(exc.messages))
                return False
        return True

    def write(self) -> int:
        users: dict[str, User] = {}
        assignments = []
        for _row, data, organisation, user in self.items:
            key = data["username"].lower()
            if user is None:
                user = users.get(key)
            if user is None:
                user = User(
                    username=data["username"],
                    full_name=data.get("full_name") or "",
                    email=data.get("email") or "",
                )
                if data.get("password"):
                    user.set_password(data["password"])
                else:
                    user.set_unusable_password()
                user.save()
            users[key] = user
            assignments.append(
                Assignment(user=user, organisation_id=organisation.id, role=data["role"])
            )
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        return len(assignments)

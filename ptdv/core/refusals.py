"""Refusals of well-formed requests: the difference between a 400 and a 422.

The API's contract (ptdv.core.api answers it, ptdv.core.schema documents it, the Schemathesis
test ptdv/core/tests/test_api_fuzz.py holds the API to it):

- **400**: the request does not match the schema — a type, a format, a required field, an
  enum, a pattern, a bound — or it names an object (by id) that is not found in the user's
  scope; absent and outside the scope answer alike ("Không tìm thấy …").
- **422**: the request matches the schema and names only what the user may name, but a rule the
  schema cannot state refuses it: a date after today, the constraints between the facts of one
  action (agree ≤ present ≤ summoned, a conclusion date unless waived, a member introducer
  needs a membership and months together…), the rule engine's verdict, the state of the named
  objects (a helper who is not an official member of the dossier's cell, a person who is
  already a member). Nothing is written, the answer carries the same envelope and field
  messages as a 400.

A service or a serializer marks such a refusal with the error code UNPROCESSABLE (`unprocessable`
for Django's ValidationError, `Unprocessable` in a DRF serializer). The web forms show the
messages as before; only the API's status differs. An answer that mixes a marked error with any
other error is a 400: the request did not match the schema in the first place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import serializers

UNPROCESSABLE = "unprocessable"


def unprocessable(errors: Mapping[str, Any]) -> ValidationError:
    """A Django ValidationError, by field, for a well-formed request a rule refuses (422).

    `errors` maps a field to a message or a list of messages."""
    return ValidationError(
        {
            field: [
                ValidationError(message, code=UNPROCESSABLE)
                for message in (messages if isinstance(messages, list | tuple) else [messages])
            ]
            for field, messages in errors.items()
        }
    )


class Unprocessable(serializers.ValidationError):
    """In a serializer's `validate_<field>` or `validate`: a refusal of a value the schema
    accepts (422). Every message it carries gets the code UNPROCESSABLE."""

    default_code = UNPROCESSABLE


def is_unprocessable(detail: Any) -> bool:
    """Whether every error of a DRF error detail (nested dicts and lists of ErrorDetail) is a
    refusal by a rule; an empty detail is not."""
    codes: set[str | None] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        else:
            codes.add(getattr(node, "code", None))

    walk(detail)
    return codes == {UNPROCESSABLE}

"""The form renderer (`settings.FORM_RENDERER`): Django's, with its commonest widget templates
written out in Python.

Django renders every widget through its template engine, and a `<select>` through one
`{% include %}` of `select_option.html` (which includes `attrs.html`) per option: the
candidate list's filter form, seven selects and about 120 options, took 6.7 ms of a 37 ms page
(issue 15, measured in the process on the province). The functions below produce the same
markup — character for character, `tests/test_renderers.py` compares them with the
templates' output — at a fraction of the cost. A template an installed app overrides, and any
other widget, is still rendered by its template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs

_DJANGO_WIDGETS = Path(django.__file__).parent / "forms" / "templates" / "django" / "forms"


def _text(value: Any) -> str:
    """`{{ value }}`: localised, then escaped unless already safe."""
    value = localize(template_localtime(value))
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: ` name="value"` for each attribute, ` name` for True, nothing for False
    (`|stringformat:'s'` is `str()`)."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(context: Mapping[str, Any]) -> str:
    """`input.html` (and the templates that only include it: text, number, date, …)."""
    widget = context["widget"]
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _option(option: Mapping[str, Any]) -> str:
    """`select_option.html`."""
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>"
    )


class FormRenderer(DjangoTemplates):
    """Django's default renderer, with `select.html`, `select_option.html` and `input.html`
    (with the templates that are nothing but an include of it) rendered in Python."""

    OPTION = "django/forms/widgets/select_option.html"
    INPUTS = (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "checkbox",
    )

    def __init__(self) -> None:
        fast: dict[str, Callable[[Mapping[str, Any]], str]] = {
            f"django/forms/widgets/{name}.html": _input for name in self.INPUTS
        }
        fast["django/forms/widgets/select.html"] = self._select
        fast[self.OPTION] = lambda context: _option(context["widget"])
        self._fast = {name: function for name, function in fast.items() if self._is_djangos(name)}

    def _is_djangos(self, template_name: str) -> bool:
        """Whether `template_name` is Django's own file (an app may override any of them; its
        version is then rendered as it is)."""
        origin = Path(self.get_template(template_name).origin.name)
        return origin.is_relative_to(_DJANGO_WIDGETS)

    def _select(self, context: Mapping[str, Any]) -> str:
        """`select.html`: the options (in their groups), each through `_option` unless the
        widget names an option template of its own."""
        widget = context["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                parts.append("\n  ")
                if option["template_name"] == self.OPTION and self.OPTION in self._fast:
                    # With the template file's own line end, which `{% include %}` keeps.
                    parts.append(_option(option) + "\n")
                else:
                    template = self.get_template(option["template_name"])
                    parts.append(template.render({**context, "widget": option}))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)

    def render(self, template_name: str, context: Any, request: Any = None) -> SafeString | str:
        fast = self._fast.get(template_name)
        if fast is None:
            return super().render(template_name, context, request)
        return mark_safe(fast(context))  # noqa: S308 - every value above is escaped

"""The form renderer's Python widgets against Django's own templates: the same markup."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from hypothesis import given, settings
from hypothesis import strategies as st

import ptdv
from ptdv.core.renderers import FormRenderer

FAST = FormRenderer()
SLOW = DjangoTemplates()


def both(field: forms.BoundField) -> tuple[str, str]:
    widget = field.field.widget
    name, value, attrs = field.html_name, field.value(), field.build_widget_attrs({})
    return (
        widget.render(name, value, attrs, renderer=FAST),
        widget.render(name, value, attrs, renderer=SLOW),
    )


class Sample(forms.Form):
    stage = forms.ChoiceField(
        choices=[("", "—"), ("a", "Nguồn <b>&</b>"), ("b", "Đã học lớp")], required=False
    )
    grouped = forms.ChoiceField(
        choices=[("Nhóm 1", [(1, "Một"), (2, "Hai")]), ('Nhóm "2"', [(3, "Ba")]), (4, "Bốn")]
    )
    many = forms.MultipleChoiceField(choices=[(1, "Một"), (2, "Hai"), (3, "Ba")])
    name = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"class": "x", "data-y": ""})
    )
    count = forms.IntegerField(min_value=0)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    flag = forms.BooleanField(required=False)
    mail = forms.EmailField()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"stage": "a", "grouped": "3", "many": ["1", "3"], "name": 'a"<b>', "count": "7",
         "day": "2026-01-31", "hidden": "h&", "secret": "s", "flag": "on", "mail": "a@b.vn"},
    ],
)  # fmt: skip
def test_the_sample_widgets_render_as_djangos_templates(data):
    form = Sample(data or None, initial={"day": dt.date(2026, 2, 1)})
    for field in form:
        fast, slow = both(field)
        assert fast == slow, field.name


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.text(max_size=12), min_size=1, max_size=6),
    value=st.text(max_size=8),
    attr=st.text(max_size=8),
)
def test_any_select_or_input_renders_as_djangos_templates(labels, value, attr):
    class Form(forms.Form):
        pick = forms.ChoiceField(
            choices=[(str(index), label) for index, label in enumerate(labels)],
            widget=forms.Select(attrs={"title": attr, "disabled": True, "hidden": False}),
        )
        text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": attr}))

    form = Form({"pick": value, "text": value})
    for field in form:
        fast, slow = both(field)
        assert fast == slow


def _project_forms():
    for module_info in pkgutil.walk_packages(ptdv.__path__, "ptdv."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.Form) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.django_db
def test_every_project_form_that_builds_alone_renders_as_djangos_templates():
    checked = 0
    for cls in _project_forms():
        try:
            form = cls()
        except TypeError:
            continue  # a form that needs arguments (an actor, a dossier): covered by its page
        for field in form:
            fast, slow = both(field)
            assert fast == slow, f"{cls.__module__}.{cls.__name__}.{field.name}"
            checked += 1
    assert checked > 20


def test_a_widget_template_without_a_python_twin_is_rendered_by_its_template():
    form = forms.Form()
    form.fields["body"] = forms.CharField(widget=forms.Textarea)
    fast, slow = both(form["body"])
    assert fast == slow
    assert "django/forms/widgets/textarea.html" not in FAST._fast

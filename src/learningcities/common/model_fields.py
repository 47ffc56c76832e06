"""One definition of each setting: its model field.

A setting's default, limits (``MinValueValidator`` / ``MaxValueValidator``)
and help text are written once, on the model field. Forms build their
fields from it (``setting_form_field``) and domain functions check values
against the same limits (``out_of_bounds``), so the page, the domain and
the API cannot disagree.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def setting_bounds(model: type[models.Model], name: str) -> tuple:
    """Return ``(lowest, highest)`` the field's validators allow (None: unbounded)."""
    validators = model._meta.get_field(name).validators
    lows = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
    return (max(lows) if lows else None, min(highs) if highs else None)


def setting_default(model: type[models.Model], name: str):
    """Return the field's default value."""
    return model._meta.get_field(name).get_default()


def setting_label(model: type[models.Model], name: str) -> str:
    """Return the field's name as a label (its verbose name, capitalised)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def setting_form_field(model: type[models.Model], name: str, **overrides) -> forms.Field:
    """Return the form field of setting ``name``: the model's label, help text, default, limits.

    ``overrides`` are keyword arguments of the form field (a widget, a label
    that says more in its page's context).
    """
    field = model._meta.get_field(name)
    limits = {}
    if isinstance(field, models.IntegerField | models.DecimalField) and not field.choices:
        limits = dict(zip(("min_value", "max_value"), setting_bounds(model, name), strict=True))
    return field.formfield(**{**limits, **overrides})


def out_of_bounds(model: type[models.Model], name: str, value) -> str | None:
    """Return the sentence saying ``value`` is outside the setting's limits, or None.

    An empty value (None) is for the field's own rule (``null``) to judge.
    """
    low, high = setting_bounds(model, name)
    if value is None or ((low is None or value >= low) and (high is None or value <= high)):
        return None
    return _("%(field)s runs from %(min)s to %(max)s.") % {
        "field": setting_label(model, name),
        "min": low,
        "max": high,
    }

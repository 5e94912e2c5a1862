"""What every keqi form shares: text fields refuse control characters, and a
choice left open reads "请选择…" instead of Django's "---------".

The middleware (``keqi.core.middleware``) already answers 400 to a web request
holding one; this makes the form itself say so as a field error, for every
caller (a test, a command, a page built on a form), so bad text can never reach a
service through a form.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from keqi.core.text_safety import control_character_error


def refuse_control_characters(value: Any) -> None:
    """Field validator: a ValidationError with the Chinese message, naming the
    character and its position, when the text holds a control character."""
    if isinstance(value, str):
        error = control_character_error(value)
        if error is not None:
            raise ValidationError(error, code="control_character")


class RefuseControlCharacters:
    """Form mixin (put it first): every text field of the form gets the validator,
    also fields a form adds in its own ``__init__``."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and refuse_control_characters not in field.validators
            ):
                field.validators.append(refuse_control_characters)
        super().full_clean()  # type: ignore[misc]


DJANGO_BLANK = "---------"
CHOOSE = "请选择…"


class ChineseEmptyChoice:
    """Form mixin: Django's "---------" empty option of a select becomes "请选择…".

    A form that means "no filter" by the empty option names it itself (e.g.
    ``empty_label="全部"``); only Django's own dashes are replaced.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DJANGO_BLANK:
                    field.empty_label = CHOOSE
            elif isinstance(field, forms.ChoiceField):
                choices: list[tuple[Any, Any]] = list(cast(Any, field.choices))
                if any(label == DJANGO_BLANK for _, label in choices):
                    field.choices = [
                        (value, CHOOSE if label == DJANGO_BLANK else label)
                        for value, label in choices
                    ]


class SafeForm(RefuseControlCharacters, ChineseEmptyChoice, forms.Form):
    """keqi's plain form."""


class SafeModelForm(RefuseControlCharacters, ChineseEmptyChoice, forms.ModelForm):  # type: ignore[type-arg]
    """keqi's model form."""


def errors_onto_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: each message on the field it
    names, the others (and a plain message) above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        form.add_error(key if key in form.fields else None, errors)

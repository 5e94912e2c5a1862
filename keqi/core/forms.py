"""What every keqi form shares: text fields refuse control characters.

The middleware (``keqi.core.middleware``) already answers 400 to a web request
holding one; this makes the form itself say so as a field error, for every
caller (a test, a command, a page built on a form), so bad text can never reach a
service through a form.
"""

from __future__ import annotations

from typing import Any

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


class SafeForm(RefuseControlCharacters, forms.Form):
    """keqi's plain form."""


class SafeModelForm(RefuseControlCharacters, forms.ModelForm):  # type: ignore[type-arg]
    """keqi's model form."""

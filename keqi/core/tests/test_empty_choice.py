"""A select left open reads "请选择…", also on a field the form adds itself (issue 16:
the partners' edit forms showed Django's "---------")."""

from __future__ import annotations

from typing import Any

from django import forms

from keqi.core.forms import SafeForm


class AddsItsOwnField(SafeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label="类型", choices=[("", "---------"), ("uni", "高校")], required=False
        )


def test_a_field_added_after_the_form_was_made_shows_the_chinese_empty_option() -> None:
    html = str(AddsItsOwnField())
    assert "请选择…" in html and "---------" not in html

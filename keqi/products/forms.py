"""Input shapes of the products pages: the partners' model form (enterprise typed as
统一社会信用代码 or full name, resolved within the user's scope; Chinese labels
from verbose_name). The services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from keqi.partners.forms import PartnerForm
from keqi.products.models import Product, Transformation
from keqi.products.services import PRODUCT_FIELDS, TRANSFORMATION_FIELDS


class ProductForm(PartnerForm):
    model = Product
    field_names = PRODUCT_FIELDS


class TransformationForm(PartnerForm):
    model = Transformation
    field_names = TRANSFORMATION_FIELDS
    textareas = ("description",)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # A year is typed like the other boxes (the browser's number box is narrow).
        self.fields["year"].widget = forms.TextInput(attrs={"inputmode": "numeric"})

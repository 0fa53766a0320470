from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper


class GDSFormMixin:
    """Renders a form with GOV.UK Frontend markup through crispy-forms-gds. The surrounding
    ``<form>``, the error summary and the button come from ``includes/form.html``."""

    submit_label = "Continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No layout: crispy renders every field the form has when it is rendered, including
        # fields added after this constructor has run.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

"""Loading the LEPs from the shipped ONS reference data, shared by the data migration (with the
historical model) and by tests whose database is flushed between cases."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from lepportal.core.reference import leps


def organisations_load_leps(organisation_model: Any) -> int:
    """Create or update the 38 LEPs, matched by ONS code. Returns how many there are."""
    for lep in leps():
        organisation_model.objects.update_or_create(
            ons_code=lep.ons_code,
            defaults={"name": lep.name, "slug": slugify(lep.name), "kind": "lep", "wave": lep.wave},
        )
    return len(leps())

"""The strategies' CSV downloads (the progress tracker and a strategy's indicators): text
people typed cannot run as a formula when the file is opened; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from strategies.evidence import services as evidence_services
from strategies.services import strategy_create
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_tracker_csv_neutralises_names_and_titles(client, cast) -> None:
    organisation = OrganisationFactory(name='=HYPERLINK("http://evil")', slug="evil")
    strategy_create(organisation=organisation, title="+Grow the region", author=cast.admin)
    response = client.get(reverse("strategies:tracker_csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    evil = next(r for r in rows if r["ons_code"] == organisation.ons_code)
    assert evil["organisation"] == '\'=HYPERLINK("http://evil")'
    assert evil["strategy"] == "'+Grow the region"
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_kpi_csv_neutralises_every_text_cell_but_keeps_negative_numbers(
    client, cast, strategy
) -> None:
    kpi = evidence_services.kpi_save(
        strategy=strategy,
        name="@SUM(1+1)*cmd",
        unit="-pp",
        baseline_value=Decimal("-1.5"),
        baseline_date=date(2017, 3, 31),
        target_value=Decimal("2"),
        target_date=date(2030, 3, 31),
        priority=None,
    )
    evidence_services.kpi_reading_add(
        kpi=kpi, on=date(2020, 3, 31), value=Decimal("-0.5"), note="=1+1", author=cast.editor
    )
    client.force_login(cast.editor)
    kw = {"org": cast.organisation.slug, "slug": strategy.slug}
    body = client.get(reverse("strategies:kpis_csv", kwargs=kw)).content.decode()
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["indicator"] == "'@SUM(1+1)*cmd"
    assert row["unit"] == "'-pp"
    assert row["reading_note"] == "'=1+1"
    assert row["baseline_value"] == "-1.500"
    assert row["reading_value"] == "-0.500"

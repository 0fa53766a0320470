from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from strategies import services
from strategies.models import EvidenceBlock, EvidenceDataset, Kpi, SectorFigure, Strategy

pytestmark = pytest.mark.django_db
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "strategies/evidence/data/example.csv"
).read_bytes()
Status = Strategy.Status


def upload(client, org, data: bytes, year: int = 2017, name: str = "figures.csv"):
    return client.post(
        reverse("strategies:evidence", kwargs={"org": org.slug}),
        {
            "year": year,
            "nation": "england",
            "source_note": "ONS BRES 2017",
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )


def test_editor_uploads_and_finds_manufacturing_flagged(client, cast) -> None:
    client.force_login(cast.editor)
    response = upload(client, cast.organisation, EXAMPLE)
    assert response.status_code == 302
    dataset = EvidenceDataset.objects.get(organisation=cast.organisation, year=2017)
    assert dataset.figures.count() == 21
    page = client.get(response["Location"]).content.decode()
    assert "Manufacturing: location quotient 2.51" in page
    assert "<svg" in page and "<title" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"sector,area_employment\nC,10\n", "national_employment"),
        (b"sector,area_employment,national_employment\nZ,10,100\n", "Z"),
        (b"sector,area_employment,national_employment\nC,-5,100\n", "negative"),
        (b"sector,area_employment,national_employment\nC,500,100\n", "larger than"),
        (b"sector,area_employment,national_employment\nC,10,100\nC,10,100\n", "already given"),
        ("sector,area_employment,national_employment\nC,1\xe9,100\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_change_nothing(
    client, cast, data, message
) -> None:
    client.force_login(cast.editor)
    upload(client, cast.organisation, EXAMPLE)
    before = list(SectorFigure.objects.values_list("section", "area_employment"))
    response = upload(client, cast.organisation, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The file was not saved" in body
    assert message.lower() in body.lower()
    assert list(SectorFigure.objects.values_list("section", "area_employment")) == before
    assert EvidenceDataset.objects.count() == 1


def test_reupload_of_a_year_replaces_its_figures(client, cast) -> None:
    client.force_login(cast.editor)
    upload(client, cast.organisation, EXAMPLE)
    upload(
        client,
        cast.organisation,
        b"sector,area_employment,national_employment\nC,10,100\nG,90,900\n",
    )
    dataset = EvidenceDataset.objects.get()
    assert sorted(dataset.figures.values_list("section", flat=True)) == ["C", "G"]


def test_oversized_file_is_refused(client, cast, settings) -> None:
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    client.force_login(cast.editor)
    response = upload(client, cast.organisation, EXAMPLE)
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not EvidenceDataset.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("viewer", 200), ("other_member", 404), ("respondent", 404), ("editor", 200)],
)
def test_evidence_pages_are_for_the_organisations_staff(client, cast, role, status) -> None:
    client.force_login(cast.editor)
    upload(client, cast.organisation, EXAMPLE)
    client.force_login(getattr(cast, role))
    assert (
        client.get(
            reverse("strategies:evidence", kwargs={"org": cast.organisation.slug})
        ).status_code
        == status
    )
    assert (
        client.get(
            reverse(
                "strategies:evidence_dataset", kwargs={"org": cast.organisation.slug, "year": 2017}
            )
        ).status_code
        == status
    )


def test_viewer_cannot_upload(client, cast) -> None:
    client.force_login(cast.viewer)
    assert upload(client, cast.organisation, EXAMPLE).status_code == 404
    assert not EvidenceDataset.objects.exists()


def test_placed_evidence_is_frozen_in_versions_and_public_page(client, cast, strategy) -> None:
    client.force_login(cast.editor)
    upload(client, cast.organisation, EXAMPLE)
    section = strategy.sections.get(anchor="our-place-and-economy")
    response = client.post(
        reverse(
            "strategies:evidence_dataset", kwargs={"org": cast.organisation.slug, "year": 2017}
        ),
        {"kind": "strengths", "section": section.pk},
    )
    assert response.status_code == 302
    block = EvidenceBlock.objects.get()
    section.refresh_from_db()
    assert block.shortcode in section.body
    for step in (
        Status.INTERNAL_REVIEW,
        Status.CONSULTATION,
        Status.REVISING,
        Status.SUBMITTED,
        Status.AGREED,
    ):
        services.strategy_transition(strategy=strategy, target=step, actor=cast.lead)
    version = services.version_create(strategy=strategy, label="Final", author=cast.lead)
    services.strategy_transition(
        strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=version
    )
    # A later upload of the same year changes the dataset, not what was placed.
    upload(
        client,
        cast.organisation,
        b"sector,area_employment,national_employment\nC,10,100\nG,90,900\n",
    )
    client.logout()
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert "Super strengths" in page
    assert "Manufacturing" in page
    assert "Source: ONS BRES 2017 (2017)" in page


def test_a_shortcode_from_another_organisation_shows_nothing_of_it(client, cast, strategy) -> None:
    client.force_login(cast.other_member)
    upload(client, cast.other_organisation, EXAMPLE)
    other_section = services.strategy_create(
        organisation=cast.other_organisation, title="Theirs", author=cast.other_member
    ).sections.first()
    client.post(
        reverse(
            "strategies:evidence_dataset",
            kwargs={"org": cast.other_organisation.slug, "year": 2017},
        ),
        {"kind": "table", "section": other_section.pk},
    )
    foreign = EvidenceBlock.objects.get()
    section = strategy.sections.first()
    services.section_revise(
        section=section, title="F", body=foreign.shortcode, author=cast.editor, base_revision=None
    )
    client.force_login(cast.editor)
    page = client.get(
        reverse("strategies:preview", kwargs={"org": cast.organisation.slug, "slug": strategy.slug})
    ).content.decode()
    assert "[Evidence not available]" in page
    assert "Manufacturing" not in page


def test_kpis_with_readings_show_status_and_export_csv_safely(client, cast, strategy) -> None:
    client.force_login(cast.editor)
    kw = {"org": cast.organisation.slug, "slug": strategy.slug}
    response = client.post(
        reverse("strategies:kpis", kwargs=kw),
        {
            "name": '=HYPERLINK("http://evil")',
            "unit": "£",
            "priority": "",
            "baseline_value": "30",
            "baseline_date_0": "31",
            "baseline_date_1": "3",
            "baseline_date_2": "2017",
            "target_value": "40",
            "target_date_0": "31",
            "target_date_1": "3",
            "target_date_2": "2030",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kpi = Kpi.objects.get()
    response = client.post(
        reverse("strategies:kpi", kwargs={**kw, "pk": kpi.pk}),
        {"date_0": "31", "date_1": "3", "date_2": "2020", "value": "39", "note": "ONS"},
    )
    assert response.status_code == 302
    page = client.get(reverse("strategies:kpis", kwargs=kw)).content.decode()
    assert "On track" in page
    csv_body = client.get(reverse("strategies:kpis_csv", kwargs=kw)).content.decode()
    assert "'=HYPERLINK" in csv_body
    assert "On track" in csv_body


def test_kpi_form_keeps_input_and_explains_bad_dates(client, cast, strategy) -> None:
    client.force_login(cast.editor)
    kw = {"org": cast.organisation.slug, "slug": strategy.slug}
    response = client.post(
        reverse("strategies:kpis", kwargs=kw),
        {
            "name": "Jobs",
            "unit": "jobs",
            "priority": "",
            "baseline_value": "10",
            "baseline_date_0": "1",
            "baseline_date_1": "1",
            "baseline_date_2": "2030",
            "target_value": "20",
            "target_date_0": "1",
            "target_date_1": "1",
            "target_date_2": "2020",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "target date must be after the baseline" in body
    assert 'value="Jobs"' in body
    assert not Kpi.objects.exists()


def test_exports_of_the_published_version_are_public_and_drafts_are_not(
    client, cast, strategy, django_capture_on_commit_callbacks
) -> None:
    version = services.version_create(strategy=strategy, label="Draft", author=cast.editor)
    url = reverse(
        "strategies:version_export",
        kwargs={
            "org": cast.organisation.slug,
            "slug": strategy.slug,
            "number": version.number,
            "fmt": "pdf",
        },
    )
    assert client.get(url).status_code == 404
    client.force_login(cast.other_member)
    assert client.get(url).status_code == 404
    client.force_login(cast.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        pending = client.get(url.replace("export.pdf", "export.docx"))
    assert "is being prepared" in pending.content.decode()
    docx = client.get(url.replace("export.pdf", "export.docx"))
    assert docx["Content-Disposition"].endswith('.docx"')
    assert client.get(url.replace("export.pdf", "export.exe")).status_code == 404

"""The evidence base and key performance indicators in a real browser: uploading sector figures,
reading the location quotients as a table and a chart, placing the chart in a strategy and
publishing it (on the page and in the PDF), refusing a bad file, and tracking indicators, all
checked with axe."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from strategies import services
from strategies.models import EvidenceBlock, EvidenceDataset, Kpi, Strategy, StrategyVersion
from tests.browser.conftest import PageProbe, assert_accessible, sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE_CSV = (
    Path(__file__).resolve().parents[2] / "strategies" / "evidence" / "data" / "example.csv"
)
HEADER_ROW = (
    "sector,area_employment,national_employment,area_gva,national_gva,area_hours,national_hours"
)
SOURCE = "ONS BRES 2017"
TABLE_NAME = "Employment by sector and location quotient, 2017"
PLACE_AND_ECONOMY = "Our place and economy"
TO_AGREED = ["internal-review", "consultation", "revising", "submitted", "agreed"]
BEHIND_KPI = "Jobs in advanced manufacturing"

# The public page's template offers the PDF and the indicators, but its view
# (strategies.views.strategy_public) passes neither ``export_urls`` nor ``kpi_rows``.


@pytest.fixture
def strategy(cast: Any) -> Strategy:
    return services.strategy_create(
        organisation=cast.organisation, title="Local Industrial Strategy", author=cast.editor
    )


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """Pages in fresh browser contexts (another person, or no JavaScript), closed after."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.probe = PageProbe(page)
        return page

    yield make
    for context in contexts:
        context.close()


def evidence_url(strategy_or_org: Any) -> str:
    organisation = getattr(strategy_or_org, "organisation", strategy_or_org)
    return reverse("strategies:evidence", kwargs={"org": organisation.slug})


def kpis_url(strategy: Strategy) -> str:
    kwargs = {"org": strategy.organisation.slug, "slug": strategy.slug}
    return reverse("strategies:kpis", kwargs=kwargs)


def success_banner(page: Any) -> Any:
    return page.locator(".govuk-notification-banner--success")


def fill_upload(page: Any, *, year: str, source: str, file: Any) -> None:
    page.get_by_label("Year").fill(year)
    page.get_by_label("England").check()
    page.get_by_label("Source").fill(source)
    page.get_by_label("CSV file").set_input_files(file)


def upload_example(page: Any) -> None:
    fill_upload(page, year="2017", source=SOURCE, file=EXAMPLE_CSV)
    page.get_by_role("button", name="Upload and check").click()
    expect(success_banner(page)).to_contain_text("The 2017 figures have been saved and analysed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sector strengths, 2017")


def sector_order(page: Any) -> list[str]:
    rowheaders = page.get_by_role("table", name=TABLE_NAME).get_by_role("rowheader")
    expect(rowheaders).to_have_count(21)  # every SIC 2007 section, once the page has loaded
    return rowheaders.all_inner_texts()


def publish(strategy: Strategy, lead: Any) -> StrategyVersion:
    for target in TO_AGREED:
        services.strategy_transition(strategy=strategy, target=target, actor=lead)
    version = services.version_create(strategy=strategy, label="Published version", author=lead)
    services.strategy_transition(
        strategy=strategy, target=Strategy.Status.PUBLISHED, actor=lead, version=version
    )
    strategy.refresh_from_db()
    return version


def pdf_text(download: Any) -> str:
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-"), data[:200]
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def place_chart_and_publish(cast: Any, strategy: Strategy) -> EvidenceBlock:
    """Without the browser: what the first test does through the pages."""
    from strategies.evidence import services as evidence_services

    dataset = evidence_services.dataset_upload(
        organisation=cast.organisation,
        year=2017,
        nation=EvidenceDataset.Nation.ENGLAND,
        source_note=SOURCE,
        data=EXAMPLE_CSV.read_bytes(),
        file_name="example.csv",
        author=cast.editor,
    )
    block = evidence_services.evidence_place(
        dataset=dataset,
        kind=EvidenceBlock.Kind.CHART,
        section=strategy.sections.get(title=PLACE_AND_ECONOMY),
        author=cast.editor,
    )
    publish(strategy, cast.lead)
    return block


def test_editor_uploads_evidence_places_its_chart_and_the_public_sees_it(
    page: Any, new_page: Any, cast: Any, strategy: Strategy
) -> None:
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(evidence_url(strategy))
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence base")
    expect(page.get_by_text("No figures have been uploaded yet.")).to_be_visible()
    assert_accessible(page)

    # The empty template is the header row and nothing else.
    page.get_by_text("The CSV format").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="Download the empty template").click()
    assert template.value.suggested_filename == "evidence-template.csv"
    content = Path(template.value.path()).read_text(encoding="utf-8-sig")
    assert content.strip().splitlines() == [HEADER_ROW]

    upload_example(page)
    dataset = EvidenceDataset.objects.get(organisation=cast.organisation, year=2017)
    assert dataset.source_note == SOURCE
    expect(page.locator("main")).to_contain_text(f"Source: {SOURCE}, compared with England.")

    # The chart: one SVG image, named by its title.
    chart = page.locator("main svg[role='img']")
    expect(chart).to_have_count(1)
    expect(chart.locator("title").first).to_have_text(
        "Location quotients by sector in Cheshire and Warrington, 2017"
    )
    expect(
        page.get_by_role(
            "img", name=re.compile(r"^Location quotients by sector in Cheshire and Warrington")
        )
    ).to_be_visible()

    # The table and the findings both flag Manufacturing as a super strength.
    table = page.get_by_role("table", name=TABLE_NAME)
    manufacturing = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="C: Manufacturing")
    )
    expect(manufacturing.get_by_role("cell").last).to_have_text("Super strength")
    findings = page.locator("h2:text-is('Findings') + ul > li")
    expect(findings.filter(has_text="Manufacturing")).to_contain_text("super strength")
    expect(findings.filter(has_text="Financial and insurance")).to_contain_text("specialism")
    assert_accessible(page)

    # Sorted by location quotient first; then by jobs, then by sector.
    assert sector_order(page)[:2] == ["C: Manufacturing", "B: Mining and quarrying"]
    headers = page.get_by_role("table", name=TABLE_NAME).get_by_role("columnheader")
    expect(headers.filter(has_text="Location quotient")).to_have_attribute(
        "aria-sort", "descending"
    )
    page.get_by_role("link", name="jobs", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?sort=jobs"))
    expect(headers.filter(has_text="Jobs in the area")).to_have_attribute("aria-sort", "descending")
    by_jobs = sector_order(page)
    assert by_jobs[:3] == [
        "C: Manufacturing",
        "G: Wholesale and retail trade; repair of motor vehicles and motorcycles",
        "Q: Human health and social work activities",
    ]
    assert sorted(name[0] for name in by_jobs[-2:]) == ["T", "U"]  # nobody employed
    expect(page.get_by_role("link", name="jobs", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    page.get_by_role("link", name="sector", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?sort=sector"))
    expect(headers.filter(has_text="Sector (SIC 2007)")).to_have_attribute("aria-sort", "ascending")
    by_sector = sector_order(page)
    assert [name.split(":")[0] for name in by_sector] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert by_sector != by_jobs
    expect(page.locator("th[aria-sort]")).to_have_count(1)

    # Place the chart in "Our place and economy".
    page.get_by_label("Chart").check()
    page.get_by_label("Section", exact=True).select_option(
        label=f"{strategy.title}: {PLACE_AND_ECONOMY}"
    )
    page.get_by_role("button", name="Place in the section").click()
    expect(success_banner(page)).to_contain_text(
        f"The evidence has been placed in “{PLACE_AND_ECONOMY}”."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit: {PLACE_AND_ECONOMY}")
    block = EvidenceBlock.objects.get(dataset=dataset)
    assert block.kind == EvidenceBlock.Kind.CHART
    expect(page.get_by_label("Text", exact=True)).to_have_value(
        re.compile(rf"\[\[evidence:{block.pk}\]\]")
    )

    page.get_by_role("navigation", name="Strategy").get_by_role(
        "link", name="Read the draft"
    ).click()
    section = page.get_by_role("region", name=PLACE_AND_ECONOMY)
    expect(section.locator("svg[role='img']")).to_have_count(1)
    expect(section.locator("svg title").first).to_have_text("Location quotients by sector, 2017")
    expect(section.locator("figcaption")).to_contain_text(f"Source: {SOURCE}")
    assert_accessible(page)

    # The lead publishes; an anonymous visitor sees the chart and its source line.
    version = publish(strategy, cast.lead)
    visitor = new_page()
    visitor.goto(strategy.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_have_text(strategy.title)
    public_section = visitor.get_by_role("region", name=PLACE_AND_ECONOMY)
    expect(public_section.get_by_role("img", name=re.compile("Location quotients"))).to_be_visible()
    expect(public_section.locator("figcaption")).to_have_text(
        f"Source: {SOURCE} (2017), compared with England."
    )
    assert_accessible(visitor)

    # The PDF of the published version, from the version's page (the public page's own link
    # is covered by test_public_page_offers_the_pdf_of_the_published_version).
    lead = new_page()
    sign_in(lead, cast.lead.email, TEST_PASSWORD)
    lead.goto(
        reverse(
            "strategies:version",
            kwargs={
                "org": strategy.organisation.slug,
                "slug": strategy.slug,
                "number": version.number,
            },
        )
    )
    with lead.expect_download() as pdf:
        lead.get_by_role("link", name=f"Download version {version.number} as PDF").click()
    assert pdf.value.suggested_filename.endswith(f"-v{version.number}.pdf")
    text = pdf_text(pdf.value)
    assert f"Source: {SOURCE}" in text
    assert "Manufacturing" in text


def test_public_page_offers_the_pdf_of_the_published_version(
    page: Any, cast: Any, strategy: Strategy
) -> None:
    place_chart_and_publish(cast, strategy)
    version = strategy.published_version
    page.goto(strategy.get_absolute_url())
    link = page.get_by_role("link", name=f"Download version {version.number} as PDF")
    expect(link).to_have_count(1)
    with page.expect_download() as pdf:
        link.click()
    text = pdf_text(pdf.value)
    assert f"Source: {SOURCE}" in text
    assert "Manufacturing" in text


def test_bad_upload_names_each_problem_and_saves_nothing(
    page: Any, cast: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "sector,area_employment,national_employment\nA,100,1000\nZ,100,1000\nB,-5,1000\n",
        encoding="utf-8",
    )
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(evidence_url(cast.organisation))
    fill_upload(page, year="2017", source=SOURCE, file=bad)
    page.get_by_role("button", name="Upload and check").click()

    assert page.title().startswith("Error:")
    # One error summary, at the top, naming each line and column.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("heading")).to_have_text("The file was not saved: 2 problems to fix")
    problems = summary.get_by_role("listitem")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("Line 3, column “sector”")
    expect(problems.nth(0)).to_contain_text("'Z'")
    expect(problems.nth(1)).to_contain_text("Line 4, column “area_employment”")
    expect(problems.nth(1)).to_contain_text("negative")
    # What was typed is kept (a file input cannot be refilled by the server).
    expect(page.get_by_label("Year")).to_have_value("2017")
    expect(page.get_by_label("Source")).to_have_value(SOURCE)
    expect(page.get_by_label("England")).to_be_checked()
    assert_accessible(page)

    # Each problem links to the file field.
    problems.nth(0).get_by_role("link").click()
    expect(page.get_by_label("CSV file")).to_be_focused()
    assert not EvidenceDataset.objects.exists()


def test_editor_adds_an_indicator_and_a_reading_that_is_behind(
    page: Any, cast: Any, strategy: Strategy
) -> None:
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(strategy.get_draft_url())
    page.get_by_role("navigation", name="Strategy").get_by_role("link", name="Indicators").click()
    expect(page).to_have_url(re.compile(re.escape(kpis_url(strategy)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Key performance indicators")
    expect(page.get_by_text("No indicators yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name").fill(BEHIND_KPI)
    page.get_by_label("Unit").fill("jobs")
    page.get_by_label("Baseline value").fill("10000")
    baseline = page.get_by_role("group", name="Baseline date")
    baseline.get_by_label("Day").fill("1")
    baseline.get_by_label("Month").fill("1")
    baseline.get_by_label("Year").fill("2019")
    page.get_by_label("Target value").fill("20000")
    target = page.get_by_role("group", name="Target date")
    target.get_by_label("Day").fill("1")
    target.get_by_label("Month").fill("1")
    target.get_by_label("Year").fill("2029")
    page.get_by_role("button", name="Save indicator").click()
    expect(success_banner(page)).to_contain_text("The indicator has been added.")
    table = page.get_by_role("table", name="Key performance indicators")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=BEHIND_KPI))
    expect(row).to_contain_text("No readings yet")
    assert_accessible(page)
    kpi = Kpi.objects.get(strategy=strategy)
    assert (kpi.baseline_date.isoformat(), kpi.target_date.isoformat()) == (
        "2019-01-01",
        "2029-01-01",
    )

    # Halfway to the target date the line expects 15,000; 11,000 is behind.
    row.get_by_role("link", name=BEHIND_KPI).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BEHIND_KPI)
    reading = page.get_by_role("group", name="Date of the reading")
    reading.get_by_label("Day").fill("1")
    reading.get_by_label("Month").fill("1")
    reading.get_by_label("Year").fill("2024")
    page.get_by_label("Value").fill("11000")
    page.get_by_label("Note").fill("ONS BRES 2024")
    page.get_by_role("button", name="Add reading").click()
    expect(success_banner(page)).to_contain_text("The reading has been added.")
    status = page.locator(".govuk-summary-list__row").filter(has_text="Status")
    expect(status.locator("dd")).to_have_text("Behind")
    readings = page.get_by_role("table", name="Readings")
    expect(readings).to_contain_text("1 January 2024")
    expect(readings).to_contain_text("11,000 jobs")
    assert_accessible(page)

    page.get_by_role("navigation", name="Strategy").get_by_role("link", name="Indicators").click()
    expect(row.get_by_role("cell").last).to_have_text("Behind")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == f"{strategy.slug}-kpis.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert [(r["indicator"], r["status"], r["reading_value"]) for r in rows] == [
        (BEHIND_KPI, "Behind", "11000.000")
    ]


def test_published_page_shows_measuring_progress(page: Any, cast: Any, strategy: Strategy) -> None:
    from datetime import date
    from decimal import Decimal

    from strategies.evidence import services as evidence_services

    kpi = evidence_services.kpi_save(
        strategy=strategy,
        name=BEHIND_KPI,
        unit="jobs",
        baseline_value=Decimal(10000),
        baseline_date=date(2019, 1, 1),
        target_value=Decimal(20000),
        target_date=date(2029, 1, 1),
        priority=None,
    )
    evidence_services.kpi_reading_add(
        kpi=kpi, on=date(2024, 1, 1), value=Decimal(11000), note="", author=cast.editor
    )
    publish(strategy, cast.lead)
    page.goto(strategy.get_absolute_url())
    progress = page.get_by_role("region", name="Measuring progress")
    expect(progress).to_be_visible()
    row = progress.get_by_role("row").filter(has=page.get_by_role("rowheader", name=BEHIND_KPI))
    expect(row.get_by_role("cell").last).to_have_text("Behind")
    assert_accessible(page)
    with page.expect_download() as download:
        progress.get_by_role("link", name=re.compile("Download the indicators")).click()
    assert BEHIND_KPI in Path(download.value.path()).read_text("utf-8")


def test_upload_and_dataset_page_work_without_javascript(
    new_page: Any, cast: Any, strategy: Strategy
) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(evidence_url(strategy))
    upload_example(page)
    expect(page.locator("main svg[role='img']")).to_have_count(1)
    table = page.get_by_role("table", name=TABLE_NAME)
    expect(
        table.get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="C: Manufacturing"))
        .get_by_role("cell")
        .last
    ).to_have_text("Super strength")
    page.get_by_role("link", name="sector", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?sort=sector"))
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Sector (SIC 2007)")
    assert sector_order(page)[0] == "A: Agriculture, forestry and fishing"

    page.get_by_label("Section", exact=True).select_option(
        label=f"{strategy.title}: {PLACE_AND_ECONOMY}"
    )
    page.get_by_role("button", name="Place in the section").click()
    expect(success_banner(page)).to_contain_text("The evidence has been placed")
    block = EvidenceBlock.objects.get()
    expect(page.get_by_label("Text", exact=True)).to_have_value(
        re.compile(rf"\[\[evidence:{block.pk}\]\]")
    )
    assert page.probe.console_errors == []

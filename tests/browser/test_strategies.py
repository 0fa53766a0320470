"""Strategy drafting in a real browser: editing with live preview and autosave, conflicts,
history and diffs, the workflow to publication, and who may see a draft, checked with axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from strategies import services
from strategies.models import Section, SectionDraft, Strategy
from tests.browser.conftest import PageProbe, assert_accessible, sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

AUTOSAVE_WAIT_MS = 12_000


@pytest.fixture
def strategy(cast: Any) -> Strategy:
    return services.strategy_create(
        organisation=cast.organisation, title="Local Industrial Strategy", author=cast.editor
    )


@pytest.fixture
def foreword(strategy: Strategy) -> Section:
    return strategy.sections.get(anchor="foreword")


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


def edit_url(strategy: Strategy, section: Section) -> str:
    kwargs = {"org": strategy.organisation.slug, "slug": strategy.slug, "pk": section.pk}
    return reverse("strategies:section_edit", kwargs=kwargs)


def write(section: Section, body: str, author: Any) -> None:
    section.refresh_from_db()
    services.section_revise(
        section=section,
        title=section.title,
        body=body,
        author=author,
        base_revision=section.latest_revision,
    )


def success_banner(page: Any) -> Any:
    return page.locator(".govuk-notification-banner--success")


def test_editor_edits_with_live_preview_and_compares_revisions(
    page: Any, cast: Any, strategy: Strategy, foreword: Section
) -> None:
    write(foreword, "Cheshire and Warrington is a place of science.", cast.lead)
    sign_in(page, cast.editor.email, TEST_PASSWORD)

    page.goto(strategy.get_draft_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(strategy.title)
    assert_accessible(page)

    page.get_by_role("link", name="Edit Foreword").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: Foreword")
    page.wait_for_load_state("load")  # editor.js, a module script, has run
    text = page.get_by_label("Text", exact=True)
    expect(text).to_have_value("Cheshire and Warrington is a place of science.")
    text.fill("Cheshire and Warrington is a place of **world-class** research.\n\n- Energy")
    # The live preview is rendered on the server as the editor types.
    expect(page.locator("#preview strong")).to_have_text("world-class")
    expect(page.locator("#preview li")).to_have_text("Energy")
    assert_accessible(page)

    # The server-side Preview button keeps the text and renders it too.
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("world-class")
    expect(page.get_by_label("Text", exact=True)).to_have_value(re.compile(r"world-class"))

    page.get_by_role("button", name="Save section").click()
    expect(success_banner(page)).to_contain_text("“Foreword” saved as revision 2.")
    assert_accessible(page)

    page.get_by_role("link", name="History of Foreword").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of “Foreword”")
    assert_accessible(page)
    page.get_by_label("Compare from revision 1").check()
    page.get_by_label("Compare to revision 2").check()
    page.get_by_role("button", name="Compare revisions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("from revision 1 to revision 2")
    diff = page.locator(".portal-diff")
    expect(diff.locator("ins").first).to_be_visible()
    expect(diff.locator("ins").first).to_contain_text("**world-class**")
    expect(diff.locator("del").first).to_contain_text("science.")
    assert_accessible(page)


def test_second_editor_gets_a_conflict_page_and_merges(
    page: Any, new_page: Any, cast: Any, strategy: Strategy, foreword: Section
) -> None:
    url = edit_url(strategy, foreword)
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    lead = new_page()
    sign_in(lead, cast.lead.email, TEST_PASSWORD)
    page.goto(url)
    lead.goto(url)

    page.get_by_label("Text", exact=True).fill("The editor's foreword.")
    page.get_by_role("button", name="Save section").click()
    expect(success_banner(page)).to_contain_text("saved as revision 1")

    lead.get_by_label("Text", exact=True).fill("The lead's foreword.")
    with lead.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/edit/")
    ) as answer:
        lead.get_by_role("button", name="Save section").click()
    assert answer.value.status == 409
    expect(lead.locator(".govuk-error-summary")).to_contain_text("Someone else saved")
    expect(lead.get_by_label("Your text", exact=True)).to_have_text("The lead's foreword.")
    expect(lead.get_by_label("Their saved text")).to_have_text("The editor's foreword.")
    expect(lead.get_by_label("Differences")).to_contain_text("lead's")
    assert lead.title().startswith("Error:")
    assert_accessible(lead)

    merged = "The lead's and the editor's foreword."
    lead.get_by_label("Text", exact=True).fill(merged)
    lead.get_by_role("button", name="Save merged section").click()
    expect(success_banner(lead)).to_contain_text("saved as revision 2")

    foreword.refresh_from_db()
    assert foreword.revisions.count() == 2
    assert foreword.body == merged


def test_autosave_keeps_unsaved_text_and_restores_it(
    page: Any, cast: Any, strategy: Strategy, foreword: Section
) -> None:
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(edit_url(strategy, foreword))
    page.get_by_label("Text", exact=True).fill("Text I have not saved yet.")
    expect(page.locator("#autosave-status")).to_contain_text(
        "kept as a draft", timeout=AUTOSAVE_WAIT_MS
    )
    assert SectionDraft.objects.filter(section=foreword, user=cast.editor).exists()

    page.reload()
    expect(page.get_by_label("Text", exact=True)).to_have_value("Text I have not saved yet.")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "We have restored text you had not saved"
    )
    assert_accessible(page)
    # Nothing became a revision.
    foreword.refresh_from_db()
    assert foreword.latest_revision is None

    # Saving turns the text into a revision and leaves no draft to restore afterwards (the
    # editor must not send the text again as the page unloads).
    page.get_by_label("Text", exact=True).fill("Text I have now saved.")
    page.get_by_role("button", name="Save section").click()
    expect(success_banner(page)).to_contain_text("“Foreword” saved as revision 1.")
    page.goto(edit_url(strategy, foreword))
    expect(page.get_by_label("Text", exact=True)).to_have_value("Text I have now saved.")
    expect(page.get_by_text("We have restored text")).to_have_count(0)
    assert not SectionDraft.objects.filter(section=foreword).exists()


WORKFLOW_TO_AGREED = [
    ("Send for internal review", "Internal review"),
    ("Open for consultation", "Out for consultation"),
    ("Close consultation and revise", "Revising"),
    ("Submit to government", "Submitted to government"),
    ("Record agreement with government", "Agreed"),
]
PUBLISH_NEW_VERSION = "Save the current text as a new version and publish it"


def test_lead_takes_the_strategy_to_publication(
    page: Any, new_page: Any, cast: Any, strategy: Strategy, foreword: Section
) -> None:
    write(foreword, "Our **published** foreword.", cast.editor)
    sign_in(page, cast.lead.email, TEST_PASSWORD)
    page.goto(strategy.get_draft_url())

    for label, stage in WORKFLOW_TO_AGREED:
        page.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        page.get_by_label("Note (optional)").fill(f"Step: {label}")
        assert_accessible(page)
        page.get_by_role("button", name=label, exact=True).click()
        expect(success_banner(page)).to_contain_text(f"The strategy is now “{stage}”.")
    expect(page.locator("main")).to_contain_text("Step: Record agreement with government")

    # Publishing through the page is covered by test_lead_publishes_from_the_publish_page.
    version = services.version_create(
        strategy=strategy, label="Published version", author=cast.lead
    )
    services.strategy_transition(
        strategy=strategy, target=Strategy.Status.PUBLISHED, actor=cast.lead, version=version
    )
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.PUBLISHED
    assert strategy.published_version is not None

    visitor = new_page()
    visitor.goto(strategy.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_have_text(strategy.title)
    contents = visitor.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="Foreword")).to_be_visible()
    expect(contents.get_by_role("link", name="Consultation summary")).to_be_visible()
    foreword_section = visitor.get_by_role("region", name="Foreword")
    expect(foreword_section.locator("strong")).to_have_text("published")
    assert_accessible(visitor)

    # Drafting after publication does not change what the public sees.
    page.goto(edit_url(strategy, foreword))
    page.get_by_label("Text", exact=True).fill("A later draft, not yet published.")
    page.get_by_role("button", name="Save section").click()
    expect(success_banner(page)).to_contain_text("saved as revision 2")
    visitor.reload()
    expect(visitor.get_by_role("region", name="Foreword")).to_contain_text(
        "Our published foreword."
    )
    expect(visitor.get_by_text("A later draft")).to_have_count(0)

    visitor.goto("/progress/")
    row = visitor.get_by_role("row").filter(
        has=visitor.get_by_role("rowheader", name="Cheshire and Warrington")
    )
    expect(row.get_by_role("cell").nth(1)).to_have_text("Published")
    assert_accessible(visitor)

    # Priorities: add one through the form, ticking checkboxes.
    page.goto(strategy.get_draft_url())
    page.get_by_role("navigation", name="Strategy").get_by_role("link", name="Priorities").click()
    expect(page.get_by_text("No priorities yet.")).to_be_visible()
    page.get_by_label("Title").fill("Net zero industrial cluster")
    page.get_by_label("Description").fill("Decarbonise the largest cluster in the region.")
    page.get_by_label("Ideas").check()
    page.get_by_label("Infrastructure").check()
    page.get_by_label("Clean growth").check()
    page.get_by_label("Towns").check()
    page.get_by_role("button", name="Save priority").click()
    expect(success_banner(page)).to_contain_text("The priority has been added.")
    table = page.get_by_role("table", name="Each priority and what it serves")
    expect(table.get_by_role("rowheader")).to_contain_text("Net zero industrial cluster")
    expect(table).to_contain_text("Clean growth")
    assert_accessible(page)

    page.get_by_role("navigation", name="Strategy").get_by_role("link", name="Alignment").click()
    expect(page.get_by_role("table", name="Priorities and the Grand Challenges")).to_be_visible()
    warnings = page.locator(".govuk-warning-text")
    expect(warnings.filter(has_text="No priority addresses People.")).to_have_count(1)
    expect(warnings.filter(has_text="No priority addresses Ageing society.")).to_have_count(1)
    expect(warnings.filter(has_text="No priority addresses Cities.")).to_have_count(1)
    expect(warnings.filter(has_text="Clean growth.")).to_have_count(0)
    assert_accessible(page)

    # Versions: save the new draft as version 2 and compare it with the published version 1.
    page.get_by_role("navigation", name="Strategy").get_by_role("link", name="Versions").click()
    page.get_by_label("Name of the version").fill("Revised draft")
    page.get_by_role("button", name="Save version").click()
    expect(success_banner(page)).to_contain_text("Saved as version 2: Revised draft.")
    expect(page.get_by_role("rowheader", name=re.compile("1: Published version"))).to_contain_text(
        "Published"
    )
    assert_accessible(page)
    page.get_by_label("Compare from version 1").check()
    page.get_by_label("Compare to version 2").check()
    page.get_by_role("button", name="Compare versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from version 1 to version 2")
    changes = page.get_by_label("Changes to Foreword")
    expect(changes.locator("ins").filter(has_text="later")).to_have_count(1)
    expect(changes.locator("del").first).to_be_visible()
    assert_accessible(page)


def test_lead_publishes_from_the_publish_page(
    page: Any, new_page: Any, cast: Any, strategy: Strategy, foreword: Section
) -> None:
    write(foreword, "Our **published** foreword.", cast.editor)
    for target in ["internal-review", "consultation", "revising", "submitted", "agreed"]:
        services.strategy_transition(strategy=strategy, target=target, actor=cast.lead)
    sign_in(page, cast.lead.email, TEST_PASSWORD)
    page.goto(strategy.get_draft_url())
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish")
    choice = page.get_by_label(PUBLISH_NEW_VERSION)
    assert choice.count() == 1, "the Publish page offers no version to publish"
    choice.check()
    assert_accessible(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(success_banner(page)).to_contain_text("The strategy is now “Published”.")
    visitor = new_page()
    visitor.goto(strategy.get_absolute_url())
    expect(visitor.get_by_role("region", name="Foreword").locator("strong")).to_have_text(
        "published"
    )


def test_editor_can_preview_and_save_without_javascript(
    new_page: Any, cast: Any, strategy: Strategy, foreword: Section
) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(edit_url(strategy, foreword))
    page.get_by_label("Text", exact=True).fill("Written **without** scripts.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("without")
    expect(page.get_by_label("Text", exact=True)).to_have_value("Written **without** scripts.")
    page.get_by_role("button", name="Save section").click()
    expect(success_banner(page)).to_contain_text("“Foreword” saved as revision 1.")
    foreword.refresh_from_db()
    assert foreword.body == "Written **without** scripts."
    assert page.probe.console_errors == []


def test_member_of_another_lep_gets_not_found(page: Any, cast: Any, strategy: Strategy) -> None:
    sign_in(page, cast.other_member.email, TEST_PASSWORD)
    response = page.goto(strategy.get_draft_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(strategy.title, exact=True)).to_have_count(0)
    assert_accessible(page)


def test_anonymous_visitor_gets_not_found_and_can_sign_in_from_it(
    page: Any, cast: Any, strategy: Strategy
) -> None:
    # A draft's existence is private: anonymous visitors get the same 404 as a wrong address,
    # with a link to sign in and come back.
    response = page.goto(strategy.get_draft_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(strategy.title, exact=True)).to_have_count(0)
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="sign in").click()
    page.get_by_label("E-mail address").fill(cast.editor.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/draft/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(strategy.title)

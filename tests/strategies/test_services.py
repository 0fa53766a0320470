from __future__ import annotations

import pytest

from lepportal.core.exceptions import ApplicationError
from strategies import services
from strategies.constants import default_template
from strategies.models import SectionRevision, Strategy, StrategyVersion, WorkflowEvent

pytestmark = pytest.mark.django_db
Status = Strategy.Status


def test_a_new_strategy_starts_from_the_government_template(strategy) -> None:
    titles = list(strategy.sections.order_by("position").values_list("title", flat=True))
    assert titles == [title for _, _, title in default_template()]
    assert titles[:3] == ["Foreword", "Executive summary", "Our place and economy"]
    assert {"Ideas", "People", "Infrastructure", "Business environment", "Places"} <= set(titles)
    assert "Artificial intelligence and data economy" in titles
    assert titles[-3:] == ["Priorities", "Delivery and evaluation", "Consultation summary"]
    assert strategy.events.get().to_status == Status.DRAFTING


def test_revisions_are_numbered_and_point_at_their_base(strategy, cast) -> None:
    section = strategy.sections.first()
    first = services.section_revise(
        section=section, title="Foreword", body="One", author=cast.editor, base_revision=None
    )
    second = services.section_revise(
        section=section, title="Foreword", body="Two", author=cast.lead, base_revision=first
    )
    section.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert second.base_revision == first
    assert section.latest_revision == second
    assert section.body == "Two"


def test_second_editor_gets_conflict_not_overwrite(strategy, cast) -> None:
    section = strategy.sections.first()
    base = services.section_revise(
        section=section, title="Foreword", body="Base", author=cast.editor, base_revision=None
    )
    services.section_revise(
        section=section,
        title="Foreword",
        body="Editor's text",
        author=cast.editor,
        base_revision=base,
    )
    with pytest.raises(services.EditConflict) as caught:
        services.section_revise(
            section=section,
            title="Foreword",
            body="Lead's text",
            author=cast.lead,
            base_revision=base,
        )
    assert caught.value.latest.body == "Editor's text"
    section.refresh_from_db()
    assert section.body == "Editor's text"
    assert section.revisions.count() == 2


def test_two_editors_on_different_sections_do_not_conflict(strategy, cast) -> None:
    first, second = strategy.sections.order_by("position")[:2]
    services.section_revise(
        section=first, title="A", body="a", author=cast.editor, base_revision=None
    )
    services.section_revise(
        section=second, title="B", body="b", author=cast.lead, base_revision=None
    )
    assert SectionRevision.objects.count() == 2


def test_revisions_are_append_only(strategy, cast) -> None:
    section = strategy.sections.first()
    revision = services.section_revise(
        section=section, title="F", body="x", author=cast.editor, base_revision=None
    )
    revision.body = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        revision.save()
    with pytest.raises(ValueError, match="append-only"):
        revision.delete()


def test_restore_makes_a_new_revision_from_an_old_one(strategy, cast) -> None:
    section = strategy.sections.first()
    one = services.section_revise(
        section=section, title="F", body="original", author=cast.editor, base_revision=None
    )
    services.section_revise(
        section=section, title="F", body="changed", author=cast.editor, base_revision=one
    )
    restored = services.section_restore(section=section, revision=one, author=cast.lead)
    section.refresh_from_db()
    assert restored.number == 3
    assert section.body == "original"
    assert restored.note == "Restored from revision 1"
    assert section.revisions.count() == 3


def test_autosave_keeps_one_draft_per_user_and_saving_clears_it(strategy, cast) -> None:
    section = strategy.sections.first()
    services.section_autosave(
        section=section, user=cast.editor, title="F", body="a", base_revision=None
    )
    services.section_autosave(
        section=section, user=cast.editor, title="F", body="ab", base_revision=None
    )
    assert section.drafts.get().body == "ab"
    services.section_revise(
        section=section, title="F", body="ab", author=cast.editor, base_revision=None
    )
    assert not section.drafts.exists()


def test_version_snapshot_is_unchanged_by_later_edits_and_removals(strategy, cast) -> None:
    section = strategy.sections.first()
    services.section_revise(
        section=section, title="Foreword", body="Before", author=cast.editor, base_revision=None
    )
    version = services.version_create(
        strategy=strategy, label="Draft for consultation", author=cast.editor
    )
    services.section_revise(
        section=section,
        title="Foreword",
        body="After",
        author=cast.editor,
        base_revision=section.latest_revision,
    )
    services.section_remove(section=section)
    snapshot = version.sections.get(anchor="foreword")
    assert snapshot.body == "Before"
    assert version.sections.count() == len(default_template())
    later = services.version_create(strategy=strategy, label="Later", author=cast.editor)
    assert later.number == 2
    assert not later.sections.filter(anchor="foreword").exists()


def test_sections_can_be_added_moved_and_removed(strategy, cast) -> None:
    added = services.section_add(strategy=strategy, title="Our towns", author=cast.editor)
    assert added.anchor == "our-towns"
    assert added.position == len(default_template()) + 1
    services.section_move(section=added, offset=-1)
    order = list(strategy.sections.filter(removed_at__isnull=True).order_by("position"))
    assert order[-2] == added
    again = services.section_add(strategy=strategy, title="Our towns", author=cast.editor)
    assert again.anchor == "our-towns-2"


def _walk_to(strategy, cast, target):
    path = [
        Status.INTERNAL_REVIEW,
        Status.CONSULTATION,
        Status.REVISING,
        Status.SUBMITTED,
        Status.AGREED,
    ]
    for step in path:
        if strategy.status == target:
            return
        services.strategy_transition(strategy=strategy, target=step, actor=cast.lead)


def test_workflow_runs_to_published_and_records_every_step(strategy, cast) -> None:
    _walk_to(strategy, cast, Status.AGREED)
    version = services.version_create(strategy=strategy, label="Final", author=cast.lead)
    services.strategy_transition(
        strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=version
    )
    strategy.refresh_from_db()
    assert strategy.status == Status.PUBLISHED
    assert strategy.published_version == version
    assert strategy.published_at is not None
    steps = list(
        WorkflowEvent.objects.filter(strategy=strategy)
        .order_by("pk")
        .values_list("to_status", flat=True)
    )
    assert steps == [
        "drafting",
        "internal-review",
        "consultation",
        "revising",
        "submitted",
        "agreed",
        "published",
    ]
    assert WorkflowEvent.objects.filter(actor=cast.lead).count() == 6


def test_only_a_lead_can_submit_agree_or_publish(strategy, cast) -> None:
    services.strategy_transition(
        strategy=strategy, target=Status.INTERNAL_REVIEW, actor=cast.editor
    )
    with pytest.raises(ApplicationError, match="Only the strategy's lead"):
        services.strategy_transition(
            strategy=strategy, target=Status.CONSULTATION, actor=cast.editor
        )
    for user in (cast.viewer, cast.moderator, cast.other_member, cast.respondent):
        with pytest.raises(ApplicationError):
            services.strategy_transition(strategy=strategy, target=Status.DRAFTING, actor=user)
    strategy.refresh_from_db()
    assert strategy.status == Status.INTERNAL_REVIEW


def test_transition_from_the_wrong_state_is_refused(strategy, cast) -> None:
    with pytest.raises(ApplicationError, match="cannot move to"):
        services.strategy_transition(strategy=strategy, target=Status.PUBLISHED, actor=cast.lead)
    strategy.refresh_from_db()
    assert strategy.status == Status.DRAFTING


def test_publishing_needs_a_version_of_this_strategy(strategy, cast) -> None:
    _walk_to(strategy, cast, Status.AGREED)
    other = services.strategy_create(
        organisation=cast.organisation, title="Another", author=cast.lead
    )
    foreign = services.version_create(strategy=other, label="x", author=cast.lead)
    with pytest.raises(ApplicationError, match="Choose the version"):
        services.strategy_transition(strategy=strategy, target=Status.PUBLISHED, actor=cast.lead)
    with pytest.raises(ApplicationError, match="another strategy"):
        services.strategy_transition(
            strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=foreign
        )
    strategy.refresh_from_db()
    assert strategy.published_version is None


def test_later_drafting_does_not_change_what_the_public_sees(strategy, cast) -> None:
    section = strategy.sections.first()
    services.section_revise(
        section=section,
        title="Foreword",
        body="Published words",
        author=cast.editor,
        base_revision=None,
    )
    _walk_to(strategy, cast, Status.AGREED)
    version = services.version_create(strategy=strategy, label="Final", author=cast.lead)
    services.strategy_transition(
        strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=version
    )
    services.strategy_transition(strategy=strategy, target=Status.REVISING, actor=cast.lead)
    services.section_revise(
        section=section,
        title="Foreword",
        body="New draft words",
        author=cast.editor,
        base_revision=section.latest_revision,
    )
    strategy.refresh_from_db()
    assert strategy.published_version.sections.get(anchor="foreword").body == "Published words"
    assert StrategyVersion.objects.filter(strategy=strategy).count() == 1


def test_archived_strategy_refuses_changes(strategy, cast) -> None:
    _walk_to(strategy, cast, Status.AGREED)
    version = services.version_create(strategy=strategy, label="Final", author=cast.lead)
    services.strategy_transition(
        strategy=strategy, target=Status.PUBLISHED, actor=cast.lead, version=version
    )
    services.strategy_transition(strategy=strategy, target=Status.ARCHIVED, actor=cast.lead)
    section = strategy.sections.first()
    with pytest.raises(ApplicationError, match="archived"):
        services.section_revise(
            section=section, title="x", body="y", author=cast.lead, base_revision=None
        )


def test_priority_tags_are_validated_and_kept_in_vocabulary_order(strategy) -> None:
    priority = services.priority_save(
        strategy=strategy,
        title="Net zero",
        description="",
        foundations=["places", "ideas"],
        grand_challenges=["clean-growth"],
        place_kinds=["towns"],
    )
    assert priority.foundations == ["ideas", "places"]
    with pytest.raises(ApplicationError, match="Unknown foundation"):
        services.priority_save(
            strategy=strategy,
            title="Bad",
            description="",
            foundations=["magic"],
            grand_challenges=[],
            place_kinds=[],
        )

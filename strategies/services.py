"""Every write to strategies goes through these functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, Organisation
from accounts.rules import roles_by_organisation
from lepportal.core.exceptions import ApplicationError

from .constants import Foundation, GrandChallenge, PlaceKind, SectionKind, default_template
from .models import (
    Priority,
    Section,
    SectionDraft,
    SectionRevision,
    Strategy,
    StrategyVersion,
    VersionSection,
    WorkflowEvent,
)

Status = Strategy.Status
WRITERS = frozenset({Membership.Role.LEAD, Membership.Role.EDITOR})
LEADS = frozenset({Membership.Role.LEAD})


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str
    roles: frozenset[str]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.DRAFTING, Status.INTERNAL_REVIEW, "Send for internal review", WRITERS),
    Transition(Status.INTERNAL_REVIEW, Status.DRAFTING, "Return to drafting", WRITERS),
    Transition(Status.INTERNAL_REVIEW, Status.CONSULTATION, "Open for consultation", LEADS),
    Transition(Status.CONSULTATION, Status.REVISING, "Close consultation and revise", LEADS),
    Transition(Status.REVISING, Status.INTERNAL_REVIEW, "Send for internal review", WRITERS),
    Transition(Status.REVISING, Status.SUBMITTED, "Submit to government", LEADS),
    Transition(Status.SUBMITTED, Status.REVISING, "Return for revision", LEADS),
    Transition(Status.SUBMITTED, Status.AGREED, "Record agreement with government", LEADS),
    Transition(Status.AGREED, Status.PUBLISHED, "Publish", LEADS),
    Transition(Status.PUBLISHED, Status.REVISING, "Start a revision", LEADS),
    Transition(Status.PUBLISHED, Status.ARCHIVED, "Archive", LEADS),
)


class EditConflict(ApplicationError):
    """Someone saved the section since this editor started: nothing was overwritten."""

    def __init__(self, latest: SectionRevision | None) -> None:
        super().__init__(
            "Someone else saved this section while you were editing it. Your text has not been "
            "lost: compare the two and save a merged version.",
            code="conflict",
            status=409,
        )
        self.latest = latest


def _unique_slug(base: str, taken: set[str], *, fallback: str) -> str:
    slug = slugify(base)[:70] or fallback
    candidate, counter = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{counter}"
        counter += 1
    return candidate


@transaction.atomic
def strategy_create(*, organisation: Organisation, title: str, author: Any) -> Strategy:
    """Create a strategy with the default Local Industrial Strategy sections."""
    title = title.strip()
    if not title:
        raise ApplicationError("Enter a title for the strategy.")
    taken = set(organisation.strategies.values_list("slug", flat=True))
    strategy = Strategy(
        organisation=organisation,
        title=title,
        slug=_unique_slug(title, taken, fallback="strategy"),
        created_by=author,
        status_changed_at=timezone.now(),
    )
    strategy.full_clean()
    strategy.save()
    Section.objects.bulk_create(
        Section(strategy=strategy, kind=kind, anchor=anchor, title=section_title, position=index)
        for index, (kind, anchor, section_title) in enumerate(default_template(), start=1)
    )
    WorkflowEvent.objects.create(
        strategy=strategy,
        from_status="",
        to_status=Status.DRAFTING,
        actor=author,
        note="Strategy created",
    )
    return strategy


def _refuse_if_archived(strategy: Strategy) -> None:
    if strategy.status == Status.ARCHIVED:
        raise ApplicationError("This strategy is archived and can no longer be changed.")


def _next_revision_number(section: Section) -> int:
    current = section.revisions.aggregate(top=Max("number"))["top"] or 0
    return current + 1


@transaction.atomic
def section_add(*, strategy: Strategy, title: str, author: Any) -> Section:
    """Add a section at the end of the document."""
    _refuse_if_archived(strategy)
    title = title.strip()
    if not title:
        raise ApplicationError("Enter a title for the section.")
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
    taken = set(strategy.sections.values_list("anchor", flat=True))
    position = (strategy.sections.aggregate(top=Max("position"))["top"] or 0) + 1
    section = Section(
        strategy=strategy,
        kind=SectionKind.CUSTOM,
        title=title,
        position=position,
        anchor=_unique_slug(title, taken, fallback="section"),
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_revise(
    *,
    section: Section,
    title: str,
    body: str,
    author: Any,
    base_revision: SectionRevision | None,
    note: str = "",
) -> SectionRevision:
    """Save a new revision of a section.

    Refused with ``EditConflict`` when the section's latest revision is no longer the one the
    author started from: the second of two editors never silently overwrites the first."""
    locked = Section.objects.select_for_update().select_related("strategy").get(pk=section.pk)
    _refuse_if_archived(locked.strategy)
    if locked.removed_at is not None:
        raise ApplicationError("This section has been removed from the strategy.")
    if locked.latest_revision_id != (base_revision.pk if base_revision else None):
        raise EditConflict(locked.latest_revision)
    title = title.strip()
    if not title:
        raise ApplicationError("Enter a title for the section.")
    revision = SectionRevision(
        section=locked,
        number=_next_revision_number(locked),
        title=title,
        body=body,
        author=author,
        base_revision=base_revision,
        note=note,
    )
    revision.full_clean()
    revision.save()
    Section.objects.filter(pk=locked.pk).update(latest_revision=revision, title=title)
    Strategy.objects.filter(pk=locked.strategy_id).update(updated_at=timezone.now())
    SectionDraft.objects.filter(section=locked, user=author).delete()
    section.latest_revision, section.title = revision, title
    return revision


def section_restore(*, section: Section, revision: SectionRevision, author: Any) -> SectionRevision:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    if revision.section_id != section.pk:
        raise ApplicationError("That revision belongs to another section.")
    section.refresh_from_db()
    return section_revise(
        section=section,
        title=revision.title,
        body=revision.body,
        author=author,
        base_revision=section.latest_revision,
        note=f"Restored from revision {revision.number}",
    )


def section_autosave(
    *, section: Section, user: Any, title: str, body: str, base_revision: SectionRevision | None
) -> SectionDraft:
    """Keep an editor's unsaved text so that closing the tab loses nothing."""
    draft, _ = SectionDraft.objects.update_or_create(
        section=section,
        user=user,
        defaults={"title": title[:200], "body": body, "base_revision": base_revision},
    )
    return draft


def section_discard_draft(*, section: Section, user: Any) -> None:
    SectionDraft.objects.filter(section=section, user=user).delete()


@transaction.atomic
def section_move(*, section: Section, offset: int) -> None:
    """Move a section up (offset -1) or down (+1) among the document's live sections."""
    _refuse_if_archived(section.strategy)
    siblings = list(
        Section.objects.select_for_update()
        .filter(strategy=section.strategy_id, removed_at__isnull=True)
        .order_by("position", "pk")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            Section.objects.filter(pk=sibling.pk).update(position=position)


@transaction.atomic
def section_remove(*, section: Section) -> None:
    """Take a section out of the document. Its revisions stay, and versions that include it
    keep their copy."""
    _refuse_if_archived(section.strategy)
    Section.objects.filter(pk=section.pk).update(removed_at=timezone.now())


@transaction.atomic
def version_create(
    *,
    strategy: Strategy,
    label: str,
    author: Any,
    source: str = StrategyVersion.Source.MANUAL,
    bodies: dict[int, str] | None = None,
) -> StrategyVersion:
    """Snapshot the whole document as a named version.

    ``bodies`` may replace the text of some sections (by section id) in the snapshot; the
    compile engine uses it to add "what we heard" notes without touching the live draft."""
    label = label.strip()
    if not label:
        raise ApplicationError("Enter a name for the version, such as “Draft for consultation”.")
    locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
    number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = StrategyVersion(
        strategy=locked,
        number=number,
        label=label,
        source=source,
        created_by=author,
        strategy_title=locked.title,
        priorities=[
            {
                "title": p.title,
                "description": p.description,
                "foundations": p.foundations,
                "grand_challenges": p.grand_challenges,
                "place_kinds": p.place_kinds,
            }
            for p in locked.priorities.all()
        ],
    )
    version.full_clean()
    version.save()
    sections = (
        locked.sections.filter(removed_at__isnull=True)
        .select_related("latest_revision")
        .order_by("position", "pk")
    )
    replacements = bodies or {}
    VersionSection.objects.bulk_create(
        VersionSection(
            version=version,
            position=index,
            kind=section.kind,
            anchor=section.anchor,
            title=section.title,
            body=replacements.get(section.pk, section.body),
            revision=section.latest_revision,
        )
        for index, section in enumerate(sections, start=1)
    )
    return version


def transitions_available(strategy: Strategy, user: Any) -> list[Transition]:
    """The workflow steps this user may take from the strategy's current state."""
    role = roles_by_organisation(user).get(strategy.organisation_id)
    return [t for t in TRANSITIONS if t.source == strategy.status and role in t.roles]


@transaction.atomic
def strategy_transition(
    *,
    strategy: Strategy,
    target: str,
    actor: Any,
    note: str = "",
    version: StrategyVersion | None = None,
) -> WorkflowEvent:
    """Move the strategy one step through its workflow, checking the from-state and the
    actor's role, and record who did it and when. Publishing pins ``version`` as the one the
    public sees; later drafting does not change it until the next publication."""
    locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
    transition = next(
        (t for t in TRANSITIONS if t.source == locked.status and t.target == target), None
    )
    if transition is None:
        raise ApplicationError(
            f"A strategy that is “{locked.get_status_display()}” cannot move to "
            f"“{Status(target).label if target in Status.values else target}”.",
            code="invalid_transition",
            status=409,
        )
    role = roles_by_organisation(actor).get(locked.organisation_id)
    if role not in transition.roles:
        raise ApplicationError(
            f"Only the strategy's {'lead' if transition.roles == LEADS else 'editors and leads'} "
            f"can {transition.label.lower()}.",
            code="forbidden",
            status=403,
        )
    now = timezone.now()
    updates: dict[str, Any] = {"status": target, "status_changed_at": now}
    if target == Status.PUBLISHED:
        if version is None:
            raise ApplicationError("Choose the version to publish.")
        if version.strategy_id != locked.pk:
            raise ApplicationError("That version belongs to another strategy.")
        updates.update(published_version=version, published_at=now)
    Strategy.objects.filter(pk=locked.pk).update(**updates)
    for field, value in updates.items():
        setattr(strategy, field, value)
    return WorkflowEvent.objects.create(
        strategy=locked,
        from_status=transition.source,
        to_status=target,
        actor=actor,
        note=note.strip()[:500],
        version=version if target == Status.PUBLISHED else None,
    )


def _validated_tags(values: list[str], choices: type, what: str) -> list[str]:
    allowed = set(choices.values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ApplicationError(f"Unknown {what}: {', '.join(unknown)}.")
    return [v for v in choices.values if v in set(values)]


def priority_save(
    *,
    strategy: Strategy,
    title: str,
    description: str,
    foundations: list[str],
    grand_challenges: list[str],
    place_kinds: list[str],
    priority: Priority | None = None,
) -> Priority:
    """Create or update a priority with its tags."""
    _refuse_if_archived(strategy)
    if priority is None:
        top = strategy.priorities.aggregate(top=Max("position"))["top"] or 0
        priority = Priority(strategy=strategy, position=top + 1)
    priority.title = title.strip()
    priority.description = description.strip()
    priority.foundations = _validated_tags(foundations, Foundation, "foundation")
    priority.grand_challenges = _validated_tags(grand_challenges, GrandChallenge, "challenge")
    priority.place_kinds = _validated_tags(place_kinds, PlaceKind, "kind of place")
    priority.full_clean()
    try:
        priority.save()
    except IntegrityError as error:  # pragma: no cover - guarded by full_clean
        raise ApplicationError("The priority could not be saved.") from error
    return priority


def priority_delete(*, priority: Priority) -> None:
    _refuse_if_archived(priority.strategy)
    priority.delete()
    Priority.objects.filter(strategy=priority.strategy_id, position__gt=priority.position).update(
        position=F("position") - 1
    )

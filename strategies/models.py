"""Strategy documents: ordered sections whose every save is an append-only revision, named
versions that snapshot the whole document, priorities, and the workflow's history.

Invariants: revisions, version snapshots and workflow events are never updated or deleted;
a section points at its latest revision; a strategy points at its published version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from accounts.models import Organisation

from .constants import SectionKind


class AppendOnlyModel(models.Model):
    """A row that, once written, stays as it is: history is never rewritten."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class Strategy(models.Model):
    class Status(models.TextChoices):
        DRAFTING = "drafting", "Drafting"
        INTERNAL_REVIEW = "internal-review", "Internal review"
        CONSULTATION = "consultation", "Out for consultation"
        REVISING = "revising", "Revising"
        SUBMITTED = "submitted", "Submitted to government"
        AGREED = "agreed", "Agreed"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="strategies"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    published_version = models.ForeignKey(
        "StrategyVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="strategy_slug_unique_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse(
            "strategies:public", kwargs={"org": self.organisation.slug, "slug": self.slug}
        )

    def get_draft_url(self) -> str:
        return reverse(
            "strategies:draft", kwargs={"org": self.organisation.slug, "slug": self.slug}
        )


class Section(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=30, choices=SectionKind.choices, default=SectionKind.CUSTOM)
    anchor = models.SlugField(max_length=80, help_text="The section's id in the page address.")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    latest_revision = models.ForeignKey(
        "SectionRevision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "anchor"], name="section_anchor_unique_per_strategy"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def body(self) -> str:
        return self.latest_revision.body if self.latest_revision else ""


class SectionRevision(AppendOnlyModel):
    """One save of one section: its title and Markdown body at that moment."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=200_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    base_revision = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision the author started from.",
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["section", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "number"], name="revision_number_unique_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section} revision {self.number}"


class SectionDraft(models.Model):
    """Autosaved, not yet saved text of one user in one section (one row each): so that
    closing the tab loses nothing. Removed when the user saves or discards it."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=200_000)
    base_revision = models.ForeignKey(
        SectionRevision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "user"], name="one_draft_per_user_section")
        ]

    def __str__(self) -> str:
        return f"Unsaved text of {self.section} by {self.user}"


class StrategyVersion(AppendOnlyModel):
    """A named snapshot of the whole document ("Draft for consultation")."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Saved by staff"
        COMPILED = "compiled", "Compiled from consultation"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    strategy_title = models.CharField(max_length=200)
    priorities = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["strategy", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="version_number_unique_per_strategy"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.label}"


class VersionSection(AppendOnlyModel):
    """A section as it stood when a version was taken (its text copied, so that removing or
    editing the live section never changes the version)."""

    version = models.ForeignKey(StrategyVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=SectionKind.choices)
    anchor = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    revision = models.ForeignKey(
        SectionRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.title} in {self.version}"


class Priority(models.Model):
    """A clearly defined priority of the strategy, tagged with what it serves."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5_000)
    foundations = models.JSONField(default=list, blank=True)
    grand_challenges = models.JSONField(default=list, blank=True)
    place_kinds = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class WorkflowEvent(AppendOnlyModel):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Strategy.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Strategy.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)
    version = models.ForeignKey(
        StrategyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["strategy", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.strategy}: {self.from_status or 'new'} to {self.to_status}"


class EvidenceDataset(models.Model):
    """Employment (and optionally GVA and hours or jobs) by SIC 2007 section for an
    organisation's area and for the nation, for one year. Re-uploading a year replaces it."""

    class Nation(models.TextChoices):
        ENGLAND = "england", "England"
        GREAT_BRITAIN = "great-britain", "Great Britain"
        UNITED_KINGDOM = "united-kingdom", "United Kingdom"

    class ProductivityBasis(models.TextChoices):
        NONE = "", "No productivity figures"
        HOUR = "hour", "GVA per hour worked"
        JOB = "job", "GVA per filled job"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="evidence_datasets"
    )
    year = models.PositiveSmallIntegerField()
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    source_note = models.CharField(
        max_length=300, help_text="Where the figures come from, such as “ONS BRES 2017”."
    )
    productivity_basis = models.CharField(
        max_length=10, choices=ProductivityBasis.choices, blank=True, default=""
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_evidence_dataset_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.source_note} ({self.year})"


class SectorFigure(models.Model):
    dataset = models.ForeignKey(EvidenceDataset, on_delete=models.CASCADE, related_name="figures")
    section = models.CharField(max_length=1)
    area_employment = models.DecimalField(max_digits=16, decimal_places=2)
    national_employment = models.DecimalField(max_digits=16, decimal_places=2)
    area_gva = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    national_gva = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    area_hours_or_jobs = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    national_hours_or_jobs = models.DecimalField(
        max_digits=16, decimal_places=3, null=True, blank=True
    )

    class Meta:
        ordering = ["dataset", "section"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "section"], name="one_figure_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.dataset}: section {self.section}"


class EvidenceBlock(AppendOnlyModel):
    """Evidence placed into a section: a frozen copy of the figures and the rules applied, so
    that a later upload never silently changes a saved or published version."""

    class Kind(models.TextChoices):
        TABLE = "table", "Table of sector strengths"
        CHART = "chart", "Chart of location quotients (with its table)"
        STRENGTHS = "strengths", "List of specialisms and super strengths"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="evidence_blocks"
    )
    dataset = models.ForeignKey(
        EvidenceDataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    nation = models.CharField(max_length=20, choices=EvidenceDataset.Nation.choices)
    source_note = models.CharField(max_length=300)
    productivity_basis = models.CharField(max_length=10, blank=True)
    specialism_threshold = models.DecimalField(max_digits=6, decimal_places=3)
    minimum_employment = models.PositiveIntegerField()
    figures = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.source_note} ({self.year})"

    @property
    def shortcode(self) -> str:
        return f"[[evidence:{self.pk}]]"


class Kpi(models.Model):
    """A key performance indicator of a strategy, with baseline, target and readings."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="kpis")
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="kpis"
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=50, help_text="Such as “%”, “£ per hour” or “jobs”.")
    baseline_value = models.DecimalField(max_digits=16, decimal_places=3)
    baseline_date = models.DateField()
    target_value = models.DecimalField(max_digits=16, decimal_places=3)
    target_date = models.DateField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "key performance indicator"

    def __str__(self) -> str:
        return self.name


class KpiReading(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=3)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} on {self.date}"


class VersionExport(models.Model):
    """A PDF or DOCX of one version. Versions never change, so each file is made once (by a
    worker: a long document takes longer than a web request should) and then served as is."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(StrategyVersion, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=10, choices=Format.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "format"], name="one_export_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.version} as {self.get_format_display()}"

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Priority,
    Section,
    SectionRevision,
    Strategy,
    StrategyVersion,
    VersionSection,
    WorkflowEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is append-only: visible here, never changed here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "title", "anchor", "kind", "removed_at"]
    readonly_fields = ["removed_at"]
    extra = 0
    show_change_link = True


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "updated_at", "published_at"]
    list_filter = ["status", "organisation__wave"]
    search_fields = ["title", "organisation__name"]
    readonly_fields = ["status", "status_changed_at", "published_version", "published_at"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "strategy", "position", "removed_at"]
    search_fields = ["title", "strategy__title"]
    readonly_fields = ["latest_revision", "removed_at"]


@admin.register(SectionRevision)
class SectionRevisionAdmin(ReadOnlyAdmin):
    list_display = ["section", "number", "author", "created_at", "note"]
    search_fields = ["section__title", "body"]


class VersionSectionInline(admin.TabularInline):
    model = VersionSection
    fields = ["position", "title", "anchor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StrategyVersion)
class StrategyVersionAdmin(ReadOnlyAdmin):
    list_display = ["strategy", "number", "label", "source", "created_by", "created_at"]
    list_filter = ["source"]
    inlines = [VersionSectionInline]


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ReadOnlyAdmin):
    list_display = ["strategy", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "strategy", "position"]

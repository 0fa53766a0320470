from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Comment,
    CommentReport,
    Consultation,
    ModerationLog,
    ModeratorNote,
    Question,
    QuestionOption,
    Response,
)


class OptionInline(admin.TabularInline):
    model = QuestionOption
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "opens_at", "closes_at", "kind"]
    list_filter = ["kind", "organisation"]
    search_fields = ["title", "organisation__name"]
    readonly_fields = ["personal_data_erased_at", "outcome_published_at"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "consultation", "kind", "position"]
    list_filter = ["kind"]
    inlines = [OptionInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["reference", "consultation", "status", "respondent_type", "submitted_at"]
    list_filter = ["status", "source", "respondent_type"]
    search_fields = ["reference"]
    readonly_fields = ["submission_key", "reference", "submitted_at", "withdrawn_at"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "consultation", "state", "created_at", "report_count"]
    list_filter = ["state"]
    readonly_fields = ["state"]


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    """The audit log: visible to administrators, never changed."""

    list_display = ["created_at", "moderator", "action", "from_state", "to_state", "comment"]
    list_filter = ["action"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(CommentReport)
admin.site.register(ModeratorNote)

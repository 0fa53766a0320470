"""The query budget of every list and detail page and every API endpoint that reads rows.

Each budget names the URL pattern, the world kwargs it is reversed with (tests/security/world.py,
plus the closed consultation of tests/performance/world.py), a role permitted to see it, and
the kinds of row that grow under it (builders in tests/performance/growth.py). The page is asked
with 10 rows of each kind and again with 1,000: it must cost the same number of queries.

Every URL pattern is either budgeted here or exempt, with the reason, in EXEMPT. A view added
without either fails ``test_every_url_pattern_has_a_budget_or_an_exemption``: whoever adds a
page decides, in one place, what grows under it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Budget:
    name: str
    kwargs: str | None  # key in the world's kwargs, or None
    role: str  # one permitted to see it: its answer must be a 200
    grows: tuple[str, ...]  # builders in growth.py
    query: str = ""  # formatted with the world's kwargs
    # Which consultation the consultation builders grow: "consultation" (open) or "closed".
    consultation: str = "consultation"
    # The page lists the rows grown, so its body grows with them: a check that the builders
    # reach it. False for a page about one object whose siblings grow.
    lists: bool = True
    # Extra queries allowed at 1,000 rows: 0 unless a documented, constant cost (such as a
    # page-count query) appears only once the rows no longer fit on one page.
    allowance: int = 0

    @property
    def id(self) -> str:
        return f"{self.name}[{self.role}]"


# Why a URL pattern has no budget.
POST_ONLY = "answers only POST"
REDIRECT = "only redirects (to a page that has its own budget)"
FIXED = "a fixed page or a form about nothing in particular: reads no rows that can grow"
FILE = "serves a stored or fixed file"
SCHEMA = "the API's schema and documentation: generated from the code"

EXEMPT: dict[str, str] = {
    "core:accessibility": FIXED,
    "core:privacy": FIXED,
    "core:cookies": FIXED,
    "core:healthz": FIXED,
    "accounts:login": FIXED,
    "accounts:sign_up": FIXED,
    "accounts:logout": POST_ONLY,
    "accounts:password_change": FIXED,
    "accounts:password_reset": FIXED,
    "accounts:password_reset_done": FIXED,
    "accounts:password_reset_confirm": FIXED,
    "accounts:password_reset_complete": FIXED,
    "api_tokens:create": POST_ONLY,
    "api_tokens:revoke": POST_ONLY,
    "strategies:markdown_preview": POST_ONLY,
    "strategies:section_autosave": POST_ONLY,
    "strategies:section_discard": POST_ONLY,
    "strategies:section_move": POST_ONLY,
    "strategies:section_restore": POST_ONLY,
    "strategies:evidence_file": FILE,
    "consultations:outcome_download": FILE,
    "consultations:respond": REDIRECT,
    "consultations:respond_resume": REDIRECT,
    "consultations:question_move": POST_ONLY,
    "consultations:responses_import_columns": REDIRECT,
    "consultations:responses_import_check": REDIRECT,
    "consultations:report_start": POST_ONLY,
    "consultations:report_download": FILE,
    "consultations:report_publish": POST_ONLY,
    "api:schema": SCHEMA,
    "api:docs": SCHEMA,
    "api:consultation-comment-reports": POST_ONLY,
    "api:moderation-decisions": POST_ONLY,
}

COMPARE = "from={version[number]}&to={version[number]}"


def detail(*args: Any, **options: Any) -> Budget:
    """A page about one object: the rows around it grow (its siblings, its history), and
    neither they nor their number may change what it costs."""
    return Budget(*args, lists=False, **options)


BUDGETS: tuple[Budget, ...] = (
    # Site and accounts
    Budget("core:home", None, "anonymous", ("organisations",)),
    Budget("accounts:profile", None, "viewer", ("memberships",)),
    Budget("organisations:detail", "organisation", "lead", ("members",)),
    detail("organisations:member_add", "organisation", "lead", ("members",)),
    detail("organisations:member_change", "member", "lead", ("members",)),
    # Strategies: public
    Budget("strategies:tracker", None, "anonymous", ("organisations",)),
    Budget("strategies:tracker_csv", None, "anonymous", ("organisations",)),
    Budget("strategies:organisation", "org", "lead", ("strategies",)),
    Budget("strategies:public", "strategy", "anonymous", ("version_sections", "kpis", "readings")),
    Budget("strategies:kpis_csv", "strategy", "anonymous", ("kpis", "readings")),
    detail("strategies:version_export", "export", "anonymous", ("versions", "version_sections")),
    # Strategies: drafting
    detail("strategies:create", "org", "editor", ("strategies",)),
    detail("strategies:section_add", "strategy", "editor", ("sections",)),
    Budget("strategies:draft", "strategy", "editor", ("sections", "events", "versions")),
    Budget("strategies:preview", "strategy", "viewer", ("sections", "priorities")),
    detail("strategies:section_edit", "section", "editor", ("revisions", "sections")),
    detail("strategies:section_remove", "section", "editor", ("revisions", "sections")),
    Budget("strategies:section_history", "section", "viewer", ("revisions",)),
    detail(
        "strategies:section_compare",
        "section",
        "viewer",
        ("revisions",),
        query="from={revision[number]}&to={revision[number]}",
    ),
    Budget("strategies:versions", "strategy", "editor", ("versions",)),
    Budget(
        "strategies:version_compare",
        "strategy",
        "viewer",
        ("versions", "version_sections"),
        COMPARE,
    ),
    Budget("strategies:version", "version", "viewer", ("version_sections", "versions")),
    detail("strategies:transition", "transition", "lead", ("versions", "events")),
    Budget("strategies:priorities", "strategy", "editor", ("priorities",)),
    detail("strategies:priority_edit", "priority", "editor", ("priorities",)),
    Budget("strategies:alignment", "strategy", "viewer", ("priorities",)),
    Budget("strategies:kpis", "strategy", "editor", ("kpis", "readings", "priorities")),
    Budget("strategies:kpi", "kpi", "editor", ("kpis", "readings")),
    Budget("strategies:evidence", "org", "editor", ("datasets",)),
    Budget("strategies:evidence_dataset", "dataset", "editor", ("datasets", "sections")),
    # Consultations: public pages and the response form
    Budget("consultations:list", None, "anonymous", ("consultations",)),
    Budget("consultations:list", None, "editor", ("consultations", "memberships")),
    detail(
        "consultations:detail",
        "consultation",
        "respondent",
        ("questions", "responses", "comments"),
    ),
    Budget(
        "consultations:strategy", "consultation", "respondent", ("comments", "version_sections")
    ),
    Budget("consultations:strategy", "consultation", "moderator", ("comments", "queued_comments")),
    Budget(
        "consultations:outcome",
        "closed",
        "anonymous",
        ("outcome_rows", "compilations", "questions", "responses"),
        consultation="closed",
    ),
    detail("consultations:respond_profile", "consultation", "respondent", ("responses",)),
    Budget("consultations:respond_questions", "page", "respondent", ("answered_questions",)),
    Budget("consultations:respond_check", "consultation", "respondent", ("answered_questions",)),
    detail("consultations:respond_done", "done", "respondent", ("answered_questions", "responses")),
    Budget("consultations:my_response", "consultation", "respondent", ("answered_questions",)),
    detail(
        "consultations:my_response_withdraw",
        "consultation",
        "respondent",
        ("answered_questions", "responses"),
    ),
    detail("consultations:respond_save", "consultation", "respondent", ("answered_questions",)),
    Budget("consultations:my_data", None, "respondent", ("own_responses", "comments")),
    # Comments
    detail("consultations:comment_create", "comment_section", "respondent", ("comments",)),
    detail("consultations:comment_reply", "comment", "respondent", ("comments",)),
    detail("consultations:comment_report", "comment", "respondent", ("comments", "reports")),
    detail("consultations:comment_edit", "comment", "respondent", ("comments",)),
    detail("consultations:comment_delete", "comment", "respondent", ("comments",)),
    # Moderation
    Budget("consultations:moderation_queue", None, "moderator", ("queued_comments",)),
    Budget("consultations:moderation_queue", None, "site_moderator", ("queued_comments",)),
    Budget(
        "consultations:moderation_comment",
        "moderation_comment",
        "moderator",
        ("reports", "log_entries", "notes"),
    ),
    Budget("consultations:moderation_log", None, "admin", ("log_entries",)),
    # Staff set-up
    Budget("consultations:create", "create_consultation", "editor", ("versions",)),
    Budget("consultations:street_level_new", "org", "editor", ("versions",)),
    Budget("consultations:edit", "consultation", "editor", ("versions",)),
    Budget("consultations:questions", "consultation", "editor", ("questions", "version_sections")),
    Budget("consultations:questions_preview", "consultation", "editor", ("questions",)),
    detail(
        "consultations:question_edit",
        "question",
        "editor",
        ("options", "questions", "version_sections"),
    ),
    detail("consultations:question_delete", "question", "editor", ("options", "questions")),
    # Responses for staff
    Budget("consultations:responses", "consultation", "viewer", ("responses",)),
    Budget(
        "consultations:responses",
        "consultation",
        "editor",
        ("responses",),
        query="q=apprenticeships&include_withdrawn=on&respondent_type=business",
    ),
    Budget(
        "consultations:response_detail",
        "response",
        "viewer",
        ("answered_questions", "responses"),
    ),
    detail("consultations:responses_import", "consultation", "editor", ("questions", "responses")),
    Budget("consultations:responses_csv", "consultation", "viewer", ("responses",)),
    Budget("consultations:responses_xlsx", "consultation", "viewer", ("responses",)),
    # The report of the closed consultation, compiled and published
    detail(
        "consultations:report",
        "closed",
        "editor",
        ("compilations", "outcome_rows", "theme_edits", "responses"),
        consultation="closed",
    ),
    detail(
        "consultations:report_compilation",
        "closed_compilation",
        "viewer",
        ("compilations",),
        consultation="closed",
    ),
    detail(
        "consultations:report_status",
        "closed_compilation",
        "viewer",
        ("compilations",),
        consultation="closed",
    ),
    detail(
        "consultations:report_themes",
        "closed_theme_question",
        "editor",
        ("theme_edits", "compilations"),
        consultation="closed",
    ),
    detail(
        "consultations:report_you_said",
        "closed",
        "editor",
        ("outcome_rows", "compilations"),
        consultation="closed",
    ),
    # API: organisations and strategies
    Budget("api:organisation-list", None, "anonymous", ("organisations",)),
    detail("api:organisation-detail", "api_org", "anonymous", ("organisations", "members")),
    Budget("api:strategy-list", None, "anonymous", ("organisations", "strategies")),
    Budget("api:strategy-list", None, "lead", ("strategies",)),
    detail("api:strategy-detail", "api_strategy", "anonymous", ("priorities", "versions")),
    Budget("api:strategy-sections", "api_strategy", "anonymous", ("version_sections",)),
    Budget("api:strategy-sections", "api_strategy", "lead", ("sections",)),
    Budget("api:strategy-versions", "api_strategy", "lead", ("versions",)),
    Budget("api:strategy-version-detail", "api_version", "anonymous", ("version_sections",)),
    Budget(
        "api:strategy-comparison",
        "api_strategy",
        "lead",
        ("version_sections", "versions"),
        query="from={api_version[number]}&to={api_version[number]}",
    ),
    Budget("api:strategy-kpis", "api_strategy", "anonymous", ("kpis", "readings")),
    Budget("api:tracker", None, "anonymous", ("organisations",)),
    Budget("api:evidence-datasets", "api_org", "viewer", ("datasets",)),
    detail("api:evidence-dataset-detail", "api_dataset", "viewer", ("datasets",)),
    # API: consultations
    Budget("api:consultation-list", None, "anonymous", ("consultations",)),
    Budget("api:consultation-list", None, "lead", ("consultations",)),
    detail("api:consultation-detail", "api_consultation", "anonymous", ("questions", "responses")),
    Budget("api:consultation-questions", "api_consultation", "anonymous", ("questions",)),
    Budget("api:consultation-responses", "api_consultation", "viewer", ("responses",)),
    Budget(
        "api:consultation-response-detail",
        "api_response",
        "viewer",
        ("answered_questions", "responses"),
    ),
    Budget("api:consultation-comments", "api_consultation", "respondent", ("comments",)),
    Budget("api:consultation-comments", "api_consultation", "anonymous", ("comments",)),
    detail(
        "api:consultation-outcome",
        "api_closed",
        "anonymous",
        ("outcome_rows", "responses", "compilations"),
        consultation="closed",
    ),
    Budget("api:consultation-compilations", "api_consultation", "viewer", ("compilations",)),
    detail("api:consultation-compilation-detail", "api_compilation", "viewer", ("compilations",)),
    Budget("api:my-responses", None, "respondent", ("own_responses",)),
    Budget("api:my-response-detail", "api_my_response", "respondent", ("answered_questions",)),
    Budget("api:moderation-queue", None, "moderator", ("queued_comments",)),
    Budget(
        "api:moderation-comment",
        "api_moderation_comment",
        "moderator",
        ("reports", "log_entries"),
    ),
)

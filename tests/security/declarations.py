"""The declared outcome of a GET of every URL pattern for every role.

Each view names the kwargs it is reversed with (from tests/security/world.py) and the status
each role must get. A view added without a declaration here fails the matrix test: whoever adds
a page decides, in one place, who may see it. POST-only views answer 405 to a GET, whoever asks;
their permission checks are tested with POSTs by their own tests."""

from __future__ import annotations

ROLES = (
    "anonymous",
    "respondent",
    "other_member",
    "viewer",
    "editor",
    "lead",
    "moderator",
    "site_moderator",
    "admin",
)


def outcome(default: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, default) for role in ROLES}


PUBLIC = outcome(200)
POST_ONLY = outcome(405)
SIGNED_IN = outcome(200, anonymous=302)
SIGNED_IN_API = outcome(200, anonymous=401)
GUESTS_ONLY = outcome(302, anonymous=200)
# The owning organisation's staff (lead, editor, viewer) and site administrators.
STAFF = outcome(404, viewer=200, editor=200, lead=200, admin=200)
STAFF_REDIRECT = outcome(404, viewer=302, editor=302, lead=302, admin=302)
WRITERS = outcome(404, editor=200, lead=200, admin=200)
WRITERS_REDIRECT = outcome(404, editor=302, lead=302, admin=302)
LEADS = outcome(404, lead=200, admin=200)
MODERATORS = outcome(404, anonymous=302, moderator=200, site_moderator=200, admin=200)
MODERATORS_API = outcome(404, anonymous=401, moderator=200, site_moderator=200, admin=200)
NOBODY = outcome(404)

# name: (kwargs key in the world, or None; expected statuses)
DECLARATIONS: dict[str, tuple[str | None, dict[str, int]]] = {
    # Site and accounts
    "core:home": (None, PUBLIC),
    "core:accessibility": (None, PUBLIC),
    "core:privacy": (None, PUBLIC),
    "core:cookies": (None, PUBLIC),
    "core:healthz": (None, PUBLIC),
    "accounts:login": (None, GUESTS_ONLY),
    "accounts:sign_up": (None, GUESTS_ONLY),
    "accounts:logout": (None, POST_ONLY),
    "accounts:profile": (None, SIGNED_IN),
    "accounts:password_change": (None, SIGNED_IN),
    "accounts:password_reset": (None, PUBLIC),
    "accounts:password_reset_done": (None, PUBLIC),
    "accounts:password_reset_confirm": ("password_reset", PUBLIC),
    "accounts:password_reset_complete": (None, PUBLIC),
    "api_tokens:create": (None, outcome(405, anonymous=302)),
    "api_tokens:revoke": (None, outcome(405, anonymous=302)),
    "organisations:detail": ("organisation", PUBLIC),
    "organisations:member_add": ("organisation", LEADS),
    "organisations:member_change": ("member", LEADS),
    # Strategies
    "strategies:tracker": (None, PUBLIC),
    "strategies:tracker_csv": (None, PUBLIC),
    "strategies:organisation": ("org", PUBLIC),
    "strategies:create": ("org", WRITERS),
    "strategies:public": ("strategy", PUBLIC),
    "strategies:draft": ("strategy", STAFF),
    "strategies:preview": ("strategy", STAFF),
    "strategies:markdown_preview": ("strategy", POST_ONLY),
    "strategies:section_add": ("strategy", WRITERS),
    "strategies:section_edit": ("section", WRITERS),
    "strategies:section_autosave": ("section", POST_ONLY),
    "strategies:section_discard": ("section", POST_ONLY),
    "strategies:section_move": ("section", POST_ONLY),
    "strategies:section_remove": ("section", WRITERS),
    "strategies:section_history": ("section", STAFF),
    # Without the two revisions to compare it sends staff back to the history.
    "strategies:section_compare": ("section", STAFF_REDIRECT),
    "strategies:section_restore": ("revision", POST_ONLY),
    "strategies:versions": ("strategy", STAFF),
    "strategies:version_compare": ("strategy", STAFF_REDIRECT),
    "strategies:version": ("version", STAFF),
    # A published strategy can only move on to revising, which only the lead may do; an editor
    # is sent back to the draft with an explanation.
    "strategies:transition": ("transition", outcome(404, editor=302, lead=200, admin=302)),
    "strategies:priorities": ("strategy", STAFF),
    "strategies:priority_edit": ("priority", WRITERS),
    "strategies:alignment": ("strategy", STAFF),
    "strategies:kpis": ("strategy", STAFF),
    "strategies:kpi": ("kpi", STAFF),
    "strategies:kpis_csv": ("strategy", PUBLIC),  # the strategy is published
    "strategies:version_export": ("export", PUBLIC),  # the published version
    "strategies:evidence": ("org", STAFF),
    "strategies:evidence_dataset": ("dataset", STAFF),
    "strategies:evidence_file": ("file", PUBLIC),
}

COMMENT_AUTHOR = outcome(404, anonymous=302, respondent=200)  # only the comment's author
RESPONDENT_ONLY = outcome(302, respondent=200)  # the respondent owns a response; no draft elsewhere

DECLARATIONS.update(
    {
        # Consultations: public pages (the world's consultation is open)
        "consultations:list": (None, PUBLIC),
        "consultations:detail": ("consultation", PUBLIC),
        "consultations:strategy": ("consultation", PUBLIC),
        "consultations:outcome": ("consultation", NOBODY),  # not published yet
        "consultations:outcome_download": ("outcome_download", NOBODY),
        # The response form (anonymous responses allowed)
        "consultations:respond": ("consultation", outcome(302)),
        "consultations:respond_profile": ("consultation", PUBLIC),
        "consultations:respond_questions": ("page", RESPONDENT_ONLY),
        "consultations:respond_save": ("consultation", RESPONDENT_ONLY),
        "consultations:respond_check": ("consultation", RESPONDENT_ONLY),
        "consultations:respond_resume": ("resume", outcome(302)),
        "consultations:respond_done": ("done", outcome(404, respondent=200)),
        "consultations:my_response": ("consultation", outcome(404, anonymous=302, respondent=200)),
        "consultations:my_response_withdraw": (
            "consultation",
            outcome(404, anonymous=302, respondent=200),  # asks first; withdraws on a POST
        ),
        "consultations:my_data": (None, SIGNED_IN),
        # Comments
        "consultations:comment_create": ("comment_section", SIGNED_IN),
        "consultations:comment_reply": ("comment", SIGNED_IN),
        "consultations:comment_report": ("comment", SIGNED_IN),
        "consultations:comment_edit": ("comment", COMMENT_AUTHOR),
        "consultations:comment_delete": ("comment", COMMENT_AUTHOR),
        # Moderation
        "consultations:moderation_queue": (None, MODERATORS),
        "consultations:moderation_comment": ("moderation_comment", MODERATORS),
        "consultations:moderation_log": (
            None,
            outcome(404, anonymous=302, admin=200),  # the audit log: administrators
        ),
        # Staff set-up
        "consultations:create": ("create_consultation", WRITERS),
        "consultations:street_level_new": ("org", WRITERS),
        "consultations:edit": ("consultation", WRITERS),
        "consultations:questions": ("consultation", WRITERS),
        "consultations:questions_preview": ("consultation", WRITERS),
        "consultations:question_edit": ("question", WRITERS),
        "consultations:question_delete": ("question", WRITERS),  # asks first; deletes on a POST
        "consultations:question_move": ("question", POST_ONLY),
        # Responses for staff
        "consultations:responses": ("consultation", STAFF),
        "consultations:response_detail": ("response", STAFF),
        "consultations:responses_csv": ("consultation", STAFF),
        "consultations:responses_xlsx": ("consultation", STAFF),
        "consultations:responses_import": ("consultation", WRITERS),
        # Later import steps send writers back to the first step when nothing was uploaded.
        "consultations:responses_import_columns": ("consultation", WRITERS_REDIRECT),
        "consultations:responses_import_check": ("consultation", WRITERS_REDIRECT),
        # The compile engine
        "consultations:report": ("consultation", STAFF),
        "consultations:report_start": ("consultation", POST_ONLY),
        "consultations:report_compilation": ("compilation", STAFF),
        "consultations:report_status": ("compilation", STAFF),
        # The world's compilation is still queued: it has no files, and the theme review and
        # "you said, we did" pages send writers to the report until a compilation succeeds.
        "consultations:report_download": ("compilation_download", NOBODY),
        "consultations:report_themes": ("theme_question", WRITERS_REDIRECT),
        "consultations:report_you_said": ("consultation", WRITERS_REDIRECT),
        "consultations:report_publish": ("consultation", POST_ONLY),
        # API
        "api:schema": (None, PUBLIC),
        "api:docs": (None, PUBLIC),
        "api:organisation-list": (None, PUBLIC),
        "api:organisation-detail": ("api_org", PUBLIC),
        "api:strategy-list": (None, PUBLIC),
        "api:strategy-detail": ("api_strategy", PUBLIC),
        "api:strategy-sections": ("api_strategy", PUBLIC),
        "api:strategy-versions": ("api_strategy", PUBLIC),
        "api:strategy-version-detail": ("api_version", PUBLIC),
        # Staff may compare any versions; without ?from=&to= they are told what is missing.
        "api:strategy-comparison": (
            "api_strategy",
            outcome(404, viewer=400, editor=400, lead=400, admin=400),
        ),
        "api:strategy-kpis": ("api_strategy", PUBLIC),
        "api:tracker": (None, PUBLIC),
        "api:evidence-datasets": ("api_org", STAFF),
        "api:evidence-dataset-detail": ("api_dataset", STAFF),
        "api:consultation-list": (None, PUBLIC),
        "api:consultation-detail": ("api_consultation", PUBLIC),
        "api:consultation-questions": ("api_consultation", PUBLIC),
        "api:consultation-responses": ("api_consultation", STAFF),
        "api:consultation-response-detail": ("api_response", STAFF),
        "api:consultation-comments": ("api_consultation", PUBLIC),
        "api:consultation-comment-reports": ("api_comment", POST_ONLY),
        "api:consultation-outcome": ("api_consultation", NOBODY),
        "api:consultation-compilations": ("api_consultation", STAFF),
        "api:consultation-compilation-detail": ("api_compilation", STAFF),
        "api:my-responses": (None, SIGNED_IN_API),
        "api:my-response-detail": ("api_my_response", outcome(404, anonymous=401, respondent=200)),
        "api:moderation-queue": (None, MODERATORS_API),
        "api:moderation-comment": ("api_moderation_comment", MODERATORS_API),
        "api:moderation-decisions": ("api_moderation_comment", POST_ONLY),
    }
)

"""Who may do what with consultations. Predicates take ``(user, consultation)`` (or an
organisation for creating one); comments are moderated by site moderators and by the owning
organisation's moderators."""

from __future__ import annotations

import rules

from accounts.rules import (
    is_moderator_of,
    is_signed_in,
    is_site_admin,
    is_site_moderator,
    is_staff_of,
    is_writer_of,
)

can_manage = is_writer_of
can_read_responses = is_staff_of | is_site_admin
can_moderate = is_moderator_of | is_site_moderator | is_site_admin

rules.add_perm("consultations.create_consultation", is_writer_of)
rules.add_perm("consultations.manage_consultation", can_manage)
rules.add_perm("consultations.view_responses", can_read_responses)
rules.add_perm("consultations.moderate", can_moderate)
rules.add_perm("consultations.moderate_any", is_site_moderator | is_site_admin)
rules.add_perm("consultations.comment", is_signed_in)
rules.add_perm("consultations.report_comment", is_signed_in)

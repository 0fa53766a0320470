"""Who may do what with consultations, for the pages and the API alike. Predicates take
``(user, consultation)`` (or an organisation for creating one, a response for reading one);
comments are moderated by site moderators and by the owning organisation's moderators.

- ``consultations.view_consultation``: anything but an upcoming consultation, which only its
  organisation's staff see (what ``consultations.views._visible`` lets through);
- ``consultations.respond``: signed in, or anonymously where the consultation allows it;
- ``consultations.view_response``: a response, by its respondent or by whoever reads the
  consultation's responses (``consultations.view_responses``);
- ``consultations.moderate_some``: the moderation queue, for anyone who moderates anything."""

from __future__ import annotations

from typing import Any

import rules

from accounts.rules import (
    is_moderator_of,
    is_signed_in,
    is_site_admin,
    is_site_moderator,
    is_staff_of,
    is_writer_of,
)

from . import moderation
from .models import Consultation, Response


@rules.predicate
def is_not_upcoming(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and consultation.state != Consultation.State.UPCOMING


@rules.predicate
def allows_anonymous(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and consultation.allow_anonymous


@rules.predicate
def is_respondent_of(user: Any, response: Response | None) -> bool:
    return (
        response is not None
        and is_signed_in.test(user)
        and response.respondent_id is not None
        and response.respondent_id == user.pk
    )


@rules.predicate
def moderates_something(user: Any) -> bool:
    return moderation.is_any_moderator(user)


can_manage = is_writer_of
can_read_responses = is_staff_of | is_site_admin
can_moderate = is_moderator_of | is_site_moderator | is_site_admin


@rules.predicate
def reads_responses_of(user: Any, response: Response | None) -> bool:
    return response is not None and can_read_responses.test(user, response.consultation)


rules.add_perm("consultations.create_consultation", is_writer_of)
rules.add_perm("consultations.manage_consultation", can_manage)
rules.add_perm("consultations.view_consultation", is_not_upcoming | can_read_responses)
rules.add_perm("consultations.view_responses", can_read_responses)
rules.add_perm("consultations.view_response", is_respondent_of | reads_responses_of)
rules.add_perm("consultations.respond", is_signed_in | allows_anonymous)
rules.add_perm("consultations.moderate", can_moderate)
rules.add_perm("consultations.moderate_any", is_site_moderator | is_site_admin)
rules.add_perm("consultations.moderate_some", moderates_something)
rules.add_perm("consultations.comment", is_signed_in)
rules.add_perm("consultations.report_comment", is_signed_in)

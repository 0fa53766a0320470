"""The rules the API needs beyond ``consultations/rules.py``, composed only from the pages'
own predicates so that the API and the pages cannot disagree:

- ``consultations.view_consultation``: what ``consultations.views._visible`` lets through
  (anything but an upcoming consultation, which only its organisation's staff see);
- ``consultations.respond``: anonymous responses only where the consultation allows them;
- ``consultations.view_response``: a response, by its respondent or whoever reads the
  consultation's responses (``consultations.view_responses``);
- ``consultations.moderate_some``: the moderation queue, for anyone who moderates anything.

``set_perm`` (not ``add_perm``) keeps importing this module twice harmless."""

from __future__ import annotations

from typing import Any

import rules

from accounts.rules import is_signed_in

from .. import moderation
from ..models import Consultation, Response
from ..rules import can_read_responses


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
def reads_responses_of(user: Any, response: Response | None) -> bool:
    return response is not None and can_read_responses.test(user, response.consultation)


@rules.predicate
def moderates_something(user: Any) -> bool:
    return moderation.is_any_moderator(user)


rules.set_perm("consultations.view_consultation", is_not_upcoming | can_read_responses)
rules.set_perm("consultations.respond", is_signed_in | allows_anonymous)
rules.set_perm("consultations.view_response", is_respondent_of | reads_responses_of)
rules.set_perm("consultations.moderate_some", moderates_something)

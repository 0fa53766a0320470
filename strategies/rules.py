"""Who may do what with a strategy. Every predicate takes ``(user, strategy)``.

Drafts, history and diffs belong to the owning organisation's staff (viewers read, editors
and leads write); site administrators may read them; published versions are public."""

from __future__ import annotations

import rules

from accounts.rules import is_lead_of, is_site_admin, is_staff_of, is_writer_of

from .models import Strategy


@rules.predicate
def is_published(user: object, strategy: Strategy | None) -> bool:
    return strategy is not None and strategy.published_version_id is not None


can_read_draft = is_staff_of | is_site_admin

rules.add_perm("strategies.view_draft", can_read_draft)
rules.add_perm("strategies.create_strategy", is_writer_of)
rules.add_perm("strategies.edit_strategy", is_writer_of)
rules.add_perm("strategies.change_status", is_writer_of)
rules.add_perm("strategies.lead_strategy", is_lead_of)
rules.add_perm("strategies.view_published", is_published | can_read_draft)

# Evidence datasets belong to an organisation: checked against the Organisation itself.
rules.add_perm("strategies.view_evidence", can_read_draft)
rules.add_perm("strategies.upload_evidence", is_writer_of)

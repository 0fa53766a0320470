from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.rules import is_member_of, is_staff_of, is_writer_of, roles_by_organisation
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_a_member_of_one_lep_has_no_role_in_another(cast) -> None:
    assert is_member_of(cast.editor, cast.organisation)
    assert not is_member_of(cast.editor, cast.other_organisation)
    assert not is_member_of(cast.other_member, cast.organisation)
    assert is_member_of(cast.other_member, cast.other_organisation)


@pytest.mark.django_db
def test_role_predicates_follow_the_role(cast) -> None:
    org = cast.organisation
    assert [
        is_writer_of(u, org) for u in (cast.lead, cast.editor, cast.viewer, cast.moderator)
    ] == [
        True,
        True,
        False,
        False,
    ]
    assert [is_staff_of(u, org) for u in (cast.lead, cast.editor, cast.viewer, cast.moderator)] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.django_db
def test_anonymous_and_site_roles_hold_no_organisation_role(cast) -> None:
    for user in (AnonymousUser(), cast.respondent, cast.site_moderator, cast.admin):
        assert not is_member_of(user, cast.organisation)


@pytest.mark.django_db
def test_an_inactive_member_loses_their_roles(cast) -> None:
    cast.editor.is_active = False
    assert roles_by_organisation(cast.editor) == {}


@pytest.mark.django_db
def test_roles_are_read_once_per_user(cast, django_assert_num_queries) -> None:
    organisations = [OrganisationFactory() for _ in range(5)]
    with django_assert_num_queries(1):
        for organisation in organisations * 3:
            is_member_of(cast.editor, organisation)


@pytest.mark.django_db
def test_member_management_permissions(cast) -> None:
    org = cast.organisation
    can_manage = {
        name: getattr(cast, name).has_perm("accounts.manage_members", org)
        for name in (
            "respondent",
            "viewer",
            "editor",
            "lead",
            "moderator",
            "other_member",
            "site_moderator",
            "admin",
        )
    }
    assert can_manage == {
        "respondent": False,
        "viewer": False,
        "editor": False,
        "lead": True,
        "moderator": False,
        "other_member": False,
        "site_moderator": False,
        "admin": True,
    }
    assert AnonymousUser().has_perm("accounts.manage_members", org) is False

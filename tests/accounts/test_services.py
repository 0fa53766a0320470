from __future__ import annotations

import pytest

from accounts import services
from accounts.models import Membership, User
from lepportal.core.exceptions import ApplicationError
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.django_db
def test_sign_up_stores_address_lower_case_and_refuses_a_second_account() -> None:
    user = services.user_sign_up(
        email="Ada@Example.COM", display_name=" Ada Lovelace ", password="analytical-engine"
    )
    assert user.email == "ada@example.com"
    assert user.display_name == "Ada Lovelace"
    assert user.check_password("analytical-engine")
    with pytest.raises(ApplicationError, match="already exists"):
        services.user_sign_up(email="ADA@example.com", display_name="Other", password="x" * 12)
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


@pytest.mark.django_db
def test_membership_set_replaces_the_role_rather_than_adding_a_second(cheshire) -> None:
    user = UserFactory()
    services.membership_set(organisation=cheshire, user=user, role=Membership.Role.VIEWER)
    services.membership_set(organisation=cheshire, user=user, role=Membership.Role.EDITOR)
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == ["editor"]


@pytest.mark.django_db
def test_the_last_lead_cannot_be_demoted_or_removed(cheshire) -> None:
    lead = MembershipFactory(organisation=cheshire, role=Membership.Role.LEAD)
    with pytest.raises(ApplicationError, match="at least one lead"):
        services.membership_set(organisation=cheshire, user=lead.user, role=Membership.Role.EDITOR)
    with pytest.raises(ApplicationError, match="at least one lead"):
        services.membership_remove(membership=lead)
    lead.refresh_from_db()
    assert lead.role == Membership.Role.LEAD

    second = MembershipFactory(organisation=cheshire, role=Membership.Role.LEAD)
    services.membership_remove(membership=lead)
    assert list(cheshire.memberships.values_list("user_id", flat=True)) == [second.user_id]


@pytest.mark.django_db
def test_adding_an_unknown_address_is_refused_with_advice(cheshire) -> None:
    with pytest.raises(ApplicationError, match="Ask them to create one"):
        services.membership_add_by_email(
            organisation=cheshire, email="nobody@example.com", role=Membership.Role.EDITOR
        )
    assert not cheshire.memberships.exists()


@pytest.mark.django_db
def test_unknown_role_is_refused(cheshire) -> None:
    with pytest.raises(ApplicationError, match="is not a role"):
        services.membership_set(organisation=cheshire, user=UserFactory(), role="owner")

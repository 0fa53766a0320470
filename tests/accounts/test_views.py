from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_an_account_and_signs_in(client) -> None:
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "email": "Freelancer@Example.com",
            "display_name": "Fran Freelancer",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get(email="freelancer@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_errors_keep_what_was_typed_and_save_nothing(client) -> None:
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "email": "kept@example.com",
            "display_name": "Kept Name",
            "password1": "a-long-passphrase",
            "password2": "different-passphrase",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'value="kept@example.com"' in body
    assert 'value="Kept Name"' in body
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="kept@example.com").exists()


def test_sign_in_is_case_insensitive_on_the_address(client) -> None:
    user = UserFactory(email="lead@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "LEAD@example.com", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_out_needs_post(client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_five_failed_sign_ins_lock_the_account_with_a_clear_message(client) -> None:
    UserFactory(email="target@example.com")
    url = reverse("accounts:login")
    for _ in range(4):
        response = client.post(url, {"username": "target@example.com", "password": "wrong"})
        assert response.status_code == 200
        assert "Enter a correct e-mail address and password" in response.content.decode()
    response = client.post(url, {"username": "target@example.com", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(url, {"username": "target@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client) -> None:
    user = UserFactory(email="forgetful@example.com")
    response = client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert link is not None
    response = client.get(link.group(1), follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase")


def test_password_reset_for_unknown_address_reveals_nothing(client) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "another-passphrase",
            "new_password2": "another-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-passphrase")


def test_profile_lists_memberships_and_needs_sign_in(client, cast) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(cast.editor)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "Cheshire and Warrington" in body
    assert "Editor" in body


def test_profile_update_changes_the_display_name(client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "New Name"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "New Name"


@pytest.mark.parametrize(
    ("role", "sees_members"),
    [
        ("anonymous", False),
        ("respondent", False),
        ("other_member", False),
        ("viewer", True),
        ("editor", True),
        ("lead", True),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_organisation_members_are_shown_to_members_only(client, cast, role, sees_members) -> None:
    user = getattr(cast, role)
    if user is not None:
        client.force_login(user)
    body = client.get(cast.organisation.get_absolute_url()).content.decode()
    assert "Cheshire and Warrington" in body
    assert (cast.editor.email in body) is sees_members


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("respondent", 404),
        ("other_member", 404),
        ("viewer", 404),
        ("editor", 404),
        ("moderator", 404),
        ("lead", 200),
        ("admin", 200),
    ],
)
def test_only_leads_and_admins_manage_members(client, cast, role, status) -> None:
    client.force_login(getattr(cast, role))
    url = reverse("organisations:member_add", kwargs={"slug": cast.organisation.slug})
    assert client.get(url).status_code == status


def test_anonymous_gets_not_found_with_a_sign_in_link_for_member_pages(client, cast) -> None:
    url = reverse("organisations:member_add", kwargs={"slug": cast.organisation.slug})
    response = client.get(url)
    assert response.status_code == 404
    assert f"{reverse('accounts:login')}?next={url}" in response.content.decode()


def test_lead_adds_a_member_and_changes_their_role(client, cast) -> None:
    newcomer = UserFactory(email="new.starter@example.com")
    client.force_login(cast.lead)
    slug = cast.organisation.slug
    response = client.post(
        reverse("organisations:member_add", kwargs={"slug": slug}),
        {"email": "New.Starter@example.com", "role": "viewer"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organisation=cast.organisation)
    assert membership.role == "viewer"
    response = client.post(
        reverse(
            "organisations:member_change", kwargs={"slug": slug, "membership_id": membership.pk}
        ),
        {"role": "editor"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "editor"


def test_lead_cannot_remove_themselves_when_the_only_lead(client, cast) -> None:
    client.force_login(cast.lead)
    membership = Membership.objects.get(user=cast.lead)
    url = reverse(
        "organisations:member_change",
        kwargs={"slug": cast.organisation.slug, "membership_id": membership.pk},
    )
    response = client.post(url, {"role": "lead", "remove": "1"})
    assert response.status_code == 200
    assert "must keep at least one lead" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_lead_cannot_touch_another_leps_memberships(client, cast) -> None:
    client.force_login(cast.other_member)
    membership = Membership.objects.get(user=cast.editor)
    url = reverse(
        "organisations:member_change",
        kwargs={"slug": cast.organisation.slug, "membership_id": membership.pk},
    )
    assert client.post(url, {"role": "viewer", "remove": "1"}).status_code == 404
    assert Membership.objects.get(pk=membership.pk).role == "editor"

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organisation

pytestmark = pytest.mark.django_db


def test_all_38_leps_are_loaded_with_their_waves() -> None:
    assert Organisation.objects.count() == 38
    waves = {w: Organisation.objects.filter(wave=w).count() for w in (1, 2, 3)}
    assert waves == {1: 8, 2: 6, 3: 24}
    manchester = Organisation.objects.get(name="Greater Manchester")
    assert (manchester.ons_code, manchester.wave) == ("E37000015", 1)
    assert Organisation.objects.get(slug="cheshire-and-warrington").wave == 2


def test_home_explains_the_service_and_lists_every_lep_by_wave(
    client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        response = client.get(reverse("core:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Local Industrial Strategy" in body
    assert "Wave 1: trailblazers" in body
    for organisation in Organisation.objects.all():
        assert organisation.get_absolute_url() in body


@pytest.mark.parametrize("name", ["core:accessibility", "core:privacy", "core:cookies"])
def test_static_pages_render(client, name) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b"<h1" in response.content


def test_privacy_notice_names_the_lawful_basis_and_foi(client) -> None:
    body = client.get(reverse("core:privacy")).content.decode()
    assert "public task" in body
    assert "Freedom of Information" in body


def test_unknown_page_gets_the_styled_404(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-frontend.min.css" in response.content.decode()


def test_every_html_response_carries_a_csp_with_a_nonce_used_by_the_scripts(client) -> None:
    response = client.get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    assert body.count(f'nonce="{nonce}"') == 2
    assert "onclick=" not in body


def test_navigation_shows_the_users_organisation(client, cast) -> None:
    client.force_login(cast.editor)
    body = client.get(reverse("core:home")).content.decode()
    assert "Signed in as" in body
    assert 'href="/strategies/cheshire-and-warrington/"' in body


def test_error_500_page_renders_without_a_request_context(rf) -> None:
    from lepportal.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()

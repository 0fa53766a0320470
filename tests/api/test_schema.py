"""The OpenAPI schema validates with no warnings, documents every operation's errors, and the
interactive documentation is served from this site under its Content Security Policy."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_validates_with_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning into an error (a non-zero exit, raised here).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert len(schema["paths"]) >= 20


def test_every_operation_documents_its_errors_with_the_error_body(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    error_ref = "#/components/schemas/Error"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "404", "429"} <= codes, (method, path)
            if method in {"post", "put", "patch"}:
                assert {"400", "403", "413", "415"} <= codes, (method, path)
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    content = response["content"]["application/json"]["schema"]
                    assert content == {"$ref": error_ref}, (method, path, code)
    create = schema["paths"]["/api/v1/consultations/{slug}/responses/"]["post"]["responses"]
    assert {"200", "201", "409"} <= set(create)


def test_schema_offers_token_and_session_authentication(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey"
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_docs_page_is_served_with_a_nonce_and_nothing_looser(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    html = response.content.decode()
    nonce = re.search(r'<style nonce="([^"]+)">', html).group(1)
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert f"'nonce-{nonce}'" in directives["style-src"]
    assert "unsafe" not in policy
    # Everything comes from this site: Swagger UI from drf-spectacular-sidecar.
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in s for s in sources)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_sidecar_assets_are_served_by_this_site(client):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert response.status_code == 200

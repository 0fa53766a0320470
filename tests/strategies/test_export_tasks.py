from __future__ import annotations

import pytest

from strategies import export_services, services
from strategies.models import VersionExport

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(strategy, cast):
    return services.version_create(strategy=strategy, label="Draft", author=cast.editor)


def test_an_export_is_made_once_and_a_repeat_delivery_does_nothing(
    version, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = export_services.version_export_request(version=version, fmt="docx")
    assert len(callbacks) == 1
    export.refresh_from_db()
    assert export.state == VersionExport.State.READY
    first_file = export.file.name
    export_services.version_export_build(export_id=export.pk)  # a duplicate task
    export.refresh_from_db()
    assert export.file.name == first_file
    with django_capture_on_commit_callbacks(execute=True) as again:
        export_services.version_export_request(version=version, fmt="docx")
    assert again == []


def test_a_failed_export_records_the_error_and_can_be_retried(
    version, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def explode(document):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(export_services, "document_to_pdf", explode)
    with django_capture_on_commit_callbacks(execute=True):
        export = export_services.version_export_request(version=version, fmt="pdf")
    export.refresh_from_db()
    assert export.state == VersionExport.State.FAILED
    assert "fonts missing" in export.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        export_services.version_export_request(version=version, fmt="pdf")
    export.refresh_from_db()
    assert export.state == VersionExport.State.READY
    assert export.error == ""


def test_stale_running_exports_are_requeued(version, django_capture_on_commit_callbacks) -> None:
    from datetime import timedelta

    from django.utils import timezone

    export = VersionExport.objects.create(
        version=version,
        format="pdf",
        state=VersionExport.State.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert export_services.reset_stale_exports() == 1
    export.refresh_from_db()
    assert export.state == VersionExport.State.READY

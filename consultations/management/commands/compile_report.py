"""Compile a consultation's report from the command line:

    manage.py compile_report <consultation-slug> [--wait] [--final] [--timeout SECONDS]

Starts a compilation (or finds the one that already answers: nothing changed, or one is
running) and prints its progress and result. With ``--wait`` it polls until the compilation
has finished; with no broker configured the work runs in this process, so it is done at once."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consultations.models import Compilation, Consultation
from consultations.reporting.compile import compilation_start
from lepportal.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Compile the report of a consultation (a draft while open, final once closed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The consultation's slug, as in its address.")
        parser.add_argument(
            "--wait", action="store_true", help="Wait until the compilation has finished."
        )
        parser.add_argument(
            "--final",
            action="store_true",
            help="Compile the final report (refused while the consultation is open).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=30 * 60,
            help="With --wait, give up after this many seconds (default 1800).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        consultation = Consultation.objects.filter(slug=options["slug"]).first()
        if consultation is None:
            raise CommandError(f"No consultation has the slug “{options['slug']}”.")
        started = time.monotonic()
        try:
            compilation = compilation_start(
                consultation=consultation, user=None, final=options["final"]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        kind = "final" if compilation.is_final else "draft"
        self.stdout.write(f"Compilation {compilation.pk} ({kind} report) of “{consultation}”.")
        last = None
        while options["wait"] and compilation.is_active:
            shown = (compilation.progress, compilation.stage)
            if shown != last:
                self.stdout.write(f"  {compilation.progress:3d}%  {compilation.stage}")
                last = shown
            if time.monotonic() - started > options["timeout"]:
                raise CommandError(
                    f"Still {compilation.get_status_display().lower()} after "
                    f"{options['timeout']:.0f} seconds; it carries on in the background."
                )
            time.sleep(1)
            compilation.refresh_from_db()
        self._report(compilation)

    def _report(self, compilation: Compilation) -> None:
        status = compilation.get_status_display()
        if compilation.status == Compilation.Status.FAILED:
            raise CommandError(f"The compilation failed: {compilation.error}")
        if compilation.is_active:
            self.stdout.write(
                f"Status: {status} ({compilation.progress}%: {compilation.stage}). "
                "Run again with --wait to wait for it."
            )
            return
        result = compilation.result
        self.stdout.write(self.style.SUCCESS(f"Status: {status} (100%)."))
        responses = result.get("overview", {}).get("responses", 0)
        self.stdout.write(
            f"Responses: {responses}; approved comments: {result.get('comments_total', 0)}."
        )
        if compilation.version is not None:
            self.stdout.write(
                f"Compiled strategy version: {compilation.version.number} "
                f"(“{compilation.version.label}”)."
            )
        for entry in result.get("free_text", []):
            themes = entry.get("themes", [])
            campaigns = entry.get("campaigns", [])
            self.stdout.write(
                f"Themes for “{entry['text']}”: {len(themes)} "
                f"({', '.join(theme['label'] for theme in themes[:5]) or 'none'}); "
                f"campaigns: {len(campaigns)}."
            )
        files = [name for name in ("pdf", "docx", "xlsx") if getattr(compilation, name)]
        self.stdout.write(f"Files: {', '.join(files) or 'none'}.")

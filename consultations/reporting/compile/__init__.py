"""The compile engine's orchestration: starting a compilation, doing the work in parts that
workers can share, writing the result once, and the reviews staff make around it (theme edits,
the “You said, we did” table, publishing the outcome).

How a compilation runs (``tasks.py`` puts the parts on workers; ``compilation_run`` does the
same in one process):

1. ``compilation_start`` hashes the input (every submitted response and approved comment with
   its modification time, the questions, theme edits and the table staff completed). The same
   hash as a finished compilation returns that compilation; otherwise a queued one is created
   (at most one queued or running per consultation, by a partial unique constraint) and its
   task is sent once the transaction commits.
2. ``compilation_claim`` moves it from queued to running and counts the attempt. Only the
   holder of the current attempt may record progress or write the result, so a run that was
   given up for dead (``sweep_stale_compilations``) and comes back writes nothing.
3. ``closed_part`` (overview and closed questions) and one ``free_text_part`` per free-text
   question compute plain JSON; they read answers as tuples in chunks, never as models.
4. ``compilation_assemble`` adds what was said about each section, the “You said, we did”
   rows and the summary, renders the files, and then — in one transaction — creates the
   compiled strategy version, stores the files and the result and marks it succeeded.

Modules: ``record`` (states, progress and heartbeats from the current attempt only, the
reports the pages read), ``lifecycle`` (input hash, start, claim, failure in plain words, the
in-process run, the stale sweep and the schedule), ``parts``, ``assemble``, ``review`` (theme
edits) and ``outcome`` (the “You said, we did” table and publishing). To replace something
in a test, patch it in the module that uses it (``parts.analyse_free_text``), not here.
docs/decisions/0007-compilation-orchestration.md explains the design.

Invariants: only submitted responses and approved comments are read; only answers from
respondents who consented to publication are quoted; comment authors are never named."""

from __future__ import annotations

from .assemble import compilation_assemble
from .lifecycle import (
    BROKER_UNREACHABLE,
    MAX_ATTEMPTS,
    STOPPED_REPEATEDLY,
    compilation_claim,
    compilation_fail,
    compilation_input_hash,
    compilation_run,
    compilation_start,
    compile_closed_consultations,
    guarded,
    plain_error,
    stale_after,
    sweep_stale_compilations,
)
from .outcome import OUTCOME_TEXT_MAX, outcome_publish, outcome_rows, outcome_rows_save
from .parts import closed_part, compilation_plan, free_text_part, reviewed_themes
from .record import (
    ACTIVE,
    CHUNK_SIZE,
    HASH_SCHEME,
    Status,
    Superseded,
    free_text_entry,
    latest_report,
    published_report,
)
from .review import THEME_LABEL_MAX, ThemeAction, theme_edit_save

__all__ = [
    "ACTIVE",
    "BROKER_UNREACHABLE",
    "CHUNK_SIZE",
    "HASH_SCHEME",
    "MAX_ATTEMPTS",
    "OUTCOME_TEXT_MAX",
    "STOPPED_REPEATEDLY",
    "THEME_LABEL_MAX",
    "Status",
    "Superseded",
    "ThemeAction",
    "closed_part",
    "compilation_assemble",
    "compilation_claim",
    "compilation_fail",
    "compilation_input_hash",
    "compilation_plan",
    "compilation_run",
    "compilation_start",
    "compile_closed_consultations",
    "free_text_entry",
    "free_text_part",
    "guarded",
    "latest_report",
    "outcome_publish",
    "outcome_rows",
    "outcome_rows_save",
    "plain_error",
    "published_report",
    "reviewed_themes",
    "stale_after",
    "sweep_stale_compilations",
    "theme_edit_save",
]

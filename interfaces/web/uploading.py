"""Receiving a document from a page's upload form, for whoever may submit it to a region.

The region page (coordinators, assessors) and "Daerah saya" (the head of region) post one
deliverable per form: the file, a note, the OPD it is for when it is sent per OPD, and the
quick-win list beside a quick-win plan. What may be submitted is not decided here: the form
is only offered where the engine would accept it (:mod:`workflows.reporting.submittable`),
and :func:`workflows.master_plan.actions.submit_data` checks everything again in the
submission's transaction.

The body is parsed here rather than by FastAPI, so an upload whose declared length is over
the limit is refused before any of it is read, and a parsed part over the limit before its
bytes are read into memory; the CSRF token is checked as soon as the form is parsed. A refusal
carries what was chosen and typed, so the page is shown again with the reason beside the form
and the note kept (a browser never keeps a chosen file across a page load).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from config.messages import text
from engine import WorkflowError
from interfaces.web.deps import Viewer, acting, check_csrf
from interfaces.web.templating import filesize
from workflows.master_plan import MASTER_PLAN, actions, uploads
from workflows.master_plan.quick_wins import QuickWinRow
from workflows.programme import Programme

CSV_MAX_BYTES = 1024 * 1024  # a quick-win list is a few kilobytes; this is generous
FORM_ROOM = 64 * 1024  # the other fields and the multipart framing
NOTE_MAX = 5000


@dataclass(frozen=True)
class Typed:
    """What the person chose and typed in the form, shown again after a refusal."""

    deliverable: str = ""
    party: str = ""
    note: str = ""


@dataclass(eq=False)
class UploadRefused(Exception):
    """The upload was not stored: the HTTP status, the reason in the person's language, and
    what they had typed."""

    status: int
    message: str
    typed: Typed = field(default_factory=Typed)


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _too_big(name: str, limit: int) -> str:
    return text("uploading.too_big", file=name, limit=filesize(limit))


async def submit(request: Request, viewer: Viewer, prog: Programme,
                 region: str, key: str = MASTER_PLAN) -> actions.SubmitResult:
    """Store the posted document as a new version for ``region``'s workflow ``key`` (the
    master plan by default), as the viewer; raises :class:`UploadRefused` with the reason
    when it is not stored."""
    actor = acting(viewer)
    limit = prog.settings.upload_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + CSV_MAX_BYTES + FORM_ROOM:
        raise UploadRefused(413, _too_big(text("uploading.the_upload"), limit))
    form = await request.form(max_files=2, max_fields=10, max_part_size=CSV_MAX_BYTES)
    try:
        check_csrf(viewer, _field(form, "csrf_token"))
        typed = Typed(_field(form, "deliverable").strip(), _field(form, "party").strip(),
                      _field(form, "note"))
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UploadRefused(422, text("uploading.choose_file"), typed)
        if upload.size is not None and upload.size > limit:
            raise UploadRefused(413, _too_big(upload.filename, limit), typed)
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise UploadRefused(413, _too_big(upload.filename, limit), typed)
        quick_wins: list[QuickWinRow] | None = None
        listed = form.get("quick_wins")
        if isinstance(listed, UploadFile) and listed.filename:
            raw = await listed.read(CSV_MAX_BYTES + 1)
            if len(raw) > CSV_MAX_BYTES:
                raise UploadRefused(413, _too_big(listed.filename, CSV_MAX_BYTES), typed)
            try:  # any encoding and separator a spreadsheet saves; bad rows by number
                quick_wins = await run_in_threadpool(actions.quick_wins_of, raw, prog,
                                                     uploads.safe_name(listed.filename))
            except WorkflowError as exc:
                raise UploadRefused(exc.status_code, str(exc), typed) from None
        if len(typed.note) > NOTE_MAX:
            raise UploadRefused(422, text("uploading.note_too_long", max=NOTE_MAX), typed)
        try:
            return await run_in_threadpool(
                actions.submit_data, prog, region, typed.deliverable, upload.filename, data,
                actor, party=typed.party or None, quick_wins=quick_wins,
                note=typed.note.strip() or None,
                quick_wins_flag=text("uploading.quick_wins_flag"), key=key)
        except WorkflowError as exc:
            raise UploadRefused(exc.status_code, str(exc), typed) from None
    finally:
        await form.close()

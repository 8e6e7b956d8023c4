"""``POST /opd/quick-wins``: the OPD page's quick-win form; ``GET /quick-wins/template.csv``.

The form (:mod:`interfaces.web.pages.quick_win_form`) posts one of three things, by the
button pressed:

- ``send``: the filled rows become the plan's quick-win list and a new version of the
  ``quick_win_plan`` deliverable, through the same call as an upload with a CSV
  (:func:`workflows.master_plan.actions.submit_data`). A plan document may go with it; without
  one, the list itself is stored as the version's file (a CSV with labels, that reads back as
  the same list), so the mentor always has a file to open.
- ``add_row``: the same form with one more blank row (no JavaScript needed).
- ``import``: a CSV made in a spreadsheet is read (any separator and encoding a spreadsheet
  saves, Indonesian or English headers and labels) into the rows, to be checked and sent.

A refusal shows the OPD page again with every row as typed and each problem beside its field;
a browser cannot keep a chosen file, so a refused file is named beside its field instead.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

import interfaces.web.pages.opd as opd
import interfaces.web.pages.quick_win_form as quick_win_form
from config import language
from config.messages import text
from engine import InvalidInputError, WorkflowError
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.pages.quick_win_form import FIELDS, ROWS_MAX, QuickWinForm
from workflows.master_plan import QUICK_WIN_PLAN, actions, quick_wins, uploads
from workflows.master_plan.quick_wins import QuickWinListError
from workflows.programme import Programme

router = APIRouter()

CSV_MAX_BYTES = 1024 * 1024  # a quick-win list is a few kilobytes; this is generous
FORM_ROOM = 256 * 1024  # the rows' fields and the multipart framing
NOTE_MAX = 5000
ACTIONS = ("send", "add_row", "import")


@router.get("/quick-wins/template.csv")
def template(viewer: PageViewer, prog: Prog) -> Response:
    """The CSV to fill in a spreadsheet: headers in the page's language, one example row."""
    name = text("quickwins.template.file_name")
    return Response(quick_wins.template(prog.dimensions), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, max-age=3600"})


def size(amount: int) -> str:
    """A byte count as a person reads it ("1 MB", "25 MB"), in the current language."""
    megabytes = amount / 1048576
    if megabytes >= 1:
        return f"{format_decimal(round(megabytes, 1), locale=language.current())} MB"
    return f"{format_decimal(round(amount / 1024), locale=language.current())} KB"


def document_problem(name: str, data: bytes, limit: int) -> str | None:
    """Why a chosen document would be refused (its type, emptiness or size), naming it; the
    same rules :func:`workflows.master_plan.uploads.check` applies when it is stored."""
    shown = uploads.safe_name(name)
    suffix = shown.rpartition(".")[2].lower() if "." in shown else ""
    if f".{suffix}" not in uploads.ALLOWED:
        return text("quickwins.document.type", name=shown)
    if not data:
        return text("quickwins.document.empty", name=shown)
    if len(data) > limit:
        return text("quickwins.document.too_big", name=shown, limit=size(limit))
    return None


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _number(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 4 else 0


def _form(prog: Programme, code: str, rows: list[quick_win_form.FormRow], default_opd: str,
          note: str) -> QuickWinForm:
    with prog.db.read() as session:
        choices = quick_win_form.opd_choices(session, code)
    return QuickWinForm(rows, prog.dimensions, choices, default_opd, note)


async def _again(request: Request, viewer: Viewer, prog: Programme, form: QuickWinForm,
                 status: int) -> Response:
    return await run_in_threadpool(opd._page, request, viewer, prog, status=status,
                                   quick_win_form=form)


@router.post("/opd/quick-wins")
async def post(request: Request, viewer: PageViewer, prog: Prog) -> Response:
    """Send, extend or fill the quick-win form (see the module's docstring)."""
    actor, code = opd._my_region(viewer)
    limit = prog.settings.upload_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + CSV_MAX_BYTES + FORM_ROOM:
        return await run_in_threadpool(
            opd._page, request, viewer, prog, status=413,
            error=text("quickwins.document.too_big", name=text("quickwins.the_upload"),
                       limit=size(limit)))
    posted = await request.form(max_files=2, max_fields=ROWS_MAX * len(FIELDS) + 20,
                                max_part_size=CSV_MAX_BYTES)
    try:
        check_csrf(viewer, _text(posted, "csrf_token"))
        rows = quick_win_form.read(posted, _number(_text(posted, "rows")))
        default_opd = actor.party or ""
        form = await run_in_threadpool(_form, prog, code, rows, default_opd,
                                       _text(posted, "note"))
        action = _text(posted, "action")
        if action == "add_row":
            return await _again(request, viewer, prog, form.padded(extra=1), 200)
        if action == "import":
            return await _import(request, viewer, prog, form, posted.get("csv"))
        if action != "send":
            form.errors["general"] = text("quickwins.form.unknown_action")
            return await _again(request, viewer, prog, form.padded(), 422)
        return await _send(request, viewer, prog, code, form, posted.get("document"), limit)
    finally:
        await posted.close()


async def _import(request: Request, viewer: Viewer, prog: Programme, form: QuickWinForm,
                  listed: Any) -> Response:
    """Read a CSV into the rows (they replace the form's), or say beside the field why not."""
    if not isinstance(listed, UploadFile) or not listed.filename:
        form.errors["csv"] = text("quickwins.csv.choose")
        return await _again(request, viewer, prog, form.padded(), 422)
    raw = await listed.read(CSV_MAX_BYTES + 1)
    if len(raw) > CSV_MAX_BYTES:
        form.errors["csv"] = text("quickwins.document.too_big", name=listed.filename,
                                  limit=size(CSV_MAX_BYTES))
        return await _again(request, viewer, prog, form.padded(), 413)
    try:
        wins = await run_in_threadpool(quick_wins.parse_quick_wins, raw, prog.dimensions,
                                       name=uploads.safe_name(listed.filename))
    except QuickWinListError as exc:
        form.errors["csv"] = text("quickwins.csv.refused", name=exc.file_name) \
            if exc.problems else str(exc)
        form.csv_problems = exc.problems
        return await _again(request, viewer, prog, form.padded(), 422)
    except InvalidInputError as exc:  # the file as a whole: empty, a workbook, not text
        form.errors["csv"] = str(exc)
        return await _again(request, viewer, prog, form.padded(), 422)
    form.rows = quick_win_form.from_rows(wins, form.default_opd)
    form.imported = (uploads.safe_name(listed.filename), len(wins))
    return await _again(request, viewer, prog, form.padded(extra=1), 200)


async def _send(request: Request, viewer: Viewer, prog: Programme, code: str,
                form: QuickWinForm, document: Any, limit: int) -> Response:
    """Store the rows as a new plan version (with its document, or the list as its file)."""
    wins = quick_win_form.check(form)
    failed = any(r.errors for r in form.rows)
    if not wins and not failed:
        form.errors["rows"] = text("quickwins.form.empty")
    if len(form.note) > NOTE_MAX:
        form.errors["note"] = text("quickwins.form.note_too_long", limit=NOTE_MAX)
    name, data = "", b""
    if isinstance(document, UploadFile) and document.filename:
        name = document.filename
        data = await document.read(limit + 1)
        problem = document_problem(name, data, limit)
        if problem:
            form.errors["document"] = problem
    if failed or form.errors:
        status = 413 if len(data) > limit else 422
        return await _again(request, viewer, prog, form.padded(), status)
    if not name:
        name = text("quickwins.document.file_name", region=code.replace(".", ""))
        data = quick_wins.as_csv(wins, prog.dimensions)
    try:
        await run_in_threadpool(
            actions.submit_data, prog, code, QUICK_WIN_PLAN, name, data, acting(viewer),
            quick_wins=wins, note=form.note.strip() or None)
    except WorkflowError as exc:
        form.errors["general"] = str(exc)
        return await _again(request, viewer, prog, form.padded(), exc.status_code)
    # The form posts to #quick-wins (a refusal shows the form where it was); after saving,
    # the page opens at its top, where the notice and the next step (send for review) are.
    return RedirectResponse(f"/opd?done=submit&what={QUICK_WIN_PLAN}#main", status_code=303)

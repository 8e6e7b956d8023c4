"""The programme world the tests build on: people, a region in a cohort with its OPDs, head of
region and mentor, real files to submit, and a driver that walks a region along the master plan.

Everything goes through the public functions the command line and the web call
(:mod:`workflows.directory`, :mod:`workflows.master_plan.actions`), one transaction per call,
on a real database (SQLite and PostgreSQL); what it observes it reads through the engine's
:class:`~engine.Records` and the read models. Shared by
``tests/workflows`` and ``tests/interfaces`` (``tests/`` is on the import path).
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import event

from engine import Records
from notifications import outbox
from workflows.directory import cohorts, imports, registration
from workflows.master_plan import MASTER_PLAN, actions
from workflows.master_plan.quick_wins import of_submission
from workflows.programme import Programme

# Kota Balikpapan, Kalimantan Timur, WITA (workflows/directory/data/regencies.csv)
BALIKPAPAN = "64.71"

COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"
COHORT = "Smart City 2026"

OPD_NAMES = {
    "DISKOMINFO": ("Dinas Komunikasi dan Informatika", "governance"),
    "BAPPEDA": ("Badan Perencanaan Pembangunan Daerah", "governance"),
    "DINKES": ("Dinas Kesehatan", "living"),
    "DISHUB": ("Dinas Perhubungan", "living"),
}

# The happy path: the stage a region is in, in the order it passes them.
PATH = [
    "assessment", "mou", "institutions", "bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4",
    "quick_win_submission", "mentor_review", "presentation", "adoption", "implementation",
]

QUICK_WINS_CSV = (
    "title,dimension,element,opd,description\n"
    "Online permits in one portal,governance,public_service,DISKOMINFO,"
    "Existing permit services joined into one portal\n"
    "Ambulance call centre 112,living,health,DINKES,Faster emergency response\n"
)


def _slug(code: str) -> str:
    return code.replace(".", "")



def document(suffix: str, tag: str = "") -> bytes:
    """The smallest real file of an allowed type: what an upload's content check accepts.

    ``tag`` goes inside, so two calls can differ in content (uploads are stored by checksum).
    Office files are the containers they are: OOXML a ZIP with ``[Content_Types].xml``,
    OpenDocument a ZIP whose first entry is ``mimetype``, 97–2003 an OLE2 header.
    """
    suffix = suffix.lower()
    note = tag.encode()
    if suffix == ".pdf":
        return b"%PDF-1.4\n% smartcity test document " + note + b"\n%%EOF\n"
    if suffix in (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            if suffix.startswith(".o"):
                kind = {".odt": "text", ".ods": "spreadsheet", ".odp": "presentation"}[suffix]
                archive.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}")
                archive.writestr("content.xml", f"<office:document-content>{tag}"
                                 "</office:document-content>")
            else:
                archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.'
                                 'openxmlformats.org/package/2006/content-types"/>')
                archive.writestr("docProps/core.xml", f"<cp:coreProperties>{tag}"
                                 "</cp:coreProperties>")
        return out.getvalue()
    if suffix in (".doc", ".xls", ".ppt"):
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + note
    if suffix == ".png":
        def chunk(kind: bytes, body: bytes) -> bytes:
            return (struct.pack(">I", len(body)) + kind + body
                    + struct.pack(">I", zlib.crc32(kind + body)))
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                + chunk(b"tEXt", b"Comment\x00" + note) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
                + chunk(b"IEND", b""))
    if suffix in (".jpg", ".jpeg"):
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" \
            + b"\xff\xfe" + struct.pack(">H", len(note) + 2) + note + b"\xff\xd9"
    if suffix == ".csv":
        return b"nama,nilai\n" + (note or b"contoh") + b",1\n"
    raise ValueError(f"no sample document for {suffix!r}")

@dataclass(frozen=True)
class Seeded:
    """A region selected into a cohort, with the addresses of the people acting for it."""

    code: str
    head: str
    mentor: str
    opds: dict[str, str]  # OPD code -> email

    @property
    def opd(self) -> str:
        """The email of the region's first OPD (the one that submits documents)."""
        return next(iter(self.opds.values()))


@dataclass
class World:
    """A programme with its people, and the moves the tests make on it.

    Test modules reach the shared constants through the fixture (``world.COORDINATOR``), not
    by importing this file, so they run under either pytest import mode.
    """

    COORDINATOR: ClassVar[str] = COORDINATOR
    ASSESSOR: ClassVar[str] = ASSESSOR
    COHORT: ClassVar[str] = COHORT
    PATH: ClassVar[list[str]] = PATH
    QUICK_WINS_CSV: ClassVar[str] = QUICK_WINS_CSV

    prog: Programme
    folder: Path
    _counter: Iterator[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    # -- seeding -----------------------------------------------------------------------

    def seed_people(self) -> None:
        """The programme-wide coordinator and assessor (one transaction)."""
        registration.upsert_people(self.prog, imports.parse_people(
            "email,name,role,region\n"
            f"{COORDINATOR},Tim Koordinator 100 Smart City,coordinator,\n"
            f"{ASSESSOR},Tim Penilai,assessor,\n"
        ))

    def region(
        self, code: str = BALIKPAPAN, *, opds: tuple[str, ...] = ("DISKOMINFO", "BAPPEDA"),
        cohort: str = COHORT, year: int = 2026,
    ) -> Seeded:
        """Select ``code`` into ``cohort`` with its OPDs, head of region and a mentor."""
        with self.prog.db.read() as session:
            known = {c.name for c, _ in cohorts.cohorts(session)}
        if cohort not in known:
            cohorts.create_cohort(self.prog, cohort, year)
        cohorts.add_members(self.prog, cohort, [code])
        slug = _slug(code)
        emails = {o: f"{o.lower()}.{slug}@pemda.go.id" for o in opds}
        if opds:
            registration.upsert_opds(self.prog, imports.parse_opds(
                "region,code,name,email,dimension\n" + "".join(
                    f'{code},{o},"{OPD_NAMES[o][0]}",{emails[o]},{OPD_NAMES[o][1]}\n'
                    for o in opds),
                self.prog.dimensions,
            ))
        head = f"kepala.{slug}@pemda.go.id"
        mentor = f"mentor.{slug}@itb.ac.id"
        registration.upsert_people(self.prog, imports.parse_people(
            "email,name,role,region\n"
            f"{head},Kepala Daerah {code},head_of_region,{code}\n"
            f"{mentor},Mentor {code},mentor,\n"
        ))
        registration.assign_mentor(self.prog, mentor, [code])
        return Seeded(code, head, mentor, emails)

    # -- files -------------------------------------------------------------------------

    def pdf(self, name: str = "document.pdf") -> Path:
        """A small real PDF whose content differs on every call."""
        n = next(self._counter)
        path = self.folder / f"{n:03d}-{name}"
        path.write_bytes(document(".pdf", str(n)))
        return path

    def quick_wins(self, text: str = QUICK_WINS_CSV) -> Path:
        path = self.folder / f"{next(self._counter):03d}-quick-wins.csv"
        path.write_text(text, encoding="utf-8")
        return path

    # -- acting ------------------------------------------------------------------------

    def submit(self, code: str, deliverable: str, who: str, **kw: Any) -> actions.SubmitResult:
        return actions.submit(self.prog, code, deliverable, self.pdf(f"{deliverable}.pdf"),
                              who, **kw)

    def submit_plan(self, r: Seeded, who: str | None = None, **kw: Any) -> actions.SubmitResult:
        return actions.submit(self.prog, r.code, "quick_win_plan", self.pdf("quick-win-plan.pdf"),
                              who or r.opd, quick_wins=self.quick_wins(), **kw)

    def fire(self, code: str, trigger: str, who: str, **kw: Any) -> Any:
        return actions.advance(self.prog, code, trigger, who, **kw)

    def state(self, code: str) -> str:
        with self.prog.db.read() as session:
            return self.prog.current_instance(session, code).state

    def leave(self, r: Seeded, state: str) -> None:
        """Submit what ``state`` requires and fire the trigger of the happy path out of it."""
        code = r.code
        if state == "assessment":
            self.submit(code, "assessment_result", ASSESSOR)
            self.fire(code, "assess", ASSESSOR)
        elif state == "mou":
            self.submit(code, "signed_mou", r.head)
            self.fire(code, "sign_mou", r.head)
        elif state == "institutions":
            self.submit(code, "council_decree", COORDINATOR)
            self.submit(code, "implementation_team_decree", COORDINATOR)
            self.fire(code, "establish_institutions", COORDINATOR)
        elif state == "bimtek_1":
            for email in r.opds.values():
                self.submit(code, "questionnaire", email)
            self.fire(code, "close_bimtek_1", COORDINATOR)
        elif state == "bimtek_2":
            self.submit(code, "buku_1", r.opd)
            self.submit(code, "programme_mapping", r.opd)
            self.fire(code, "close_bimtek_2", COORDINATOR)
        elif state == "bimtek_3":
            self.submit(code, "buku_2", r.opd, note="draft")
            self.submit(code, "quick_win_shortlist", r.opd)
            self.fire(code, "close_bimtek_3", COORDINATOR)
        elif state == "bimtek_4":
            self.submit(code, "buku_2", r.opd, note="final")
            self.submit(code, "commitment_sheet", r.head)
            self.fire(code, "close_bimtek_4", COORDINATOR)
        elif state == "quick_win_submission":
            self.submit_plan(r)
            self.fire(code, "submit_for_review", r.opd)
        elif state == "mentor_review":
            actions.review(self.prog, code, "approve", r.mentor, comment="Layak dilaksanakan")
        elif state == "presentation":
            self.submit(code, "presentation", r.head)
            self.fire(code, "present", r.head)
        elif state == "adoption":
            self.submit(code, "regulation", COORDINATOR)
            self.fire(code, "adopt", COORDINATOR)
        else:
            raise AssertionError(f"the driver does not leave {state}")

    def drive(self, r: Seeded, target: str) -> None:
        """Walk the region along the happy path until it is in ``target``."""
        assert target in PATH, target
        while (state := self.state(r.code)) != target:
            assert PATH.index(state) < PATH.index(target), f"{r.code} is past {target}: {state}"
            self.leave(r, state)

    def reject(self, r: Seeded, comment: str) -> Any:
        return actions.review(self.prog, r.code, "reject", r.mentor, comment=comment)

    def revise(self, r: Seeded) -> None:
        """A new plan version and the resubmission (revision -> mentor review)."""
        self.submit_plan(r)
        self.fire(r.code, "resubmit", r.opd)

    def dead_letter(self, recipient: str = "typo@pemda.go.id",
                    answer: str = "550 5.1.1 User unknown") -> int:
        """A reminder to ``recipient`` that the mail server refused with ``answer``: a dead
        letter in the outbox (the other messages due stay queued). Its id."""
        now = self.prog.engine.clock()
        with self.prog.db.transaction() as session:
            outbox.enqueue(session, key=f"test:{recipient}", kind="reminder",
                           recipient=recipient, subject="Pengingat tenggat", text_body="x",
                           html_body="<p>x</p>", message_id="<t@x>", raw=b"x", due_at=now,
                           now=now)
        claimed = outbox.claim(self.prog.db, "w", 100, 60, now)
        (mine,) = [c for c in claimed if c.recipient == recipient]
        outbox.release(self.prog.db, [c.id for c in claimed if c is not mine], "w")
        assert outbox.mark_dead(self.prog.db, mine.id, "w", answer)
        return mine.id

    # -- observing ---------------------------------------------------------------------

    def footprint(self, code: str) -> dict[str, Any]:
        """Everything an action on the region could write: state, version and row counts."""
        with self.prog.db.read() as session:
            records = Records(session)
            instances = [i for i in records.current_instances(MASTER_PLAN, [code]).values()]
            every = [records.instance(h) for h in {r.instance_id
                                                    for r in records.history(code)}]
            current = instances[0] if instances else None
            sent = [s for i in every for s in records.submissions(i.id)]
            return {
                "instances": len(every),
                "state": current.state if current else None,
                "version": current.version if current else None,
                "history": len(records.history(code)),
                "submissions": len(sent),
                "reviews": sum(len(records.reviews(i.id)) for i in every),
                "deadlines": sum(len(records.deadlines(i.id)) for i in every),
                "quick_wins": sum(len(of_submission(session, s.id)) for s in sent),
            }

    @contextmanager
    def unchanged(self, code: str) -> Iterator[dict[str, Any]]:
        """Assert that whatever happens inside leaves no trace on the region."""
        before = self.footprint(code)
        yield before
        assert self.footprint(code) == before

    @contextmanager
    def statements(self) -> Iterator[list[str]]:
        """The SQL statements the programme's database runs inside the block (the tests of
        a fixed number of queries count them)."""
        seen: list[str] = []

        def listen(*args: Any) -> None:
            seen.append(args[2])

        event.listen(self.prog.db.engine, "before_cursor_execute", listen)
        try:
            yield seen
        finally:
            event.remove(self.prog.db.engine, "before_cursor_execute", listen)

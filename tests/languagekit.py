"""Finding words of the wrong language in what people read: pages and emails.

Shared by the page test (``tests/interfaces/web/pages/test_language__leaks.py``) and the email
test (``tests/workflows/emails/test_catalogue__language.py``); ``tests/`` is on the import path.

:func:`visible` reduces a page or an email's HTML to what a reader sees or hears: the text
(without ``<script>``, ``<style>`` and ``<textarea>``, whose content is what the person typed)
and the ``title``, ``aria-label``, ``placeholder`` and ``alt`` attributes and a button's
``value``; never link targets or form values. :class:`Checker` then looks for what must not be
there in a language:

- in Indonesian: every English text of the definition (``master_plan.yaml`` and the dimensions
  file) that differs from the Indonesian one; every English text of the message catalogue
  that differs from the Indonesian (its pieces between placeholders of at least
  :data:`FRAGMENT` characters that no Indonesian text contains, and short texts such as a
  button's "Upload" whole, when no Indonesian text uses them as words); and English sentence
  words (:data:`ENGLISH_WORDS`), which no Indonesian sentence uses, so an error written in
  English in the code is found even though it is in no catalogue;
- in English: the mirror, with Indonesian definition and catalogue texts and
  :data:`INDONESIAN_WORDS`;
- in both: raw keys of the definition (deliverables, states, triggers, roles), the email
  kinds and the catalogue (``queue.action.approve``); a ``smartcity ...`` command, a SHA-256
  or a 64-digit hex digest, unless in a "technical details" section the reader opens to see
  it.

What a person typed or is called (region, OPD and people names, addresses, comments, file
names, links) is user content, masked before the checks (:meth:`Checker.find` takes the
list), as is the programme's own name; :data:`SAME_IN_BOTH` is the whole allow-list.

:func:`build` makes the world both tests read: regions of a 2026 cohort in several stages, an
account for every role in either language, extension requests, invitations and resets, and
half a year of the scheduler's mornings (reminder digests, escalations, evaluation windows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import col, select
from worldkit import World  # type: ignore[import-not-found]

from config import messages
from notifications.models import OutboxMessage
from workflows.access import accounts, invitations, roster
from workflows.background import tick
from workflows.deadlines import extensions, setting
from workflows.directory import imports, registration
from workflows.directory.models import Province, Region
from workflows.emails.catalogue import EMAILS
from workflows.evaluation.returns import submit_return
from workflows.evaluation.scores import score
from workflows.evaluation.windows import ensure_windows
from workflows.programme import Programme

ROOT = Path(__file__).resolve().parent.parent
DIMENSIONS_FILE = ROOT / "workflows" / "directory" / "data" / "dimensions.yaml"
MASTER_PLAN_FILE = ROOT / "workflows" / "definitions" / "master_plan.yaml"

#: The shortest catalogue fragment looked for: shorter ones ("Status", "Versi") may be the
#: same word in both languages or part of a name.
FRAGMENT = 12
#: Shorter texts (a button's "Upload", a link's "Back") are looked for whole, from this length on.
SHORT = 4

#: Words of an English sentence that no Indonesian sentence uses.
ENGLISH_WORDS = frozenset({
    "the", "and", "is", "are", "was", "were", "been", "has", "have", "of", "to", "for", "with",
    "this", "that", "these", "your", "you", "cannot", "can't", "don't", "only", "not", "from",
    "please", "which", "will", "should", "must", "yet", "by", "or", "here", "there", "than",
    "before", "after", "until", "when", "who", "what", "where", "why", "how", "its", "it's",
    "their", "they", "them", "our", "we", "system",
    # the programme's states of a request or a deadline, as the code names them
    "pending", "granted", "refused", "approved", "rejected", "overdue", "deadline", "submitted",
})
#: Words of an Indonesian sentence that no English sentence uses.
INDONESIAN_WORDS = frozenset({
    "yang", "dan", "untuk", "dengan", "tidak", "belum", "sudah", "dari", "pada", "ini", "itu",
    "anda", "akan", "atau", "oleh", "telah", "harus", "dapat", "kepada", "sebelum", "setelah",
    "sesudah", "saat", "hari", "lagi", "bisa", "masih", "semua", "silakan", "kembali", "baru",
    "tanggal", "batas", "waktu", "pukul", "perlu", "kirim", "unggah", "tahap", "daerah",
    "menunggu",
})

#: Words that are the same in both languages, never a leak: the programme's own name (masked
#: like a region's) and a word Indonesian has too.
PROGRAMME = "Gerakan Menuju 100 Smart City"
SAME_IN_BOTH = frozenset({PROGRAMME.lower(), "final"})

RAW_HINTS = (
    (re.compile(r"\bsmartcity\s+[a-z]"), "a command of the command line"),
    (re.compile(r"sha-?256", re.IGNORECASE), "a checksum named"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "a 64-digit hex digest"),
)
KEYLIKE = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b")
WORD = re.compile(r"[^\W\d_]+(?:'[a-z]+)?", re.UNICODE)
SPACES = re.compile(r"\s+")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
#: A file the test world submitted (``003-signed_mou.pdf``): user content, like any file name.
FILE_NAME = re.compile(r"\b\d{3}-[\w.\-]+\.(?:pdf|csv)\b")
#: An address: its path and token are not words (a token may hold "to" or "is" by chance).
URL = re.compile(r"\bhttps?://\S+")
MASK = " \u25a2 "


# -- what a reader sees ---------------------------------------------------------------------

class _Visible(HTMLParser):
    SKIP = frozenset({"script", "style", "textarea"})
    SPOKEN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self, technical: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.technical = technical
        self.details: list[bool] = []  # open <details>: whether each is a technical one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "details":
            hidden = not self.technical and "technical" in (found.get("class") or "").split()
            self.details.append(hidden)
            self.skipping += hidden
        if tag in self.SKIP:
            self.skipping += 1
        for name in self.SPOKEN:
            if found.get(name):
                self.parts.append(f" {found[name]} ")
        if tag == "input" and (found.get("type") or "") in ("submit", "button", "reset") \
                and found.get("value"):
            self.parts.append(f" {found['value']} ")
        self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in self.SKIP:
            self.skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag == "details" and self.details:
            self.skipping -= self.details.pop()
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)
        elif self.parts and self.parts[-1] != " ":
            self.parts.append(" ")


def visible(html: str, technical: bool = True) -> str:
    """The text a reader of ``html`` sees or hears, whitespace collapsed; without the
    ``<details class="technical">`` sections (shown only when asked for) unless
    ``technical``."""
    parser = _Visible(technical)
    parser.feed(html)
    parser.close()
    return normal("".join(parser.parts))


def normal(text: str) -> str:
    return SPACES.sub(" ", text).strip()


# -- what must not be there -----------------------------------------------------------------

def _texts(node: Any) -> Iterator[tuple[str, str]]:
    """Every ``{id, en}`` pair of a definition or dimensions file, as (id, en)."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str) and isinstance(node.get("en"), str):
            yield normal(node["id"]), normal(node["en"])
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def _within(text: str, other: str) -> bool:
    """Whether ``text`` is used as words in ``other`` (lowercase)."""
    return re.search(rf"(?<!\w){re.escape(text.lower())}(?!\w)", other) is not None


def _fragments(text: str) -> list[str]:
    """A catalogue text's literal pieces between its placeholders, long enough to look for."""
    out = []
    for piece in PLACEHOLDER.split(text):
        piece = normal(piece).strip(" :;,.()\"'-–")
        if len(piece) >= FRAGMENT and re.search(r"[^\W\d_]{3}", piece):
            out.append(piece)
    return out


@dataclass(frozen=True)
class Finding:
    where: str
    what: str
    context: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: …{self.context}…"


@dataclass
class Checker:
    """What must not appear in each language, read from the definition and the catalogue."""

    definition: dict[str, list[str]] = field(default_factory=dict)  # lang -> texts
    catalogue: dict[str, list[str]] = field(default_factory=dict)  # lang -> fragments
    keys: frozenset[str] = frozenset()  # raw keys of the definition and the email kinds
    msgids: frozenset[str] = frozenset()
    short: dict[str, list[str]] = field(default_factory=dict)  # lang -> whole short texts

    @classmethod
    @cache
    def load(cls) -> Checker:
        plan = yaml.safe_load(MASTER_PLAN_FILE.read_text(encoding="utf-8"))
        dims = yaml.safe_load(DIMENSIONS_FILE.read_text(encoding="utf-8"))
        every = [*_texts(plan), *_texts(dims)]
        pairs = [(i, e) for i, e in every if i != e]
        ids, ens = messages.texts("id"), messages.texts("en")
        whole = {"id": normal(" ".join([*ids.values(), *(i for i, _ in every)])).lower(),
                 "en": normal(" ".join([*ens.values(), *(e for _, e in every)])).lower()}
        # What Indonesian must not show: the English texts Indonesian never uses itself
        # ("MoU signing" is English, "MoU" is in "Penandatanganan MoU"); and the mirror.
        definition = {
            "id": sorted({e for _, e in pairs if not _within(e, whole["id"])}),
            "en": sorted({i for i, _ in pairs if not _within(i, whole["en"])})}
        catalogue: dict[str, set[str]] = {"id": set(), "en": set()}
        short: dict[str, set[str]] = {"id": set(), "en": set()}
        for key in ids.keys() & ens.keys():
            if normal(ids[key]) == normal(ens[key]):
                continue
            # English pieces no Indonesian text holds, and the mirror.
            catalogue["id"].update(f for f in _fragments(ens[key])
                                   if f.lower() not in whole["id"])
            catalogue["en"].update(f for f in _fragments(ids[key])
                                   if f.lower() not in whole["en"])
            # Short texts (a button, a heading) whole, when the other language never uses
            # them as words.
            for lang, own in (("id", ens[key]), ("en", ids[key])):
                label = normal(own).rstrip(".:")
                if SHORT <= len(label) < FRAGMENT and "{" not in label and not re.search(
                        rf"(?<!\w){re.escape(label.lower())}(?!\w)", whole[lang]):
                    short[lang].add(label)
        keys = set(plan.get("states", {})) | set(plan.get("deliverables", {})) \
            | set(plan.get("roles", {})) | {t["trigger"] for t in plan.get("transitions", [])} \
            | set(EMAILS.kinds)
        return cls(definition, {k: sorted(v) for k, v in catalogue.items()},
                   frozenset(keys), frozenset(ids) | frozenset(ens),
                   {k: sorted(v) for k, v in short.items()})

    def find(self, where: str, text: str, lang: str, masked: Iterable[str] = (),
             unasked: str | None = None) -> list[Finding]:
        """Whatever in ``text`` (a reader's text, in ``lang``) is not of that language; the
        checksums and commands are looked for in ``unasked`` (the text shown without asking,
        :func:`visible` with ``technical=False``) when given."""
        shown = mask(text, [*masked, PROGRAMME])
        low = shown.lower()
        found: list[Finding] = []

        def hit(what: str, start: int, end: int) -> None:
            found.append(Finding(where, what, shown[max(0, start - 50):end + 50]))

        for label in self.definition[lang]:
            m = re.search(rf"(?<!\w){re.escape(label.lower())}(?!\w)", low)
            if m:
                hit(f"definition text {label!r}", m.start(), m.end())
        for piece in self.catalogue[lang]:
            if piece.lower() in SAME_IN_BOTH:
                continue
            at = low.find(piece.lower())
            if at >= 0:
                hit(f"catalogue text {piece!r}", at, at + len(piece))
        for label in self.short[lang]:
            if label.lower() in SAME_IN_BOTH:
                continue
            m = re.search(rf"(?<!\w){re.escape(label.lower())}(?!\w)", low)
            if m:
                hit(f"catalogue text {label!r}", m.start(), m.end())
        words = ENGLISH_WORDS if lang == "id" else INDONESIAN_WORDS
        for m in WORD.finditer(shown):
            if m.group(0).lower() in words:
                hit(f"{'English' if lang == 'id' else 'Indonesian'} word {m.group(0)!r}",
                    m.start(), m.end())
        for key in self.keys:
            # Indonesian shows no key at all; English may say "questionnaire", never
            # "quick_win_plan" or "head_of_region".
            if lang == "en" and "_" not in key:
                continue
            if key in ("opd", "mentor"):  # the same word in both languages
                continue
            m = re.search(rf"(?<![\w.]){re.escape(key)}(?![\w])", shown)
            if m:
                hit(f"raw key {key!r}", m.start(), m.end())
        for m in KEYLIKE.finditer(shown):
            if m.group(0) in self.msgids:
                hit(f"catalogue key {m.group(0)!r}", m.start(), m.end())
        plain = shown if unasked is None else mask(unasked, [*masked, PROGRAMME])
        for pattern, what in RAW_HINTS:
            m = pattern.search(plain)
            if m:
                found.append(Finding(where, what, plain[max(0, m.start() - 50):m.end() + 50]))
        return found


def mask(text: str, masked: Iterable[str]) -> str:
    """``text`` with user content (names, what people typed, file names, addresses) blotted
    out."""
    out = URL.sub(MASK, FILE_NAME.sub(MASK, text))
    for name in sorted({normal(m) for m in masked if m and m.strip()}, key=len, reverse=True):
        out = out.replace(name, MASK)
    return out


def report(findings: list[Finding], limit: int = 2000) -> str:
    lines = [str(f) for f in findings[:limit]]
    more = len(findings) - limit
    return "\n".join(lines + ([f"... and {more} more"] if more > 0 else []))


# -- the world both tests read ----------------------------------------------------------------

PASSWORD = "kata-sandi-rahasia-1"
COORDINATOR_EN = "koordinator.en@komdigi.go.id"
ADMIN = "admin@komdigi.go.id"
#: The stages the world's regions are in, with their region and OPDs (the first an Indonesian
#: account, the second an English one, any third without an account yet).
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bimtek_1": ("64.71", ("DISKOMINFO", "BAPPEDA", "DINKES", "DISHUB")),  # Kota Balikpapan
    "mentor_review": ("91.71", ("DISKOMINFO", "BAPPEDA")),  # Kota Jayapura
    "revision": ("94.04", ("DISKOMINFO", "BAPPEDA")),  # Kabupaten Mimika
    "presentation": ("51.71", ("DISKOMINFO", "BAPPEDA")),  # Kota Denpasar
    "adoption": ("73.71", ("DISKOMINFO", "BAPPEDA")),  # Kota Makassar
    "implementation": ("33.74", ("DISKOMINFO", "BAPPEDA")),  # Kota Semarang
    "mou": ("72.01", ()),  # Kabupaten Banggai
}
REJECTION = "Analisis kesenjangan di Buku 2 belum memuat data baseline 2025."
APPROVAL = "Layak dilaksanakan"
REASONS = ("Data baseline dari BPS baru tersedia pertengahan Maret.",
           "Kepala OPD sedang dinas luar.", "Menunggu tanda tangan sekretaris daerah.")
REFUSAL = "Data BPS sementara dapat dipakai."
GRANT = "Disetujui; mohon tidak diperpanjang lagi."
OVERRIDE = "Menyesuaikan jadwal rapat paripurna DPRD."


@dataclass
class Clock:
    now: datetime = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Mail:
    """An email as queued, with the language its recipient reads."""

    kind: str
    recipient: str
    lang: str
    subject: str
    text: str
    html: str
    raw: bytes


@dataclass
class LeakWorld:
    world: World
    clock: Clock
    regions: dict[str, Any]  # stage -> worldkit.Seeded
    langs: dict[str, str]  # account email -> language
    masked: list[str]  # names and user content
    mails: list[Mail] = field(default_factory=list)
    pending_request: int = 0

    @property
    def prog(self) -> Programme:
        prog: Programme = self.world.prog
        return prog

    def opd(self, stage: str, lang: str = "id") -> str:
        """The address of an OPD of the region in ``stage`` that reads ``lang``."""
        return str(list(self.regions[stage].opds.values())[0 if lang == "id" else 1])


def _person(prog: Programme, email: str, name: str, role: str, region: str = "") -> None:
    registration.upsert_people(prog, imports.parse_people(
        f"email,name,role,region\n{email},{name},{role},{region}\n"))


def build(prog: Programme, folder: Path, clock: Clock) -> LeakWorld:
    """The world of the language tests (see the module's docstring); about half a year of
    the programme, from 5 Jan 2026 to 24 Jun 2026 (the 2026-H1 evaluation window is open)."""
    world = World(prog, folder)
    world.seed_people()
    _person(prog, COORDINATOR_EN, "Koordinator Nasional Dua", "coordinator")
    _person(prog, "sekretariat.6471@balikpapan.go.id", "Sekretariat Smart City Balikpapan",
            "coordinator", "64.71")
    regions = {stage: world.region(code, opds=opds) for stage, (code, opds) in STAGES.items()}
    langs: dict[str, str] = {world.COORDINATOR: "id", COORDINATOR_EN: "en",
                             "sekretariat.6471@balikpapan.go.id": "id", world.ASSESSOR: "id"}
    for stage, r in regions.items():
        emails = list(r.opds.values())
        langs.update({emails[0]: "id"} if emails else {})
        langs.update({emails[1]: "en"} if len(emails) > 1 else {})
        if stage != "adoption":  # the head of Makassar is invited below
            langs[r.head] = "en" if stage == "mou" else "id"
        langs[r.mentor] = "en" if stage == "revision" else "id"
    for email, lang in langs.items():
        accounts.create(prog, email, PASSWORD, locale=lang)
    accounts.create(prog, ADMIN, PASSWORD, is_admin=True)
    langs[ADMIN] = "id"

    # Invitations, in either language, before any mail of the invited is written.
    by = roster.Manager(world.COORDINATOR, False, "Tim Koordinator 100 Smart City")
    invitations.invite(prog, by, regions["bimtek_1"].opds["DISHUB"], "id")
    invitations.invite(prog, by, regions["adoption"].head, "en")
    langs[regions["bimtek_1"].opds["DISHUB"]] = "id"
    langs[regions["adoption"].head] = "en"

    # The regions along the master plan.
    a = regions["bimtek_1"]
    for stage, r in regions.items():
        target = {"revision": "mentor_review"}.get(stage, stage)
        world.drive(r, target)
    world.reject(regions["revision"], REJECTION)
    world.submit(a.code, "questionnaire", a.opds["DINKES"])
    world.submit(regions["adoption"].code, "regulation", world.COORDINATOR)

    # A cohort's date for a stage (in WIB) and a region's own date (in its zone).
    setting.set_cohort_deadline(prog, world.COHORT, "presentation", date(2026, 3, 31),
                                zone="WIB", actor=world.COORDINATOR)
    setting.set_region_deadline(prog, regions["mou"].code, "mou", date(2026, 4, 30),
                                actor=world.COORDINATOR, comment=OVERRIDE)

    # Extension requests of Balikpapan's OPDs: one refused, one granted, one pending.
    def ask(email: str, day: date, reason: str) -> int:
        return extensions.request_extension(prog, a.code, day, reason, actor=email).id

    refused = ask(a.opds["BAPPEDA"], date(2026, 3, 10), REASONS[0])
    extensions.decide_extension(prog, refused, False, REFUSAL, actor=world.COORDINATOR)
    granted = ask(a.opds["DISKOMINFO"], date(2026, 3, 5), REASONS[1])
    extensions.decide_extension(prog, granted, True, GRANT, actor=world.COORDINATOR)
    pending = ask(a.opds["BAPPEDA"], date(2026, 3, 20), REASONS[2])

    # Half a year of mornings: digests, overdue notices, escalations, the H1 window.
    ensure_windows(prog, 2026)
    while clock.now < datetime(2026, 6, 24, 2, 0, tzinfo=UTC):
        clock.now += timedelta(days=5)
        tick(prog)
    implementing = regions["implementation"]
    submit_return(prog, implementing.code, "2026-H1", implementing.opd)
    for part, value in {"baseline": 3, "output": 4, "outcome": 3, "impact": 2,
                        "quick_win": 4}.items():
        score(prog, implementing.code, "2026-H1", part, value, world.ASSESSOR)
    score(prog, implementing.code, "2026-H1", "output", 3, world.ASSESSOR,
          dimension="governance")
    invitations.request_reset(prog, a.opds["DISKOMINFO"])
    invitations.request_reset(prog, a.opds["BAPPEDA"])

    with prog.db.read() as session:
        codes = [r.code for r in regions.values()]
        places = session.execute(select(Region.name, Province.name).join(
            Province, col(Province.code) == col(Region.province_code))
            .where(col(Region.code).in_(codes))).all()
        names = [n for place in places for n in place]
        rows = session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id))).scalars()
        mails = [Mail(m.kind, m.recipient, langs.get(m.recipient, prog.settings.mail_locale),
                      m.subject, m.text_body, m.html_body, m.raw) for m in rows]
    masked = [*names, *langs, world.COHORT, REJECTION, APPROVAL, *REASONS, REFUSAL, GRANT,
              OVERRIDE,
              "Tim Koordinator 100 Smart City", "Tim Penilai", "Koordinator Nasional Dua",
              "Sekretariat Smart City Balikpapan",
              *(name for name, _ in OPD_NAMES.values()), *OPD_NAMES,
              *(f"{who} {r.code}" for r in regions.values()
                for who in ("Kepala Daerah", "Mentor")),
              *QUICK_WINS]
    return LeakWorld(world, clock, regions, langs, masked, mails, pending)


#: The worldkit's OPDs and quick wins (user content).
OPD_NAMES = {
    "DISKOMINFO": ("Dinas Komunikasi dan Informatika", "governance"),
    "BAPPEDA": ("Badan Perencanaan Pembangunan Daerah", "governance"),
    "DINKES": ("Dinas Kesehatan", "living"),
    "DISHUB": ("Dinas Perhubungan", "living"),
}
QUICK_WINS = ("Online permits in one portal", "Existing permit services joined into one portal",
              "Ambulance call centre 112", "Faster emergency response")


@contextmanager
def cheap_passwords() -> Iterator[None]:
    """Argon2 at a test's cost while the world's accounts are made (a module's fixture runs
    before the function-scoped one of tests/interfaces/web/conftest.py)."""
    from argon2 import PasswordHasher

    saved = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        accounts._hasher = saved

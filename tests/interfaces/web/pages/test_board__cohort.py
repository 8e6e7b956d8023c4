"""The cohort board: regions by stage, coloured by the current stage's deadline, filtered,
counted, for coordinators, assessors and administrators only, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

from webkit import Web  # type: ignore[import-not-found]

from engine import Records
from workflows.deadlines import setting
from workflows.master_plan import MASTER_PLAN
from workflows.reporting.board import BoardFilters, board_data
from workflows.zones import ZONES, local

SAMARINDA, BANDUNG, JAYAPURA = "64.72", "32.73", "91.71"


class _Rows(HTMLParser):
    """The board's body rows: region code -> [(cell tag, class, title, text)]."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[tuple[str, str, str, str]]] = {}
        self.header: list[str] = []
        self._row: list[tuple[str, str, str, str]] | None = None
        self._cell: list[Any] | None = None
        self._in_head = False
        self._code: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._close_cell()
            self._row, self._code = [], None
        elif tag in ("td", "th") and self._row is not None:
            self._close_cell()
            self._cell = [tag, a.get("class") or "", a.get("title") or "", ""]
        elif tag == "a" and self._row is not None and (a.get("href") or "").startswith(
                "/regions/"):
            self._code = (a.get("href") or "").removeprefix("/regions/")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[3] += data

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append((self._cell[0], self._cell[1], self._cell[2],
                              self._cell[3].strip()))
        self._cell = None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr" and self._row is not None:
            self._close_cell()
            if self._in_head:
                self.header = [c[3] for c in self._row]
            elif self._code:
                self.rows[self._code] = self._row
            self._row = None
        elif tag == "thead":
            self._in_head = False


def board_rows(html: str) -> _Rows:
    parser = _Rows()
    parser.feed(html)
    return parser


def marked(html: str, code: str) -> tuple[int, str, str]:
    """(stage column, classes, title) of the region's marked cell; exactly one per row."""
    cells = board_rows(html).rows[code][1:]  # after the region's own header cell
    found = [(i, cls, title) for i, (_, cls, title, _) in enumerate(cells) if "cur" in cls]
    assert len(found) == 1, cells
    return found[0]


def stage_column(web: Web, state: str) -> int:
    with web.prog.db.read() as session:
        return list(web.prog.engine.workflow(session, MASTER_PLAN).states).index(state)


def count(html: str, key: str) -> int:
    """A count of the summary (``count-<state>``, ``tone-<tone>``): the number it shows."""
    found = re.search(rf'id="{key}"[^>]*>.*?class="count">(\d+)<', html)
    assert found, key
    return int(found.group(1))


def tone_count(html: str, tone: str) -> int:
    return count(html, f"tone-{tone}")


def test_coordinator_sees_the_region_in_its_stage_coloured_by_its_deadline(
        web: Web, clock: Any) -> None:
    world, code = web.world, web.region.code
    browser = web.browser(world.COORDINATOR)

    page = browser.get("/board")
    assert page.status_code == 200
    column, classes, title = marked(page.text, code)
    assert column == stage_column(web, "assessment")  # no deadline in the assessment
    assert classes.split() == ["cur", "none"] and title.startswith("Diundang / asesmen kesiapan")
    assert 'href="/regions/64.71">Kota Balikpapan</a>' in page.text

    world.drive(web.region, "bimtek_2")  # a 45-day deadline from the definition
    page = browser.get("/board?lang=en")
    column, classes, title = marked(page.text, code)
    assert column == stage_column(web, "bimtek_2")
    assert "ok" in classes.split() and "on time" in title

    # The coordinator moves the deadline to 5 days from now (in Balikpapan's zone): due soon.
    setting.set_region_deadline(web.prog, code, "bimtek_2", clock.now + timedelta(days=5),
                                actor=world.COORDINATOR)
    page = browser.get("/board?lang=en")
    _, classes, title = marked(page.text, code)
    assert "soon" in classes.split() and "due soon" in title
    assert "WITA" in title  # the date is shown in the region's own zone

    clock.advance(days=6)  # past the deadline (the session has expired: sign in again)
    page = web.browser(world.COORDINATOR).get("/board?lang=en")
    _, classes, title = marked(page.text, code)
    assert "late" in classes.split() and "overdue" in title
    assert tone_count(page.text, "late") == 1 and tone_count(page.text, "ok") == 0


def test_the_marked_cell_shows_the_date_in_the_regions_zone_and_a_symbol(
        web: Web, clock: Any) -> None:
    web.world.drive(web.region, "bimtek_1")
    browser = web.browser(web.world.COORDINATOR)
    with web.prog.db.read() as session:
        instance = web.prog.current_instance(session, web.region.code)
        due_at = Records(session).open_deadline(instance.id, "bimtek_1").due_at
    row = board_rows(browser.get("/board?lang=en").text).rows[web.region.code]
    cell = next(c for c in row if "cur" in c[1])
    local_day = local(due_at, ZONES["WITA"], "%-d %b %Y").removesuffix(" WITA")
    assert cell[3] == f"✓ {local_day}"


def test_filters_by_province_and_zone_and_counts_follow(web: Web) -> None:
    world = web.world
    world.region(SAMARINDA, opds=("DINKES",))
    world.region(BANDUNG, opds=("DISHUB",))
    world.region(JAYAPURA, opds=())
    world.drive(web.region, "mou")
    browser = web.browser(world.COORDINATOR)

    everything = browser.get("/board")
    assert set(board_rows(everything.text).rows) == {web.region.code, SAMARINDA, BANDUNG,
                                                      JAYAPURA}
    assert count(everything.text, "count-assessment") == 3
    assert count(everything.text, "count-mou") == 1
    assert tone_count(everything.text, "none") == 3 and tone_count(everything.text, "ok") == 1
    assert "4 dari 4 daerah" in everything.text

    wita = browser.get("/board?zone=WITA")
    assert set(board_rows(wita.text).rows) == {web.region.code, SAMARINDA}
    assert count(wita.text, "count-assessment") == 1 and count(wita.text, "count-mou") == 1
    assert '<option value="WITA" selected>' in wita.text

    east_kalimantan = browser.get("/board?province=64&zone=")
    assert set(board_rows(east_kalimantan.text).rows) == {web.region.code, SAMARINDA}
    assert '<option value="64" selected>Kalimantan Timur</option>' in east_kalimantan.text

    wit_in_jawa = browser.get("/board?province=32&zone=wit")  # lower case is accepted
    assert board_rows(wit_in_jawa.text).rows == {}
    assert "0 dari 4 daerah" in wit_in_jawa.text

    assert set(board_rows(browser.get("/board?zone=WIT").text).rows) == {JAYAPURA}

    bad_zone = browser.get("/board?zone=CET")
    assert bad_zone.status_code == 422 and "saring dengan WIB, WITA, atau WIT" in bad_zone.text
    bad_province = browser.get("/board?province=99")
    assert bad_province.status_code == 422 and "kode provinsi “99” tidak dikenal" in \
        bad_province.text


def test_cohorts_switch_and_the_newest_is_the_default(web: Web) -> None:
    world = web.world
    world.region(BANDUNG, cohort="Smart City 2027", year=2027, opds=())
    browser = web.browser(world.COORDINATOR)

    newest = browser.get("/board")
    assert set(board_rows(newest.text).rows) == {BANDUNG}
    assert "Smart City 2027" in newest.text
    older = browser.get("/board?cohort=Smart+City+2026")
    assert set(board_rows(older.text).rows) == {web.region.code}
    assert 'href="/board?cohort=Smart%20City%202027"' in older.text
    by_year = browser.get("/board?cohort=2026")
    assert set(board_rows(by_year.text).rows) == {web.region.code}
    unknown = browser.get("/board?cohort=Smart+City+1999")
    assert unknown.status_code == 404 and "tidak ada kohort" in unknown.text


def test_assessor_and_admin_see_the_board_others_are_refused(web: Web) -> None:
    assert web.browser(web.world.ASSESSOR).get("/board").status_code == 200
    admin = web.browser(web.account("admin@komdigi.go.id", admin=True))
    assert admin.get("/board").status_code == 200
    for email in (web.region.opd, web.region.mentor, web.region.head):
        refused = web.browser(email).get("/board?lang=en")
        assert refused.status_code == 403
        assert "the cohort board is for coordinators, assessors and administrators" in \
            refused.text
        assert "/regions/64.71" in refused.text  # where to go instead


def test_anonymous_is_sent_to_the_login_page(web: Web) -> None:
    response = web.anonymous().get("/board?zone=WITA", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fboard%3Fzone%3DWITA"


def test_a_regions_own_coordinator_sees_only_its_region(web: Web) -> None:
    world = web.world
    world.region(SAMARINDA, opds=())
    from workflows.directory import imports, registration

    own = "setda.6471@pemda.go.id"
    registration.upsert_people(web.prog, imports.parse_people(
        f"email,name,role,region\n{own},Sekretariat Balikpapan,coordinator,64.71\n"))
    page = web.browser(own).get("/board")
    assert page.status_code == 200
    assert set(board_rows(page.text).rows) == {web.region.code}


def test_cohort_names_are_escaped(web: Web) -> None:
    from workflows.directory import cohorts

    cohorts.create_cohort(web.prog, "<script>alert(1)</script>", 2030)
    page = web.browser(web.world.COORDINATOR).get("/board")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_no_query_per_region(web: Web) -> None:
    """The board's data costs the same number of queries for 1 region as for 4, filtered by
    mentor or not."""
    prog = web.prog

    def queries(filters: BoardFilters | None = None) -> int:
        with web.world.statements() as seen, prog.db.read() as session:
            data = board_data(prog, session, None, filters or BoardFilters())
        assert data.rows
        return len(seen)

    queries()  # the definition's text is read once, then cached
    one = queries()
    for code in (SAMARINDA, BANDUNG, JAYAPURA):
        web.world.region(code, opds=())
    web.world.drive(web.region, "bimtek_1")
    assert queries() == one <= 7
    assert queries(BoardFilters(mentor=web.region.mentor, status="ok")) == one

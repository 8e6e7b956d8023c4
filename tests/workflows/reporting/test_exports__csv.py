"""Exports: CSV cells a spreadsheet will not run, UTF-8 with a BOM, safe file names; a cohort's
rows (``status`` with ``review_rounds``, as the cohort export reads them) with the deadline and
the last review round, and the same region's report with its reviews and deadlines; a region's
history names the workflow of every entry (it holds the master plan's and any other's)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from checkupkit import KEY, publish  # type: ignore[import-not-found]

from workflows import instances
from workflows.directory import cohorts
from workflows.reporting import exports
from workflows.reporting import report as printable
from workflows.reporting import status as progress


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+2", "'=1+2"), ("+62 811", "'+62 811"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'\t=cmd"), ("\r=cmd", "'\r=cmd"), ("Layak 100%", "Layak 100%"),
    ("a=b", "a=b"), (None, ""), (3, "3"), (2.5, "2.5"), ("", ""),
])
def test_a_cell_that_would_be_a_formula_is_kept_as_text(value: object, cell: str) -> None:
    assert exports.safe_cell(value) == cell


def test_csv_is_utf8_with_a_bom_and_round_trips_through_the_csv_module() -> None:
    body = exports.to_csv(["region", "comment"], [
        ["Kabupaten Kepulauan Seribu", 'Komentar "penting", baris\nkedua'],
        ["Kota Bau-Bau", "=2+3"]])
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows == [["region", "comment"],
                    ["Kabupaten Kepulauan Seribu", 'Komentar "penting", baris\nkedua'],
                    ["Kota Bau-Bau", "'=2+3"]]


def test_file_names_are_plain_ascii() -> None:
    assert exports.file_name("cohort", "Smart City 2026") == "cohort-smart-city-2026.csv"
    assert exports.file_name("history", "64.71", "Kota Balikpapan") == (
        "history-64-71-kota-balikpapan.csv")
    assert exports.file_name("x", '"; filename=evil.exe\r\n') == "x-filename-evil-exe.csv"
    assert exports.file_name("", "") == "export.csv"


def test_cohort_rows_carry_the_deadline_and_the_last_review_round(world: Any) -> None:
    r = world.region()
    world.drive(r, "mentor_review")
    world.reject(r, "Lengkapi indikator")
    world.revise(r)
    with world.prog.db.read() as session:
        cohort = cohorts.find_cohort(session, world.COHORT)
        rows = progress.status(world.prog, session, world.COHORT, review_rounds=True)
        assert cohort.name == world.COHORT
        (row,) = rows
        assert (row.code, row.state, row.review_round, row.zone) == (
            "64.71", "mentor_review", 1, "WITA")
        assert row.due_at is not None and row.origin == "definition"
        assert progress.status(world.prog, session, world.COHORT, frozenset()) == []
        report = printable.region_report(world.prog, session, r.code)
    assert [(v.round, v.decision, v.comment) for v in report.reviews] == [
        (1, "rejected", "Lengkapi indikator")]
    assert report.stage == "Mentor review" and report.cohort == world.COHORT
    assert [d.state for d in report.deadlines][-1] == "mentor_review"
    assert report.deadlines[-1].closed_at is None
    assert {s.deliverable for s in report.submissions} >= {"quick_win_plan", "buku_1"}


def test_the_history_names_the_workflow_of_each_entry(world: Any) -> None:
    r = world.region()
    publish(world.prog)
    instances.start(world.prog, KEY, r.code, world.COORDINATOR)
    world.drive(r, "bimtek_1")
    with world.prog.db.read() as session:
        name, body = exports.history_csv(session, r.code)
    assert name == "history-64-71-kota-balikpapan.csv"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0]) == list(exports.HISTORY_HEADER) and exports.HISTORY_HEADER[0] == (
        "workflow")
    started = [(row["workflow"], row["to"]) for row in rows if row["action"] == "start"]
    assert sorted(started) == [(KEY, "reporting"), ("master_plan", "assessment")]
    assert {row["workflow"] for row in rows if row["to"] == "bimtek_1"} == {"master_plan"}

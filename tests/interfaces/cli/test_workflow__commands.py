"""``smartcity workflow list|show|validate|publish|diagram`` on the shipped master plan.

Proves: ``list`` and ``show`` print the published definition (states with requirements and
deadlines, transitions with roles and guards); ``validate`` accepts the shipped file with a
summary and lists every problem of a broken file on its own stderr line naming file and path,
exit 1, no traceback; ``publish`` adds a bumped version, is a no-op for an identical one and
refuses changed content under a published version; ``diagram`` prints Mermaid
``stateDiagram-v2`` text and, with ``--region``, highlights that region's current state on the
version the region runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from shippedkit import shipped  # type: ignore[import-not-found]

import workflows

MASTER_PLAN_YAML = Path(workflows.__file__).parent / "definitions" / "master_plan.yaml"
SHIPPED = yaml.safe_load(MASTER_PLAN_YAML.read_text("utf-8"))

# Backend-independent behaviour: checked on SQLite only, to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _versions(cli: Any, key: str) -> str:
    """The versions ``workflow list`` shows for ``key``."""
    return next(r["versions"] for r in cli.table(cli.ok("workflow", "list")) if r["key"] == key)


def test_list_shows_the_published_versions(cli) -> None:
    rows = cli.table(cli.ok("workflow", "list"))
    assert [r["key"] for r in rows] == sorted(key for key, _ in shipped())
    assert [r for r in rows if r["key"] == "master_plan"] == [
        {"key": "master_plan", "versions": "4",
         "title": "Smart-city master plan (Gerakan Menuju 100 Smart City)"}]


@SQLITE_ONLY
def test_show_lists_states_and_transitions(cli) -> None:
    out = cli.ok("workflow", "show")
    assert out.splitlines()[0].startswith("Smart-city master plan")
    assert "(master_plan v4, starts in assessment)" in out
    states = {r["state"]: r for r in cli.table(out, "States")}
    assert list(states) == list(SHIPPED["states"])
    assert states["mou"]["deadline"] == "120 days"
    assert states["institutions"]["requires"] == "council_decree, implementation_team_decree"
    assert states["withdrawn"]["deadline"] == "final"
    moves = cli.table(out, "Transitions")
    assert [m["trigger"] for m in moves] == [t["trigger"] for t in SHIPPED["transitions"]]
    close_1 = next(m for m in moves if m["trigger"] == "close_bimtek_1")
    assert (close_1["from"], close_1["to"], close_1["roles"]) == ("bimtek_1", "bimtek_2",
                                                                   "coordinator")
    # (a long cell wraps; the table reader joins its lines with spaces)
    assert close_1["guards"].replace(" ", "") == "all_parties_submitted(deliverable=questionnaire)"
    rejects = [m for m in moves if m["trigger"] == "reject"]
    assert [r["to"] for r in rejects] == ["revision", "review_escalated"]
    assert "notrounds_left(deliverable=quick_win_plan" in rejects[1]["guards"].replace(" ", "")
    assert "comment required" in rejects[1]["guards"]


@SQLITE_ONLY
def test_show_of_an_unknown_workflow_or_version_is_one_error_line(cli) -> None:
    assert "no workflow 'nope' is published" in cli.fail("workflow", "show", "nope")
    assert "has no published version 7" in cli.fail("workflow", "show", "--version", "7")


@SQLITE_ONLY
def test_validate_accepts_the_shipped_definition(cli) -> None:
    out = cli.ok("workflow", "validate", str(MASTER_PLAN_YAML))
    assert out.strip() == (f"{MASTER_PLAN_YAML}: valid: master_plan v4, "
                           f"{len(SHIPPED['states'])} states, "
                           f"{len(SHIPPED['transitions'])} transitions")


BROKEN = """\
key: broken_flow
version: 1
title: Broken
initial: draft
roles:
  clerk: {}
states:
  draft: {requires: [memo]}
  done: {final: true}
transitions:
  - trigger: finish
    source: draft
    dest: finished
    roles: [clark]
    guards: [all_opds_submitted_questionaire]
"""


@SQLITE_ONLY
def test_validate_lists_every_problem_on_its_own_line(cli) -> None:
    path = cli.write("broken.yaml", BROKEN)
    result = cli.run("workflow", "validate", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {path}: {len(lines) - 1} problem(s)"
    problems = lines[1:]
    assert len(problems) >= 4
    for line in problems:
        assert line.startswith(f"  {path}: "), line
    text = "\n".join(problems)
    assert "transitions[0].dest: unknown state 'finished'" in text
    assert "transitions[0].roles: unknown role 'clark' (did you mean 'clerk'?)" in text
    assert ("transitions[0].guards: unknown guard 'all_opds_submitted_questionaire' "
            "(did you mean 'all_opds_submitted_questionnaire'?)") in text
    assert "states.draft.requires: unknown deliverable 'memo'" in text


@SQLITE_ONLY
def test_validate_reports_yaml_syntax_with_its_line(cli) -> None:
    path = cli.write("syntax.yaml", "key: x\nstates: [unclosed\n")
    result = cli.run("workflow", "validate", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == f"error: {path}: 1 problem(s)"
    assert "not valid YAML" in result.stderr
    assert f"  {path}: line " in result.stderr


@SQLITE_ONLY
@pytest.mark.parametrize("target", ["missing.yaml", "."])
def test_validate_of_an_unreadable_path_fails_without_traceback(cli, target: str) -> None:
    path = str(cli.files / target) if target != "." else str(cli.files)
    result = cli.run("workflow", "validate", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    # A summary line and the one problem, both naming the path.
    assert lines[0] == f"error: {path}: 1 problem(s)"
    assert lines[1:] == [f"  {path}: (file): cannot read: "
                         + ("No such file or directory" if target != "." else "Is a directory")]


def test_publish_adds_a_bumped_version_and_old_instances_keep_theirs(cli, cast) -> None:
    cli.setup_region()  # 64.71 runs master_plan v4
    shipped = SHIPPED["states"]["mou"]["label"]
    v5 = MASTER_PLAN_YAML.read_text("utf-8").replace("version: 4", "version: 5", 1).replace(
        f'en: "{shipped["en"]}"', 'en: "Memorandum of understanding"', 1)
    path = cli.write("master_plan_v5.yaml", v5)

    assert cli.ok("workflow", "publish", path).strip() == "master_plan v5 published"
    assert cli.ok("workflow", "publish", path).strip() == "master_plan v5 was already published"
    assert _versions(cli, "master_plan") == "4, 5"
    assert "(master_plan v5, starts in assessment)" in cli.ok("workflow", "show")
    assert "(master_plan v4," in cli.ok("workflow", "show", "--version", "4")

    latest = cli.ok("workflow", "diagram")  # the command line speaks English here
    assert 'state "Memorandum of understanding" as mou' in latest
    mine = cli.ok("workflow", "diagram", "--region", cast.region)
    assert f'state "{shipped["en"]}" as mou' in mine
    assert "Memorandum" not in mine


def test_publish_of_changed_content_under_a_published_version_is_refused(cli) -> None:
    changed = MASTER_PLAN_YAML.read_text("utf-8").replace(
        "en: Smart-city master plan", "en: Smart-city master plan (edited)", 1)
    line = cli.fail("workflow", "publish", cli.write("edited.yaml", changed))
    assert line.startswith("error: master_plan v4: 1 problem(s): ")
    assert "already published with different content" in line
    assert "give the change a new version" in line
    assert _versions(cli, "master_plan") == "4"


@SQLITE_ONLY
def test_publish_of_the_shipped_file_is_a_no_op(cli) -> None:
    out = cli.ok("workflow", "publish", str(MASTER_PLAN_YAML))
    assert out.strip() == "master_plan v4 was already published"


@SQLITE_ONLY
def test_publish_of_an_invalid_file_is_one_error_line(cli) -> None:
    path = cli.write("broken.yaml", BROKEN)
    line = cli.fail("workflow", "publish", path)
    assert line.startswith(f"error: {path}: ")
    assert "unknown state 'finished'" in line
    assert "unknown role 'clark'" in line


@SQLITE_ONLY
def test_diagram_is_mermaid_with_every_transition(cli) -> None:
    out = cli.ok("workflow", "diagram")
    lines = out.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    [*] --> assessment" in lines
    assert "    assessment --> mou: assess (assessor, coordinator)" in lines
    assert ("    bimtek_1 --> bimtek_2: close_bimtek_1 (coordinator) "
            "[all_parties_submitted(deliverable=questionnaire)]") in lines
    assert "    withdrawn --> [*]" in lines
    assert not any(line.startswith("    class ") for line in lines)


def test_diagram_highlights_the_current_state_of_a_region(cli, cast) -> None:
    cli.setup_region()
    lines = cli.ok("workflow", "diagram", "--region", cast.region).splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert lines[-1] == "    class assessment current"
    assert any(line.strip().startswith("classDef current") for line in lines)

    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    cli.ok("advance", cast.region, "assess", "--as", cast.assessor)
    by_name = cli.ok("workflow", "diagram", "-r", cast.region_name).splitlines()
    assert by_name[-1] == "    class mou current"


@SQLITE_ONLY
def test_diagram_of_a_region_outside_the_programme_is_one_error_line(cli, cast) -> None:
    line = cli.fail("workflow", "diagram", "--region", cast.other_region)
    assert line == (f"error: {cast.other_region} has not joined the programme; "
                    "the programme's administrator adds it to a cohort")


OTHER_FLOW = """\
key: road_audit
version: 1
title: Road audit
initial: open
roles:
  coordinator: {}
states:
  open: {}
  closed: {final: true}
transitions:
  - {trigger: close, source: open, dest: closed, roles: [coordinator]}
"""


@SQLITE_ONLY
def test_list_includes_every_published_workflow(cli) -> None:
    assert cli.ok("workflow", "publish", cli.write("road.yaml", OTHER_FLOW)).strip() == (
        "road_audit v1 published")
    assert "(road_audit v1, starts in open)" in cli.ok("workflow", "show", "road_audit")
    keys = [r["key"] for r in cli.table(cli.ok("workflow", "list"))]
    assert "road_audit" in keys

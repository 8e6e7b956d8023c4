"""The demo's evaluation year: regions hand in their returns in a window, an assessor scores
them, and the cohort is ranked (steps of :class:`interfaces.cli.demo.scenario.Demo`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from engine import WorkflowError
from interfaces.cli.demo.cast import ASSESSOR, SCORES, SLOTS
from interfaces.cli.demo.outcome import DemoReport
from interfaces.cli.demo.timeline import Evaluation
from workflows.evaluation import PARTS, returns, scores
from workflows.programme import Programme


class Demo(Protocol):
    """What these steps use of :class:`interfaces.cli.demo.scenario.Demo`."""

    prog: Programme
    emails: dict[str, dict[str, str]]
    report: DemoReport

    def log(self, key: str, at: datetime | None = None, **params: object) -> None: ...

    def refused(self, region: str, action: str, who: str, exc: WorkflowError) -> str: ...


def hand_in(demo: Demo, evaluation: Evaluation, code: str) -> None:
    """A region's return in the window (refused after the close)."""
    who = demo.emails[code]["BAPPEDA"]
    try:
        returns.submit_return(demo.prog, code, evaluation.name, who)
        demo.log("cli.demo.log.returned", region=code, window=evaluation.name)
    except WorkflowError as exc:
        line = demo.refused(code, f"submit_return {evaluation.name}", who, exc)
        demo.log("cli.demo.log.refused", line=line)

def score(demo: Demo, evaluation: Evaluation) -> None:
    """The assessor's scores of the window's returns, then the cohort's ranking."""
    scored = 0
    slot = SLOTS.index(evaluation.slot)
    for code, _, _ in evaluation.slot.returns:
        for part, value in zip(PARTS, SCORES[code][slot], strict=True):
            try:
                scores.score(demo.prog, code, evaluation.name, part, value, ASSESSOR)
                scored += 1
            except WorkflowError:
                break  # no return, nothing to score
    demo.report.rankings[evaluation.name] = scores.ranking(
        demo.prog, demo.report.cohort, evaluation.name)
    demo.log("cli.demo.log.scored", window=evaluation.name, count=scored, who=ASSESSOR)

"""``smartcity cohort|region|opd|person|mentor ...``: the programme's reference data.

The CSV imports show a spinner naming their file while they work, on a terminal only
(:mod:`interfaces.cli.progress`): each import is one transaction, all rows or none, whose rows
are written inside the programme's functions, so it is one step with its elapsed time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from config.messages import text
from interfaces.cli import progress
from interfaces.cli.context import AsOption, console, programme, table
from workflows.directory import agencies, cohorts, imports, people, registration
from workflows.directory import regions as region_directory
from workflows.directory.actors import actor_for, mentor_regions
from workflows.reporting.submissions import submissions
from workflows.roles import MENTOR, PERSON_ROLES
from workflows.zones import local

cohort = typer.Typer(help="Cohorts: the regions selected in a year.", no_args_is_help=True)
region = typer.Typer(help="The 514 kabupaten/kota.", no_args_is_help=True)
opd = typer.Typer(help="Regional agencies (OPDs) with their email addresses.",
                  no_args_is_help=True)
person = typer.Typer(help="Coordinators, assessors and heads of region.", no_args_is_help=True)
mentor = typer.Typer(help="Mentors and the regions assigned to them.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="A CSV file with a header row.")]


def register(app: typer.Typer) -> None:
    app.add_typer(cohort, name="cohort")
    app.add_typer(region, name="region")
    app.add_typer(opd, name="opd")
    app.add_typer(person, name="person")
    app.add_typer(mentor, name="mentor")


# -- cohort --------------------------------------------------------------------------------

@cohort.command("create")
def cohort_create(
    name: Annotated[str, typer.Argument(help="For example 'Smart City 2026'.")],
    year: Annotated[int, typer.Option(help="Selection year.")],
) -> None:
    """Create a cohort."""
    created = cohorts.create_cohort(programme(), name, year)
    console.print(text("cli.dir.cohort_created", name=created.name, year=created.year))


@cohort.command("list")
def cohort_list() -> None:
    """Cohorts with their number of regions."""
    prog = programme()
    with prog.db.read() as session:
        grid = table(*(text(f"cli.dir.{c}") for c in ("cohort", "year", "regions")))
        for c, n in cohorts.cohorts(session):
            grid.add_row(c.name, str(c.year), str(n))
    console.print(grid)


@cohort.command("add")
def cohort_add(
    name: Annotated[str, typer.Argument(help="Cohort name (or year if it has one cohort).")],
    regions: Annotated[list[str], typer.Argument(help="Region codes or names.")],
) -> None:
    """Select regions into a cohort; each starts its master plan."""
    added = cohorts.add_members(programme(), name, regions)
    console.print(text("cli.dir.cohort_added", count=len(added),
                       regions=", ".join(f"{r.code} {r.name}" for r in added)))


@cohort.command("import")
def cohort_import(name: Annotated[str, typer.Argument(help="Cohort name.")], file: FileArg) -> None:
    """Select regions from a CSV with a 'region' column of Kemendagri codes."""
    prog = programme()
    with progress.task(text("cli.progress.import_rows", file=file.name)):
        added = cohorts.import_members(prog, name, file)
    console.print(text("cli.dir.cohort_imported", count=len(added), name=name))


# -- region --------------------------------------------------------------------------------

@region.command("list")
def region_list(
    province: Annotated[str | None, typer.Option(help="Province code or name.")] = None,
    zone: Annotated[str | None, typer.Option(help="WIB, WITA or WIT.")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Part of the name.")]
    = None,
) -> None:
    """Regions with code, kind, province and time zone."""
    prog = programme()
    with prog.db.read() as session:
        rows = region_directory.listing(session, province=province, zone=zone, search=search)
    grid = table(*(text(f"cli.dir.{c}") for c in ("code", "name", "kind", "province", "zone",
                                                   "in_cohort")))
    for row in rows:
        r = row.region
        grid.add_row(r.code, r.name, text(f"cli.dir.kind.{r.kind}"), row.province, r.zone,
                     text("cli.actions.yes") if row.in_cohort else "")
    console.print(grid)
    console.print(text("cli.dir.region_count", count=len(rows)))


@region.command("show")
def region_show(
    ref: Annotated[str, typer.Argument(help="Region code or name.")],
    as_email: Annotated[str | None, typer.Option(
        "--as", envvar="SMARTCITY_AS", help="Also list what this person may do now.")] = None,
) -> None:
    """A region: its stage, deadline, OPDs, submissions with review rounds, possible actions."""
    prog = programme()
    with prog.db.read() as session:
        r = region_directory.find_region(session, ref)
        instance = prog.current_instance(session, r.code)
        console.print(text("cli.dir.region_heading", region=f"{r.code} {r.name}",
                           kind=text(f"cli.dir.kind.{r.kind}"), zone=r.zone), style="bold")
        d = prog.definition_of(session, instance)
        console.print(text("cli.dir.region_stage", stage=str(d.state_label(instance.state)),
                           since=local(instance.entered_at, r.tz), cycle=instance.cycle,
                           version=instance.version, workflow=instance.definition_version))
        found = agencies.opds(session, r.code)
        if found:
            grid = table(*(text(f"cli.dir.{c}") for c in ("opd", "name", "email", "dimension")),
                         title=text("cli.dir.opds"))
            for o in found:
                grid.add_row(o.code, o.name, o.email, o.dimension or "")
            console.print(grid)
        subs = submissions(prog, session, r.code)
        if subs:
            grid = table(*(text(f"cli.dir.{c}") for c in ("deliverable", "party", "v", "file",
                                                           "by", "at", "reviews")),
                         title=text("cli.dir.submissions"))
            for s in subs:
                rounds = "; ".join(text("cli.dir.round", number=n, decision=dec)
                                   + (f" ({c})" if c else "") for n, dec, c in s.reviews)
                grid.add_row(s.deliverable, s.party, str(s.version), s.file_name,
                              s.submitted_by, local(s.submitted_at, r.tz), rounds)
            console.print(grid)
        if as_email:
            actor = actor_for(session, as_email)
            grid = table(*(text(f"cli.actions.{c}") for c in ("action", "leads_to", "possible")),
                         title=text("cli.dir.may_do", who=actor.describe()))
            for a in prog.engine.available(session, instance.id, actor):
                grid.add_row(a.trigger, ", ".join(a.dests),
                             text("cli.actions.yes") if a.allowed else text(
                                 "cli.actions.no", reasons="; ".join(str(x) for x in a.reasons)))
            console.print(grid)


# -- OPDs ----------------------------------------------------------------------------------

@opd.command("add")
def opd_add(
    region_code: Annotated[str, typer.Argument(metavar="REGION", help="Kemendagri code.")],
    code: Annotated[str, typer.Argument(help="Short code, e.g. DISKOMINFO.")],
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Annotated[str, typer.Argument(help="Where its reminders go.")],
    dimension: Annotated[str | None, typer.Option(help="Its pokja's dimension.")] = None,
) -> None:
    """Add (or update) an OPD."""
    registration.add_opd(programme(), region_code, code, name, email, dimension)
    console.print(text("cli.dir.opd_saved", code=code.upper(), region=region_code))


@opd.command("list")
def opd_list(region_ref: Annotated[str | None, typer.Argument(metavar="[REGION]")] = None) -> None:
    """OPDs, of one region or of all."""
    prog = programme()
    with prog.db.read() as session:
        code = region_directory.find_region(session, region_ref).code if region_ref else None
        rows = agencies.opds(session, code)
    grid = table(*(text(f"cli.dir.{c}") for c in ("region", "code", "name", "email",
                                                   "dimension")))
    for o in rows:
        grid.add_row(o.region_code, o.code, o.name, o.email, o.dimension or "")
    console.print(grid)


@opd.command("import")
def opd_import(file: FileArg) -> None:
    """Import OPDs: columns region, code, name, email[, dimension]. All rows or none."""
    prog = programme()
    with progress.task(text("cli.progress.import_rows", file=file.name)):
        with prog.db.read() as session:
            known = region_directory.region_codes(session)
        rows = imports.parse_opds(file, prog.dimensions, known)
        new = registration.upsert_opds(prog, rows)
    console.print(text("cli.dir.opds_imported", count=len(rows), new=new,
                       updated=len(rows) - new))


# -- people --------------------------------------------------------------------------------

RoleOpt = Annotated[str, typer.Option(help=f"One of: {', '.join(PERSON_ROLES)}.")]


@person.command("add")
def person_add(
    email: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option(help="Full name.")],
    role: RoleOpt,
    region_code: Annotated[str | None, typer.Option(
        "--region", help="Bind to one region (regional coordinator, head of region).")] = None,
    province: Annotated[str | None, typer.Option(
        "--province", help="Bind to one province, by code or name (its coordinator or "
                           "governor, for province workflows); not with --region.")] = None,
) -> None:
    """Add (or update) a coordinator, assessor, head of region or mentor."""
    registration.add_person(programme(), email, name, role, region_code, province)
    console.print(text("cli.dir.person_saved", email=email, role=role))


@person.command("list")
def person_list(role: Annotated[str | None, typer.Option(help="Only this role.")] = None) -> None:
    """People by role."""
    prog = programme()
    with prog.db.read() as session:
        rows = people.people(session, role)
        grid = table(*(text(f"cli.dir.{c}") for c in ("email", "name", "role", "assigned")))
        for p in rows:
            assigned = (", ".join(mentor_regions(session, p.id or 0))
                        if p.role == MENTOR
                        else p.region_code or p.province_code or text("cli.dir.all"))
            grid.add_row(p.email, p.name, p.role, assigned)
    console.print(grid)


@person.command("import")
def person_import(file: FileArg) -> None:
    """Import people: columns email, name, role[, region]. All rows or none."""
    prog = programme()
    with progress.task(text("cli.progress.import_rows", file=file.name)):
        with prog.db.read() as session:
            known = region_directory.region_codes(session)
        rows = imports.parse_people(file, known)
        new = registration.upsert_people(prog, rows)
    console.print(text("cli.dir.people_imported", count=len(rows), new=new))


@person.command("whoami")
def person_whoami(as_email: AsOption) -> None:
    """Who --as resolves to, with role and regions."""
    prog = programme()
    with prog.db.read() as session:
        actor = actor_for(session, as_email)
    regions = (text("cli.dir.all_regions") if actor.subjects is None
               else ", ".join(sorted(actor.subjects)))
    party = f", OPD {actor.party}" if actor.party else ""
    console.print(text("cli.dir.whoami", who=f"{actor.describe()}{party}",
                       regions=regions or text("cli.dir.no_region_yet")))


# -- mentors -------------------------------------------------------------------------------

@mentor.command("add")
def mentor_add(
    email: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option(help="Full name.")],
    regions: Annotated[list[str] | None, typer.Option(
        "--region", help="Assign a region (repeatable).")] = None,
) -> None:
    """Add a mentor, optionally assigning regions."""
    registration.add_mentor(programme(), email, name, regions or [])
    console.print(text("cli.dir.mentor_saved", email=email) + (
        text("cli.dir.mentor_assigned", regions=", ".join(regions)) if regions else ""))


@mentor.command("assign")
def mentor_assign(
    email: Annotated[str, typer.Argument()],
    regions: Annotated[list[str], typer.Argument(help="Region codes or names.")],
) -> None:
    """Assign regions to a mentor."""
    new = registration.assign_mentor(programme(), email, regions)
    console.print(text("cli.dir.assignments", count=new, email=email))


@mentor.command("list")
def mentor_list() -> None:
    """Mentors and their regions."""
    person_list(role=MENTOR)


@mentor.command("import")
def mentor_import(file: FileArg) -> None:
    """Import mentors: columns email, name[, regions] (codes separated by ';'). All or none."""
    prog = programme()
    with progress.task(text("cli.progress.import_rows", file=file.name)):
        with prog.db.read() as session:
            known = region_directory.region_codes(session)
        rows = imports.parse_mentors(file, known)
        new = registration.import_mentors(prog, rows, file.name)
    console.print(text("cli.dir.mentors_imported", count=len(rows), new=new))

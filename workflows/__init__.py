"""The Gerakan Menuju 100 Smart City programme on the engine, one sub-package per concept.

``directory`` (regions, cohorts, OPDs, people, CSV imports), ``master_plan`` (the definition,
its guards, the actions and review notices), ``deadlines`` (cohort dates, extensions, working
days, reminders, the sweep, calendar feeds), ``evaluation`` (windows, returns, scores,
ranking, notices), ``access`` (accounts, sessions, tokens, signed links, the scope rule) and
``reporting`` (the read models the command line, the API and the pages share).
:mod:`workflows.programme` wires them to the engine; :mod:`workflows.background` runs the
clock's jobs and email delivery for ``worker`` and ``serve``.
"""

"""Programme analytics: how a cohort moves through the master plan, as Camunda Optimize shows
a process (time in each stage, the funnel over time, deadlines met on time, who is late most
often, mentors' workload and turnaround, revision rounds, the evaluation index over editions).

Every figure is computed in Python from :class:`~workflows.reporting.analytics.facts.Facts`,
which reads what the figures need with a fixed number of queries whatever the cohort's size
(:func:`~workflows.reporting.analytics.facts.load`); :mod:`.summary` bundles the figures the
page shows, :mod:`.monthly` the printable report of one month, and :mod:`.tables` the rows of
each chart's CSV. One concept per module; nothing here writes.
"""

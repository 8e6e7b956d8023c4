"""Read models: what the command line, the API, the pages and the exports show, built once.

One row type per concept (a region's progress, a deadline, a submission), read through the
engine's :class:`~engine.Records` and the programme's tables with a fixed number of queries
whatever the number of regions. Times come back as aware UTC datetimes with the region's zone,
so every interface shows them in the region's own zone, labelled.
"""

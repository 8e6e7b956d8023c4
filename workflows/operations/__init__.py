"""Keeping the programme's data safe: ``smartcity backup`` and ``smartcity restore``.

``archive`` is the archive's format (its manifest, writing it, checking and unpacking it),
``backup`` writes one while the service runs, ``restore`` checks one whole and then puts it
back, and ``postgres`` runs PostgreSQL's own tools (``pg_dump``, ``pg_restore``) for them.
Schema migrations are the caller's (they live above this layer): a restore is followed by
``interfaces.bootstrap.initialise``, which brings an older archive's schema to head.
"""

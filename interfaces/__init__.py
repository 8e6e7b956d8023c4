"""How people reach the programme: the ``smartcity`` command line (``cli``) and the web
application with its REST API (``web``); HTTP, templates and command parsing only, the rest is
the programme's (:mod:`workflows`). :mod:`interfaces.bootstrap` brings a database into
service for both."""

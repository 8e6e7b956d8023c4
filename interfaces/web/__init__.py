"""The web application: REST API (``/api/v1``) and server-rendered pages, on FastAPI."""

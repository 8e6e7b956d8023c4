# syntax=docker/dockerfile:1
# smartcity-workflow: one image for every process of the production layout (compose.yaml):
#   smartcity init                                   migrations and reference data, once per release
#   smartcity serve --no-background --host 0.0.0.0  pages and API, as many as needed, behind a proxy
#   smartcity worker                                 the clock (in one) and email delivery (in all)
# Build: docker build -t smartcity-workflow .

# -- build: the package and its dependencies into a virtual environment -------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/smartcity
WORKDIR /src
# pyproject.toml names README.md as the package's readme: both are needed to build it.
COPY pyproject.toml README.md LICENSE ./
COPY config config
COPY engine engine
COPY notifications notifications
COPY workflows workflows
COPY migrations migrations
COPY interfaces interfaces
# Then the message catalogue's .po files into .mo, inside the installed package (run from / so
# that `config` is the installed one, not /src/config).
RUN /opt/smartcity/bin/pip install . \
 && cd / && /opt/smartcity/bin/python -m config.messages compile

# -- run ----------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
# WeasyPrint lays out the monthly report's PDF with Debian's Pango (without it that one download
# answers 503); DejaVu gives it a font. `smartcity backup` and `restore` run pg_dump and
# pg_restore: bookworm's postgresql-client is version 15, as new as compose.yaml's postgres:15
# (a pg_dump older than its server refuses to dump it; raise both together).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 smartcity \
 && useradd --system --uid 10001 --gid smartcity --home-dir /var/lib/smartcity \
      --shell /usr/sbin/nologin smartcity \
 && mkdir -p /var/lib/smartcity/uploads && chown -R smartcity:smartcity /var/lib/smartcity
COPY --from=build /opt/smartcity /opt/smartcity
ENV PATH=/opt/smartcity/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SMARTCITY_DATA_DIR=/var/lib/smartcity
# Uploads live under SMARTCITY_DATA_DIR/uploads: one volume shared by every serve and worker.
VOLUME ["/var/lib/smartcity"]
WORKDIR /var/lib/smartcity
USER smartcity
EXPOSE 8000
# Liveness of a web process (a worker's service turns this off in compose.yaml).
HEALTHCHECK --interval=15s --timeout=4s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
ENTRYPOINT ["smartcity"]
CMD ["serve", "--no-background", "--host", "0.0.0.0", "--port", "8000"]

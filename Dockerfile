# One image for every foorumi process: the web services (gunicorn), workers, beat and migrate.
# docker-compose.yml picks the command; see the README's production topology.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FOORUMI_INSTANCE_DIR=/tmp/foorumi

# WeasyPrint (the published memo's tagged PDF) needs Debian's Pango
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY shared shared
COPY services services
COPY foorumi foorumi
RUN pip install -e . \
    && python -m foorumi.catalogs compile \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin foorumi

USER foorumi
EXPOSE 8000
CMD ["gunicorn", "--config", "python:foorumi.gunicorn_conf", "foorumi.wsgi:app"]

# Incident Atlas: one image for web (gunicorn), worker and beat (celery). See docker-compose.yml.
# bookworm pinned: GDAL 3.6 / GEOS 3.11 come as libgdal32 / libgeos-c1v5 there, the same as on the dev machines.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    STATIC_ROOT=/app/var/static

RUN apt-get update \
    && apt-get install -y --no-install-recommends libgdal32 libgeos-c1v5 libproj25 postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Requirements first, so that a code change does not reinstall every package.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# collectstatic only reads settings; the build has no database and no secret of its own. It writes the hashed,
# compressed copies whitenoise serves (manifest storage); SECRET_KEY comes from the runtime environment.
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --create-home --home-dir /home/atlas atlas \
    && mkdir -p /app/var/run && chown -R atlas /app/var

USER atlas
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "16", "--timeout", "60", "--access-logfile", "-"]

# Incident Atlas: set-up, demo, tests and benchmarks on a Debian 12 machine (or use docker-compose.yml).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
APT_PACKAGES := postgresql-15-postgis-3 libgdal32 libgeos-c1v5 chromium gdal-bin
DB_NAME ?= incident_atlas
export DATABASE_URL ?= postgis://postgres@127.0.0.1:5432/$(DB_NAME)
export REDIS_URL ?= redis://127.0.0.1:6379/0
DEMO_ADMIN_USER ?= admin
DEMO_ADMIN_PASSWORD ?= atlas-demo
RUN := var/run
# A development key for the demo and the tests; production sets its own SECRET_KEY (settings refuse to start without
# one when DEBUG is off).
DEV_SECRET_KEY := dev-only-insecure-key-change-me

.PHONY: help install apt venv services db migrate gazetteer demo-admin demo serve worker beat stop test lint format bench

help:
	@echo "make demo   install, migrate, load the gazetteer, ingest the samples, serve http://127.0.0.1:8000/"
	@echo "make test   lint and the whole test suite against the real PostGIS and Redis"
	@echo "make bench  benchmarks (N=1000000 incidents by default; ONLY=list,cursor,... picks sections)"

install: apt venv

# Installs only what is missing, so a second run is quick and needs no network.
apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Starts PostgreSQL and Redis if they are not answering (the commands this machine kind uses).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort | tail -1) main start; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { mkdir -p /var/lib/redis /var/log/redis; \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/ci.log; sleep 1; }

db: services
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(DB_NAME)'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(DB_NAME)"
	@psql -h 127.0.0.1 -U postgres -d $(DB_NAME) -qc "CREATE EXTENSION IF NOT EXISTS postgis"

migrate: install db
	$(PY) manage.py migrate --noinput

gazetteer: migrate
	$(PY) manage.py load_gazetteer
	$(PY) manage.py load_actors

demo-admin: migrate
	DEMO_ADMIN_USER=$(DEMO_ADMIN_USER) DEMO_ADMIN_PASSWORD=$(DEMO_ADMIN_PASSWORD) $(PY) manage.py demo_admin

worker: migrate
	@mkdir -p $(RUN)
	@if [ -f $(RUN)/worker.pid ] && kill -0 $$(cat $(RUN)/worker.pid) 2>/dev/null; then echo "worker already running"; \
	else $(VENV)/bin/celery -A config worker -l info --concurrency 2 --pidfile $(RUN)/worker.pid \
	  --logfile var/worker.log --detach; echo "worker started (var/worker.log)"; fi

beat: migrate
	@mkdir -p $(RUN)
	@if [ -f $(RUN)/beat.pid ] && kill -0 $$(cat $(RUN)/beat.pid) 2>/dev/null; then echo "beat already running"; \
	else $(VENV)/bin/celery -A config beat -l info --pidfile $(RUN)/beat.pid --logfile var/beat.log --detach; \
	  echo "beat started (var/beat.log)"; fi

stop:
	-@for p in worker beat; do [ -f $(RUN)/$$p.pid ] && kill $$(cat $(RUN)/$$p.pid) 2>/dev/null; rm -f $(RUN)/$$p.pid; done; true

serve: migrate
	$(PY) manage.py runserver 127.0.0.1:8000

# The demo is a development site: DEBUG on (so demo_admin may create its known login) and a development key,
# unless the shell sets them. Target-specific, so every command the demo runs gets them.
migrate gazetteer demo-admin worker beat serve demo: export DEBUG ?= 1
migrate gazetteer demo-admin worker beat serve demo: export SECRET_KEY ?= $(DEV_SECRET_KEY)

demo: gazetteer demo-admin worker beat
	$(PY) manage.py demo_ingest
	@echo "Dashboard: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/ ($(DEMO_ADMIN_USER) / $(DEMO_ADMIN_PASSWORD))"
	$(PY) manage.py runserver 127.0.0.1:8000

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Tests get their own Redis database and queue, so a running demo worker never takes their tasks.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_QUEUE ?= atlas-test
# Production-like variables for `check --deploy`: DEBUG off, a random key, TLS behind a proxy.
DEPLOY_ENV := DEBUG=0 ALLOWED_HOSTS=atlas.example.org CSRF_TRUSTED_ORIGINS=https://atlas.example.org \
  SESSION_COOKIE_SECURE=1 CSRF_COOKIE_SECURE=1 SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 \
  SECURE_HSTS_INCLUDE_SUBDOMAINS=1 SECURE_HSTS_PRELOAD=1 SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
test: export SECRET_KEY ?= $(DEV_SECRET_KEY)
test: install db lint
	REDIS_URL=$(TEST_REDIS_URL) CELERY_QUEUE=$(TEST_QUEUE) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py check --deploy --fail-level WARNING
	REDIS_URL=$(TEST_REDIS_URL) CELERY_QUEUE=$(TEST_QUEUE) $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

N ?= 1000000
bench: install db
	$(PY) manage.py migrate --noinput
	$(PY) -m bench.run --n $(N) $(if $(ONLY),--only $(ONLY))

# syntax=docker/dockerfile:1
# Two stages (issue 12): the builder installs the locked, hash-checked runtime packages into
# a virtualenv, fetches the front-end packages and collects the static files; the runtime
# stage copies the virtualenv and the app only (no compilers, Node, npm or dev tools) and
# runs as a non-root user.

FROM python:3.12-slim AS builder
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
WORKDIR /app
# The lock holds the dev extra too; only the runtime part of it (with its hashes) is
# installed. Hash-checking mode fails the build if any dependency is not pinned.
COPY pyproject.toml requirements.lock ./
COPY scripts/runtime_requirements.py scripts/
RUN python scripts/runtime_requirements.py requirements.lock pyproject.toml > /tmp/runtime.lock \
 && pip install --require-hashes -r /tmp/runtime.lock
# npm's dev packages (the test identity provider) stay out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# node_modules stays (the production packages only, a few MB): STATICFILES_DIRS names it,
# and a missing directory would warn on every manage.py command.
RUN DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=collectstatic-only \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
 && rm -rf tests

FROM python:3.12-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production
# Pango and a font for WeasyPrint's tagged PDFs (reports, letters).
RUN apt-get update && apt-get install -y --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 app
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# Owned by root and read-only to the app user: the app stores files in the database and
# writes only to /tmp (beat's heartbeat and schedule).
COPY --from=builder /app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]

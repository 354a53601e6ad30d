FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock package.json package-lock.json ./
# Hash-checked exact versions; npm's dev packages (the test identity provider) stay out.
RUN pip install --no-cache-dir --require-hashes -r requirements.lock \
 && npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN pip install --no-cache-dir --no-deps -e . \
 && DJANGO_SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]

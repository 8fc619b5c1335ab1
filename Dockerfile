FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN npx sass --load-path=node_modules --style=compressed --no-source-map \
      static/scss/app.scss static/build/app.css

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libcairo2 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml uv.lock ./
# Exactly what uv.lock pins, hashes checked; the build fails if the lock is out of date.
RUN pip install --no-cache-dir "uv==0.13.9" \
    && UV_PROJECT_ENVIRONMENT=/app/.venv uv sync --locked --no-install-project --no-cache
ENV PATH="/app/.venv/bin:$PATH"
COPY . .
COPY --from=assets /app/node_modules/govuk-frontend ./node_modules/govuk-frontend
COPY --from=assets /app/node_modules/htmx.org ./node_modules/htmx.org
COPY --from=assets /app/static/build ./static/build
ENV DJANGO_SETTINGS_MODULE=config.settings.production
# collectstatic touches neither the database nor the broker, but production settings insist
# on being told of them.
RUN DJANGO_SECRET_KEY=build-only-build-only-build-only-build DJANGO_ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@build/build CELERY_BROKER_URL=redis://build:6379/0 \
    python manage.py collectstatic --noinput
USER nobody
# The web server by default (docker-compose.yml names it too): threaded gunicorn workers,
# GUNICORN_WORKERS x GUNICORN_THREADS, from config/gunicorn.py.
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]

# Production image: gunicorn + whitenoise for the web, the same image for Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=lepportal.settings.production

# Pango, HarfBuzz and a font for PDF export (WeasyPrint).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal
WORKDIR /app

COPY pyproject.toml README.md ./
COPY requirements/ requirements/
COPY lepportal/ lepportal/
COPY accounts/ accounts/
COPY strategies/ strategies/
COPY consultations/ consultations/
RUN pip install -c requirements/constraints.txt --upgrade pip setuptools \
 && pip install -c requirements/constraints.txt .

COPY . .
# collectstatic needs settings to load; the key used here exists only during the build.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
 && mkdir -p var && chown -R portal:portal var

USER portal
EXPOSE 8000
# Workers, threads and the access log come from gunicorn.conf.py (read from /app); set
# WEB_CONCURRENCY and WEB_THREADS to size them to the host.
CMD ["gunicorn", "lepportal.wsgi:application", "--bind", "0.0.0.0:8000"]

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY . .
RUN pip install . \
    && DJANGO_SETTINGS_MODULE=reex.settings.local python manage.py collectstatic --noinput \
    && useradd --create-home reex
USER reex
EXPOSE 8000
CMD ["gunicorn", "reex.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

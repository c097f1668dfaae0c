FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SCONET_ENV=production
WORKDIR /app

COPY pyproject.toml README.md ./
COPY sconet ./sconet
COPY etablissements ./etablissements
COPY eleves ./eleves
COPY absences ./absences
COPY sms ./sms
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789 \
       python manage.py collectstatic --noinput \
    && useradd --system --home /app sconet
USER sconet
EXPOSE 8000
CMD ["gunicorn", "sconet.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

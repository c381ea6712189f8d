# The MAP backend as a container, for Cloud Run (service.yaml; docs/deploy.md). The
# same pinned, hashed requirements as App Engine installs.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PORT=8080

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY service ./service
COPY sheets_templates ./sheets_templates

USER nobody
EXPOSE 8080
# Two workers, four threads each: service.yaml's containerConcurrency is 8 to match.
CMD ["sh", "-c", "exec gunicorn -c python:service.web.gunicorn_config -b :$PORT -w 2 --threads 4 --timeout 60 --graceful-timeout 20 'service.web.app:create_app()'"]

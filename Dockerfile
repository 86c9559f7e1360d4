# jewelreview: web (gunicorn) and worker (rqworker) image.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production \
    NUMBA_CACHE_DIR=/tmp/numba-cache \
    # Keep glibc from returning large blocks between renders (perf-notes: faster decode/encode).
    MALLOC_MMAP_THRESHOLD_=1073741824 \
    MALLOC_TRIM_THRESHOLD_=1073741824

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core ./core
COPY jewelreview ./jewelreview
COPY frontend ./frontend
COPY manage.py ./
RUN pip install . && useradd --create-home --uid 10001 app && mkdir -p /app/var && chown -R app /app/var

USER app
# Compile numba's caches once at build time, not on the first render of each container.
RUN python -c "from core.matte import preload_solver; preload_solver()"
# collectstatic needs a key to import settings; it is thrown away with this layer's environment.
RUN SECRET_KEY=collectstatic-only-$(date +%s)-not-used-at-run-time-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["gunicorn", "jewelreview.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]

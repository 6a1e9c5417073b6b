# syntax=docker/dockerfile:1
# mim-koppelvlak: one uvicorn worker per container; scale with replicas.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY . .
RUN pip install -c constraints.txt . && rm -rf build ./*.egg-info

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MIM_DATA_DIR=/data
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin mim \
    && mkdir -p /data \
    && chown mim: /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Alembic configuration and revisions, for `docker run ... alembic upgrade head`.
COPY --from=build /src/ /app/
USER mim
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health/live', timeout=3)"]
CMD ["uvicorn", "api.app:create_app_from_env", "--factory", "--host", "0.0.0.0", "--port", "8000", \
     "--loop", "uvloop", "--http", "httptools", "--no-access-log"]

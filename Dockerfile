# syntax=docker/dockerfile:1
# Multi-stage: build a wheel-installed virtualenv, then copy it into a slim, non-root runtime.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/fivefold
COPY pyproject.toml README.md ./
COPY app.py ./
COPY bot ./bot
COPY adapters ./adapters
COPY programs ./programs
COPY migrations ./migrations
RUN /opt/fivefold/bin/pip install --no-cache-dir --upgrade pip && /opt/fivefold/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 fivefold
COPY --from=build /opt/fivefold /opt/fivefold
ENV PATH=/opt/fivefold/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    FIVEFOLD_ENV=production \
    FIVEFOLD_LOG_FORMAT=json \
    DATABASE_URL=sqlite:////data/fivefold.db
RUN mkdir /data && chown fivefold /data
USER fivefold
WORKDIR /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status != 200)"
CMD ["sh", "-c", "fivefold migrate && exec fivefold serve --host 0.0.0.0 --port 3000"]

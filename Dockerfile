# Casebook server image. Build and run with docker compose (see README.md), or:
#   docker build -t casebook . && docker run -p 127.0.0.1:8000:8000 -v casebook-data:/var/lib/casebook casebook

# The browser client's libsodium, exactly as pinned in package-lock.json (served by the app,
# never from a CDN).
FROM node:20-slim AS browser-libraries
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --omit=dev

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN groupadd --system --gid 10001 casebook \
    && useradd --system --uid 10001 --gid casebook --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin casebook

WORKDIR /app

# An editable install of /app: the package finds alembic.ini, migrations/, policies/ and
# templates/ beside it, exactly as in a source checkout.
COPY pyproject.toml README.md alembic.ini ./
COPY casebook ./casebook
COPY migrations ./migrations
COPY policies ./policies
COPY templates ./templates
COPY --from=browser-libraries /build/node_modules ./node_modules
RUN pip install -e .

RUN mkdir -p /var/lib/casebook && chown casebook:casebook /var/lib/casebook && chmod 700 /var/lib/casebook

ENV CASEBOOK_DATA_DIR=/var/lib/casebook \
    CASEBOOK_POLICY_DIR=/app/policies \
    CASEBOOK_HOST=0.0.0.0 \
    CASEBOOK_PORT=8000

VOLUME ["/var/lib/casebook"]
USER casebook
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# `serve` migrates the database, then serves.
CMD ["casebook", "serve", "--host", "0.0.0.0"]

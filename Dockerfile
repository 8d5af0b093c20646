# The synergy-mock server: gunicorn serving the emulated API on port 8080, with the SQLite
# database in the /data volume. Build from the repository's top folder:
#   docker build -t synergy-mock .

# The build stage installs the project and its dependencies into a virtual environment. pip builds
# the wheel from the source here, so the source, pip and the build backend stay out of the image.
FROM python:3.11-slim AS build

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# The dependencies get a layer of their own, read from pyproject.toml, so a change to the source
# alone does not download them again.
COPY pyproject.toml ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > requirements.txt \
    && pip install --no-cache-dir --requirement requirements.txt
COPY README.md ./
COPY mock_server ./mock_server
COPY scenarios ./scenarios
COPY fixtures ./fixtures
# pip and setuptools are only needed to install, so they are removed from the finished environment.
RUN pip install --no-cache-dir --no-deps . \
    && pip uninstall --yes pip setuptools


FROM python:3.11-slim

# A fixed user and group id, so a bind-mounted /data can be made writable with chown 10001.
RUN groupadd --system --gid 10001 synergy \
    && useradd --system --uid 10001 --gid synergy --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin synergy \
    && mkdir -p /data /scenarios/fixtures \
    && chown synergy:synergy /data

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY gunicorn.conf.py ./

# SYNERGY_MOCK_* variables set any setting of the emulator (see the README). HOST, PORT and
# WEB_CONCURRENCY, when set, win over SYNERGY_MOCK_HOST, SYNERGY_MOCK_PORT and
# SYNERGY_MOCK_WORKERS (see gunicorn.conf.py). SYNERGY_MOCK_RESEED=false keeps a database in /data
# that already contains the configured scenario, with the changes made to it, across restarts.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SYNERGY_MOCK_HOST=0.0.0.0 \
    SYNERGY_MOCK_PORT=8080 \
    SYNERGY_MOCK_SCENARIO=default \
    SYNERGY_MOCK_DATABASE_URL=sqlite:////data/synergy-mock.db \
    SYNERGY_MOCK_SCENARIO_DIRS=/scenarios \
    SYNERGY_MOCK_FIXTURE_DIRS=/scenarios/fixtures \
    SYNERGY_MOCK_RESEED=true

VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080

# The probe reads the port as gunicorn.conf.py does. No answer (gunicorn listens only once seeding
# is done) or an error status makes Python exit with 1, which Docker counts as a failed check.
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('PORT', '').strip() or os.environ['SYNERGY_MOCK_PORT']; urllib.request.urlopen(f'http://127.0.0.1:{port}/_mock/health', timeout=2)"]

CMD ["gunicorn", "--config", "gunicorn.conf.py", "mock_server.wsgi:app"]

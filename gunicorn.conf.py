"""gunicorn settings for the container image: ``mock_server.gunicorn_conf`` plus platform variables.

Container platforms and buildpacks set ``HOST``, ``PORT`` and ``WEB_CONCURRENCY``. When one of
them is set and not empty, it replaces ``SYNERGY_MOCK_HOST``, ``SYNERGY_MOCK_PORT`` or
``SYNERGY_MOCK_WORKERS`` in the environment before the emulator's settings are read. The bind
address, the worker count, the seeding in the master and the app in each worker then all see the
same value. Every gunicorn setting comes from ``mock_server.gunicorn_conf``.

NOTE: gunicorn reads ``./gunicorn.conf.py`` when no ``-c`` is given, and zsh sets ``HOST`` to the
machine's name. Outside the container, use ``-c python:mock_server.gunicorn_conf`` instead.
"""

import os

PLATFORM_VARIABLES = {
    "HOST": "SYNERGY_MOCK_HOST",
    "PORT": "SYNERGY_MOCK_PORT",
    "WEB_CONCURRENCY": "SYNERGY_MOCK_WORKERS",
}

for platform_name, setting_name in PLATFORM_VARIABLES.items():
    value = os.environ.get(platform_name, "").strip()
    if value:
        os.environ[setting_name] = value

# Star-imported so that every setting mock_server.gunicorn_conf defines applies here too, and
# imported after the loop above because that module reads the settings on import.
from mock_server.gunicorn_conf import *  # noqa: E402, F403

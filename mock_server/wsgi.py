"""The WSGI app for gunicorn.

Run it as ``gunicorn -c python:mock_server.gunicorn_conf mock_server.wsgi:app``.
"""

from mock_server import create_app

app = create_app()

"""Allow ``python -m mock_server``, the same as the ``synergy-mock`` command."""

from mock_server.cli import main

main()

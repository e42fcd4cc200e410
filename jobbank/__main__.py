"""`python -m jobbank` is the `jobbank` command."""

from jobbank.cli.main import main

main()

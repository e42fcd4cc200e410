"""`python -m jobbank` is the `jobbank` command."""

from jobbank.cli import main

main()

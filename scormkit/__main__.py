"""`python -m scormkit` runs the command-line interface."""

from scormkit.cli import main

main()

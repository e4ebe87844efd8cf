"""``python -m screenplay_compiler`` runs the ``sdc`` command line."""

from .cli import main

main()

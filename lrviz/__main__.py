"""``python -m lrviz``."""

from .cli import main

main()

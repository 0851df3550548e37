"""`python -m` runs the server."""

from .server import main

main()

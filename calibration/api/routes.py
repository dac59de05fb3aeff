"""The API's one router. Reads (reads.py) and writes (writes.py) register on it, so a path
that is both read and written (GET and PATCH /indicators/{pk}) is one URL."""

from ninja import Router

router = Router()

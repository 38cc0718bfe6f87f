"""The programs: one package per program, each with an `install(installation)` (see `bot/installation.py`).

The composition root (`app.py`) lists them in `PROGRAMS`; README's "Architecture" maps
them to the five levers.
"""

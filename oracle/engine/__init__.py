"""Judging a run's cases: the schedulers (pytest-xdist, the streaming pool), settling each case, journalling every record."""

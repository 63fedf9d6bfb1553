"""Metrics: dated snapshots in each client's `data/`, pulled from the networks or imported
from the platforms' own exports, read by the reports."""

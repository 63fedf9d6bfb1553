"""cmkit: the community manager's toolkit over plain files in git."""

__version__ = "0.1.0"

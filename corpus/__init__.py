"""Files, datasets and the command line: everything around the aligner."""

__version__ = "0.1.0"

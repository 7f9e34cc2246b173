"""Models of the ``commitments`` app."""

"""Models of khó khăn, vướng mắc (issue 14)."""

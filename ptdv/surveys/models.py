"""Models of khảo sát nguồn (issue 14)."""

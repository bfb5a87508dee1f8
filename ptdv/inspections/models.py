"""Models of kiểm tra, giám sát (issue 14)."""

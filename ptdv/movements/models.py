"""Models of phong trào và đoàn thể (issue 14)."""

"""Models of gương điển hình (issue 14)."""

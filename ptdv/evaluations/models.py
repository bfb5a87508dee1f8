"""Models of đánh giá, xếp loại (issue 14)."""

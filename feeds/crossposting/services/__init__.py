"""Cross-posting's writes: connecting accounts, scheduling, publishing, tracking, notices."""

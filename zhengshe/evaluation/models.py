"""双向评估 — built out by its issue."""

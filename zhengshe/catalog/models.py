"""两份清单与准入 — built out by its issue."""

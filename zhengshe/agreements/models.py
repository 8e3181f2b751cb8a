"""协助管理协议 — built out by its issue."""

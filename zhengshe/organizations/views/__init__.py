"""Views of the organizations app, split by area (registry, grading, incubators, statistics, public)."""

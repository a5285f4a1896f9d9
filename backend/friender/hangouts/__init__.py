"""Hangouts: plans two matched people make to meet, their calendar file, and "we met"."""

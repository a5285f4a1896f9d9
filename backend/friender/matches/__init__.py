"""Swipes and matches: one decision per person, a match when both say yes, unmatching."""

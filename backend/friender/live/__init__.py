"""``GET /api/events``: the signed-in user's live stream, tied to its token checks and message replay.

It sits above ``messages`` and ``auth``, which it needs; ``friender.events`` below stays the
broker and stream mechanics that every domain publishes through.
"""

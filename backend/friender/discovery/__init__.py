"""Discovery: who the signed-in user is shown next, and the search tables that make it fast."""

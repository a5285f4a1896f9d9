"""Safety tools: blocking someone and reporting them for moderation."""

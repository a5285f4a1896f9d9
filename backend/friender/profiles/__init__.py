"""The signed-in user's own profile (``/api/me``) and other people's public profiles."""

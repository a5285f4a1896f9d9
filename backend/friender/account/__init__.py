"""The account as a whole: deleting it with everything it owns, and exporting all of its data."""

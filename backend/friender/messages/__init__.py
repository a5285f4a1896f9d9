"""Messages between the two members of a match, with read receipts."""

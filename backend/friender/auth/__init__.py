"""Accounts: sign up, log in, refresh and log out with JWTs."""

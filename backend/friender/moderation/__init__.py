"""Moderation: the queue of reported people, decisions and their effects, the audit log, notices and appeals."""

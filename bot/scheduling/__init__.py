"""Scheduled work: due times in each schedule's own zone, database claims, the senders."""

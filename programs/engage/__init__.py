"""Engage: pulse surveys, eNPS and the CX maturity audit, with anonymity that holds against the database."""

"""Instruct: training tracks of micro-lessons, with an onboarding track for new members."""

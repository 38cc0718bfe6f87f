"""The weekly digests: thank-you (kudos, stories, ambassadors), what our customers said, KPIs."""

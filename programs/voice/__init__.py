"""The customer's voice (Inform): customer feedback, customer NPS per team, the weekly card."""

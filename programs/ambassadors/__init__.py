"""CX ambassadors (Engage): sign-up, review by HR, the roster and the ambassador role."""

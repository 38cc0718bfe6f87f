"""Where the programme's messages go, per tenant: review, stories, announcement and leadership channels."""

"""Customer stories (Inspire): shared in a form, reviewed, published to the stories channels."""

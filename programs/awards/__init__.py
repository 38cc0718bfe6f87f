"""Awards and recognition (Reward): cycles, categories, nominations in chat, one vote per category."""

"""Talking to OpenAI-compatible model providers: endpoints, health, one retrying call."""

"""The Slack adapter (slack-bolt / slack-sdk)."""

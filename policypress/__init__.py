"""policypress: privacy and cookie policies from Markdown in git."""

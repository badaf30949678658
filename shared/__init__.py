"""What every foorumi service needs and nothing domain-specific."""

"""The notify service's rate limiter (its public forms and API POSTs share it)."""

from shared.web.ratelimit import make_limiter

limiter = make_limiter("notify")

"""The registration service's rate limiter (its public form and API POSTs share it)."""

from shared.web.ratelimit import make_limiter

limiter = make_limiter("registration")

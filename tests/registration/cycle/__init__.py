"""Tests of registration's forum cycle (services/registration/cycle/)."""

"""Declared settings: each field once (default, help, choices), flags generated from them."""

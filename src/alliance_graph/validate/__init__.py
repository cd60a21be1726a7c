"""Checking proposed facts against the shapes and checks, and merging them into data/."""

"""Hostile, broken and honest submissions of module 00 for the class-grading suite (tests/test_class_grading.py)."""

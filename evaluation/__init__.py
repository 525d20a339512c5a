"""Evaluation code shared by every evaluator: errors, CED, AUC, failure rate."""

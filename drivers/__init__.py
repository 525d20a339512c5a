"""The drivers above the families: training and the checkpoint-watching evaluator."""

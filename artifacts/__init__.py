"""What a train_dir stores: model.json, every weight keyed by its path, checkpoints."""

"""What every train script shares: the resumable training loop and the converted records."""

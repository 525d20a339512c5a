"""Runtimes: convert an exportable network (SavedModel, LiteRT, ONNX), load it into a numpy
callable."""

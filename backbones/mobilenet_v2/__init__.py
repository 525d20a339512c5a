"""MobileNetV2 (SPEC D.1): the network, its 64x64 BGR box crop and its augmented input stream."""

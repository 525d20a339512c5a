"""ShapeNet (justusschock/shapenet): a CNN predicting PCA shape parameters and a similarity
transform, turned into landmarks by a fixed shape layer (SPEC C)."""

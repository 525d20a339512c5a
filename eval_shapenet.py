"""Evaluates ShapeNet checkpoints: each new checkpoint in --checkpoint_dir, exactly once.

    python eval_shapenet.py --checkpoint_dir=runs/shapenet --eval_dir=runs/shapenet/eval \
        --dataset_path='300w/lfpw/testset/*.jpg:300w/helen/testset/*.jpg'

Each face is cropped from its box as the backbone's crop (--crop=oracle: from its ground
truth, as the original's prediction script; an upper bound, not a result). The same
watcher and reports as the other evaluators: mean NME (inter-ocular unless --normaliser),
failure rate and AUC at 0.08, a CED plot, errors-<step>-<key>.json.
"""

from face_alignment_tf.drivers.evaluate import evaluator_main
from face_alignment_tf.shapenet.family import FAMILY

if __name__ == "__main__":
    evaluator_main(FAMILY)

"""A trained cascade with its first stage taken from another run: a stage 1 trained again
(a fine-tune on occluded photos, say) under the stage 2 it already has. Stage 2 is then
started from the new stage 1's points, which `bench.cascade_bound` measures it to be
nearly indifferent to (its error from the true points is its error from stage 1's).

    python -m face_alignment_tf.mobilenet.compose \
        --cascade_dir=face_alignment_tf/models/mobilenet-photo-cascade-300w \
        --stage1_dir=runs/mn2-s1-occ --output_dir=runs/cascade-s1-occ

The result is a train_dir of its own (which must not exist yet): the cascade's later
stages and calibration.json (the box fits never run the model), stage 1's weights from
--stage1_dir's latest checkpoint (a one- or two-stage model; a stage 1 of another input
size, a cheaper 48-px one say, makes the cascade read that size first), one checkpoint
numbered by the cascade's step, and model.json naming --stage1_dir as its stage 1.
"""

from pathlib import Path

from face_alignment_tf.artifacts.checkpoints import checkpoint_step
from face_alignment_tf.artifacts.model_dir import save_model_dir
from face_alignment_tf.artifacts.model_file import write_model_file
from face_alignment_tf.backbones.mobilenet_v2.network import transfer_weights
from face_alignment_tf.data.errors import DataError, exit_on_data_error
from face_alignment_tf.families.trained_model import TrainedModel
from face_alignment_tf.mobilenet.family import FAMILY


def compose_cascade(cascade_dir: str | Path, stage1_dir: str | Path, output_dir: str | Path) -> str:
    """Writes `cascade_dir`'s latest cascade with `stage1_dir`'s stage 1 into output_dir;
    returns the new checkpoint's prefix."""
    output_dir = Path(output_dir)
    if output_dir.exists():
        raise DataError(output_dir, "already exists (the cascade goes into a new train_dir)")
    cascade, first = (
        TrainedModel(folder, FAMILY).restore() for folder in (cascade_dir, stage1_dir)
    )
    if cascade.model.stages < 2:
        raise DataError(cascade_dir, "is a one-stage model: nothing to put a stage 1 under")
    source = first.model.stage_1
    description = cascade.description  # its model.json, read once by TrainedModel
    sizes = [source.input_size, *cascade.model.input_sizes[1:]]
    config = {**description["config"], "input_sizes": sizes}
    model = FAMILY.build_model(config)
    for index in range(2, model.stages + 1):
        transfer_weights(cascade.model.stage(index), model.stage(index))
    transfer_weights(source, model.stage_1)
    step = checkpoint_step(cascade.checkpoint_path)
    output_dir.mkdir(parents=True)
    prefix = save_model_dir(FAMILY.checkpoint(model), cascade_dir, output_dir, step)
    write_model_file(
        output_dir, FAMILY.name, {**description, "config": config, "stage1_dir": str(stage1_dir)}
    )
    return prefix


if __name__ == "__main__":
    from absl import app, flags

    flags.DEFINE_string("cascade_dir", None, "The trained cascade (train_dir).", required=True)
    flags.DEFINE_string("stage1_dir", None, "The run whose stage 1 goes in.", required=True)
    flags.DEFINE_string("output_dir", None, "The new train_dir (must not exist).", required=True)

    def main(argv):
        del argv
        settings = flags.FLAGS
        print(compose_cascade(settings.cascade_dir, settings.stage1_dir, settings.output_dir))

    app.run(exit_on_data_error(main))

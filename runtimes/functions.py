"""An exported network loaded into a numpy callable: float32 [batch, ...] -> [batch, ...];
an exported pipeline into one of named inputs -> {name: output}.

    predict = load_function("stage_1.tflite")      # LiteRT (XNNPACK), one input, one output
    predict = load_function(content, "tflite")     # a flatbuffer in memory
    outputs = predict(crops)
    cascade = load_pipeline("cascade.onnx")        # face-align export's self-contained graph
    points = cascade(image=image, box=box)["landmarks"]

TFLite runs on ai-edge-litert's interpreter, ONNX on ONNX Runtime, a SavedModel on
TensorFlow (its `serve` endpoint). Each loader imports its runtime only when used.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np

from face_alignment_tf.runtimes.formats import FORMATS

NumpyFunction = Callable[[np.ndarray], np.ndarray]


class LiteRtFunction:
    """A .tflite model (path or flatbuffer bytes) on the LiteRT interpreter: its first
    output, or every output with `outputs`."""

    def __init__(self, model: str | Path | bytes, num_threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        source = (
            {"model_content": model} if isinstance(model, bytes) else {"model_path": str(model)}
        )
        self.interpreter = Interpreter(**source, num_threads=num_threads)
        self.interpreter.allocate_tensors()
        details = self.interpreter.get_input_details()[0]
        self.input, self.input_shape = details["index"], tuple(details["shape"])
        self.output = self.interpreter.get_output_details()[0]["index"]

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        self.interpreter.set_tensor(self.input, np.asarray(inputs, np.float32))
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output)

    def outputs(self, inputs: np.ndarray) -> list[np.ndarray]:
        """Every output tensor, in the model's order."""
        self(inputs)
        return [
            self.interpreter.get_tensor(d["index"]) for d in self.interpreter.get_output_details()
        ]


class OnnxFunction:
    """An .onnx model (path or bytes) on ONNX Runtime's CPU provider."""

    def __init__(self, model: str | Path | bytes, num_threads: int = 1):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = num_threads
        source = model if isinstance(model, bytes) else str(model)
        self.session = onnxruntime.InferenceSession(
            source, options, providers=["CPUExecutionProvider"]
        )
        self.input = self.session.get_inputs()[0].name

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input: np.asarray(inputs, np.float32)})[0]


class SavedModelFunction:
    """A SavedModel folder's `serve` endpoint (the object is held: serve uses its variables)."""

    def __init__(self, model: str | Path, num_threads: int = 1):
        import tensorflow as tf

        del num_threads  # TensorFlow's own thread pools
        self.loaded = tf.saved_model.load(str(model))

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        return self.loaded.serve(np.asarray(inputs, np.float32)).numpy()


class LiteRtPipeline:
    """A .tflite pipeline on LiteRT's signature runner (inputs resized to each call's)."""

    def __init__(self, model: str | Path, num_threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        self.runner = Interpreter(
            model_path=str(model), num_threads=num_threads
        ).get_signature_runner()

    def __call__(self, **inputs: np.ndarray) -> dict[str, np.ndarray]:
        return self.runner(**inputs)


class OnnxPipeline(OnnxFunction):
    """An .onnx pipeline on ONNX Runtime: every output, by name."""

    def __call__(self, **inputs: np.ndarray) -> dict[str, np.ndarray]:
        names = [output.name for output in self.session.get_outputs()]
        return dict(zip(names, self.session.run(names, inputs), strict=True))


class SavedModelPipeline(SavedModelFunction):
    """A SavedModel pipeline's serving signature."""

    def __call__(self, **inputs: np.ndarray) -> dict[str, np.ndarray]:
        outputs = self.loaded.signatures["serving_default"](**inputs)
        return {name: value.numpy() for name, value in outputs.items()}


PIPELINE_LOADERS = {"tflite": LiteRtPipeline, "onnx": OnnxPipeline,
                    "saved_model": SavedModelPipeline}  # fmt: skip

LOADERS = {"tflite": LiteRtFunction, "onnx": OnnxFunction, "saved_model": SavedModelFunction}


def load_function(
    model: str | Path | bytes, export_format: str | None = None, num_threads: int = 1
) -> NumpyFunction:
    """The numpy callable of an exported network; the format from the path's suffix unless
    given (bytes: give it)."""
    if export_format is None:
        if isinstance(model, bytes):
            raise ValueError("give the format of a model held in memory")
        export_format = format_of(model)
    if export_format not in LOADERS:
        raise ValueError(f"format must be one of {sorted(LOADERS)}, got {export_format!r}")
    return LOADERS[export_format](model, num_threads)


def load_pipeline(path: str | Path, num_threads: int = 1) -> Callable[..., dict[str, np.ndarray]]:
    """The callable of an exported pipeline (`runtimes.formats.export_function`): named
    numpy inputs -> {output name: array}; the format from the path's suffix."""
    return PIPELINE_LOADERS[format_of(path)](path, num_threads)


def format_of(path: str | Path) -> str:
    """The export format a path's suffix names (a folder: SavedModel)."""
    suffix = Path(path).suffix
    matches = [name for name, spec in FORMATS.items() if spec.suffix == suffix]
    return matches[0] if matches else "saved_model"


def onnx_tensor_names(path: Path) -> dict[str, list[str]]:
    """The input and output tensor names of an ONNX file (what a runtime feeds and reads)."""
    import onnx

    graph = onnx.load(str(path), load_external_data=False).graph
    initialisers = {tensor.name for tensor in graph.initializer}
    return {
        "input_names": [t.name for t in graph.input if t.name not in initialisers],
        "output_names": [t.name for t in graph.output],
    }

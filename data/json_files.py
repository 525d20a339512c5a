"""Writing JSON files atomically: a reader never sees half a file."""

import json
from pathlib import Path


def write_json_atomically(path: str | Path, content) -> None:
    """Writes `content` as indented JSON to a temporary file, then renames it over `path`."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(content, indent=1))
    temporary.replace(path)

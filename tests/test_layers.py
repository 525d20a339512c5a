"""The layers (README, "Layout"): no import runs upward, families do not import each other,
and every import names the one namespace. Read from the source with `ast`, so it checks
imports inside functions too (only `if TYPE_CHECKING:` blocks are left out)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAMILY_FOLDERS = ("mdm", "hourglass", "mobilenet", "shapenet")
# Bottom to top: a module imports from its own layer or those below it.
LAYERS = (
    ("custom_ops", "data", "config"),
    ("artifacts",),
    ("evaluation", "runtimes", "backbones"),
    ("training",),
    ("families.contract", "families.trained_model"),
    FAMILY_FOLDERS,
    ("families",),
    ("drivers",),
    ("face_alignment_tf",),
)
PACKAGES = {name.split(".")[0] for layer in LAYERS for name in layer} - {"face_alignment_tf"}


def layer_of(module: str) -> int:
    """Index in LAYERS of a dotted name inside face_alignment_tf (without the prefix); the
    longest matching entry wins (families.contract before families)."""
    best, index = "", None
    for level, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > len(best):
                best, index = name, level
    if index is None:  # the front door's own modules: face_alignment_tf.<module>
        return len(LAYERS) - 1
    return index


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "face_alignment_tf":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "face_alignment_tf"


def imports(tree: ast.Module):
    """(line, imported dotted name) of every import, TYPE_CHECKING blocks left out."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def library_files() -> list[Path]:
    folders = [ROOT / name for name in sorted(PACKAGES)] + [ROOT / "face_alignment_tf"]
    return [path for folder in folders for path in sorted(folder.rglob("*.py"))]


def all_sources() -> list[Path]:
    scripts = sorted(ROOT.glob("*.py"))
    return (
        library_files()
        + scripts
        + sorted((ROOT / "bench").glob("*.py"))
        + sorted((ROOT / "tests").glob("*.py"))
    )


def test_the_layers_cover_every_library_folder():
    folders = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert folders == PACKAGES | {"face_alignment_tf"}


def test_no_import_runs_upward_and_families_stay_apart():
    problems = []
    for path in library_files():
        importer = module_name(path)
        for line, name in imports(ast.parse(path.read_text(), str(path))):
            if not name.startswith("face_alignment_tf"):
                continue
            imported = name.removeprefix("face_alignment_tf").removeprefix(".")
            if not imported:
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {name}"
            if layer_of(imported) > layer_of(importer):
                problems.append(f"{where} (upward)")
            family, other = importer.split(".")[0], imported.split(".")[0]
            if family in FAMILY_FOLDERS and other in FAMILY_FOLDERS and family != other:
                problems.append(f"{where} (one family importing another)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", all_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_import_names_the_namespace(path):
    bare = [
        f"{line}: {name}"
        for line, name in imports(ast.parse(path.read_text(), str(path)))
        if name.split(".")[0] in PACKAGES
    ]
    assert not bare, f"{path.relative_to(ROOT)} imports outside face_alignment_tf: {bare}"


def test_layer_of_places_dotted_names():
    assert layer_of("families.contract") < layer_of("mdm.family") < layer_of("families.registry")
    assert layer_of("data.images") == 0
    assert layer_of("cli") == layer_of("face_alignment_tf") == len(LAYERS) - 1

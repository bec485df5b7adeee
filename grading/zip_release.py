"""Zip a module's student notebooks for upload to an LMS: python grading/zip_release.py 00 [--out DIR]."""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from backendlab import course


def zip_release(module: str, out_dir: Path) -> Path:
    """Write <out_dir>/<module>.zip with modules/<module>/ (student versions only) and return its path."""
    name = course.find_module(module)
    source = course.root() / "modules" / name
    files = sorted(p for p in source.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    if not files:
        raise SystemExit(f"{source} has no notebooks: run `make modules` first.")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, Path(name) / path.relative_to(source))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("module")
    parser.add_argument("--out", type=Path, default=course.root() / "grading" / "release")
    args = parser.parse_args(argv)
    print(zip_release(args.module, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

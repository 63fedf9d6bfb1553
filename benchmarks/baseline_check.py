"""The baseline `cmkit check` is measured against: the least a checker must do.

Reads every post, parses its front matter with PyYAML's CSafeLoader and validates
it with a plain Pydantic model. No locations, no rules, no other files.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel


class Post(BaseModel):
    at: datetime
    networks: list[str]
    status: str
    pillar: str | None = None
    format: str | None = None
    media: list[dict[str, str]] = []
    variants: dict[str, str] = {}


def main(root: Path) -> int:
    count = 0
    for path in sorted(root.glob("clients/*/posts/*.md")):
        text = path.read_text("utf-8")
        _, front, _body = text.split("---\n", 2)
        Post.model_validate(yaml.load(front, Loader=yaml.CSafeLoader))
        count += 1
    return count


if __name__ == "__main__":
    print(main(Path(sys.argv[1])), "posts")

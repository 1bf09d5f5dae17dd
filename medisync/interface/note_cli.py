"""``medisync note draft``: a note from any transcript file, by the generator the API uses.

    medisync note draft [--template soap|hp] [--generator extractive|llm] [--json] PATH...

PATH is a dialogue text file (one turn a line, ``[doctor] ...`` / ``[patient] ...``,
as in ACI-Bench) or a transcript JSON in the API's shape (``{"segments": [...]}``,
or a ``GET /transcriptions`` body's ``document``). Without ``--json`` and with one
PATH, the note is printed as plain text with section headings; with ``--json``,
one object per PATH a line: ``{source, template, sections, text, insights, provenance}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from medisync.interface.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    note = commands.add_parser("note", help="draft notes from transcript files")
    actions = note.add_subparsers(dest="note_command", required=True)
    draft = actions.add_parser("draft", help="draft a note from each transcript PATH")
    draft.add_argument("paths", nargs="+", metavar="PATH")
    draft.add_argument("--template", default="soap", help="note template id (soap, hp)")
    draft.add_argument("--generator", default="extractive", help="extractive, or llm when MEDISYNC_LLM_URL is set")
    draft.add_argument("--json", action="store_true", help="one JSON object per PATH a line")
    draft.set_defaults(run=_draft)


def _fail(message: str) -> int:
    print(f"medisync note draft: {message}", file=sys.stderr)
    return 2


def _draft_one(generator: Any, path: Path, template: str) -> dict[str, Any]:
    from medisync.ml.notes.transcript_io import load_transcript

    note = generator.generate(load_transcript(path.read_text(encoding="utf-8")), template=template)
    keep = ("template", "sections", "text", "insights", "provenance")
    return {"source": str(path), **{key: note[key] for key in keep}}


def _draft(args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.bootstrap import build_note_generators
    from medisync.ml.notes.templates import UnknownTemplateError, get_template

    generators = build_note_generators(settings)
    if args.generator not in generators:
        return _fail(f"generator {args.generator!r} is not available (have: {', '.join(sorted(generators))})")
    try:
        get_template(args.template)
    except UnknownTemplateError as error:
        return _fail(str(error))
    if not args.json and len(args.paths) > 1:
        return _fail("several PATHs need --json (one JSON object per PATH a line)")
    for raw in args.paths:
        path = Path(raw)
        try:
            result = _draft_one(generators[args.generator], path, args.template)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            return _fail(f"{raw}: {error}")
        print(json.dumps(result) if args.json else result["text"])
    return 0

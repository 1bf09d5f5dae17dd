"""Offline SOAP-note drafting from ASR transcripts (``ExtractiveNoteGenerator``).

Importing this package is cheap: lexicons, jellyfish and rapidfuzz are loaded
on first use, never at import time.
"""

from __future__ import annotations

from .generator import GENERATOR_VERSION, ExtractiveNoteGenerator, empty_insights

__all__ = ["ExtractiveNoteGenerator", "GENERATOR_VERSION", "empty_insights"]

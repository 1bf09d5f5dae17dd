"""No PHI in logs in either format: an exception is logged as its type and frames, never its message
(a database error's DETAIL line quotes the failing row)."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from medisync.interface.http.observability import JsonFormatter, TextFormatter

ROW = 'new row violates check constraint DETAIL: Failing row contains (Wilhelmina, Quarrington, 1957-03-29)'


def _record_with_exception() -> logging.LogRecord:
    try:
        raise ValueError(ROW)
    except ValueError:
        return logging.LogRecord("medisync.test", logging.ERROR, __file__, 1, "view failed at %s", (42,),
                                 sys.exc_info())


@pytest.mark.parametrize("formatter", [TextFormatter(), JsonFormatter()], ids=["text", "json"])
def test_an_exception_is_logged_without_its_message(formatter: logging.Formatter) -> None:
    line = formatter.format(_record_with_exception())
    assert "Quarrington" not in line and "Wilhelmina" not in line and "1957" not in line
    assert "view failed at 42" in line and "ValueError" in line
    assert "_record_with_exception" in line  # the frames are kept for the operator


def test_text_left_by_another_handler_is_not_reused() -> None:
    record = _record_with_exception()
    record.exc_text = ROW  # what logging's default formatter caches on the record
    assert "Quarrington" not in TextFormatter().format(record)


def test_the_json_line_stays_one_object() -> None:
    doc = json.loads(JsonFormatter().format(_record_with_exception()))
    assert doc["exc_type"] == "ValueError" and doc["level"] == "ERROR"

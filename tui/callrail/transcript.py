"""A call's conversational transcript, phrase by phrase, held as cheaply as possible."""

from __future__ import annotations

import sys
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

from .coerce import list_or_empty, to_int, to_str


class TranscriptPhrase:
    """One phrase of a conversational transcript: ``speaker``, ``phrase``, ``start`` (and any other keys
    the API sends, in ``extra``).

    Not a pydantic model: a day's calls hold ~100,000 phrases, and a model instance (its ``__dict__``,
    fields-set and extras) costs ~550 bytes more than these slots. Validated and serialized like the
    lenient models (a dict in, the keys that came in out)."""

    __slots__ = ("extra", "phrase", "speaker", "start")

    def __init__(
        self,
        speaker: str | None = None,
        phrase: str | None = None,
        start: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        # two speakers repeat over every phrase: share one string for each
        self.speaker = sys.intern(speaker) if type(speaker) is str and len(speaker) < 32 else speaker
        self.phrase = phrase
        self.start = start
        self.extra = extra or None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TranscriptPhrase:
        extra = {key: value for key, value in raw.items() if key not in _PHRASE_KEYS}
        return cls(to_str(raw.get("speaker")), to_str(raw.get("phrase")), to_int(raw.get("start")), extra)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.speaker is not None:
            out["speaker"] = self.speaker
        if self.phrase is not None:
            out["phrase"] = self.phrase
        if self.start is not None:
            out["start"] = self.start
        if self.extra:
            out.update(self.extra)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TranscriptPhrase):
            return NotImplemented
        return (self.speaker, self.phrase, self.start, self.extra) == (
            other.speaker,
            other.phrase,
            other.start,
            other.extra,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TranscriptPhrase(speaker={self.speaker!r}, phrase={self.phrase!r}, start={self.start!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        def validate(value: Any) -> TranscriptPhrase:
            if isinstance(value, TranscriptPhrase):
                return value
            if isinstance(value, dict):
                return cls.from_dict(value)
            raise ValueError("a transcript phrase is an object")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda phrase: phrase.to_dict(), when_used="always"
            ),
        )


_PHRASE_KEYS = frozenset({"speaker", "phrase", "start"})


def phrases_or_empty(value: Any) -> list[TranscriptPhrase]:
    """The transcript's phrases; items that are not objects are dropped."""
    return [
        item if isinstance(item, TranscriptPhrase) else TranscriptPhrase.from_dict(item)
        for item in list_or_empty(value)
        if isinstance(item, TranscriptPhrase | dict)
    ]

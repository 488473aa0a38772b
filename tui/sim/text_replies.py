"""Callers who answer: a text sent through the API is answered now and then, after a short delay.

Whether a text is answered, how soon and with what come from the seed, the conversation and how many
messages it had, so a run is the same every time whatever else happened in it. One answer is pending
per conversation at a time: three texts sent in a row get one reply, as a person would give.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from tui.sim import scripts
from tui.sim.day_plan import PlannedText
from tui.sim.state import Conversation
from tui.sim.timeline import Timeline

# The seconds a reply takes: a person who has the phone at hand, most within a minute or two.
DELAY_MEDIAN_S = 60.0
DELAY_S = (15.0, 300.0)


class TextReplies:
    def __init__(self, seed: int, chance: float, timeline: Timeline) -> None:
        """``chance``: how likely a caller is to answer a text (0: never)."""
        self._seed = seed
        self._chance = chance
        self._timeline = timeline
        self._pending: dict[str, datetime] = {}  # conversation id -> when its answer comes

    def after_sent(self, conversation: Conversation, text: PlannedText, at: datetime) -> datetime | None:
        """The business sent ``text`` in ``conversation`` at ``at``: plan the caller's answer, if any;
        when it comes."""
        pending = self._pending.get(conversation.id)
        if pending is not None and pending > at:
            return None
        rng = random.Random(f"{self._seed}:reply:{conversation.id}:{len(conversation.messages)}")
        if rng.random() >= self._chance:
            return None
        delay = min(DELAY_S[1], max(DELAY_S[0], rng.lognormvariate(math.log(DELAY_MEDIAN_S), 0.7)))
        answer_at = at + timedelta(seconds=delay)
        answer = PlannedText(
            text.company_id, text.customer, text.tracker_id, "incoming", rng.choice(scripts.ANSWERS_TO_TEXTS)
        )
        self._timeline.schedule(answer_at, "text_in", answer)
        self._pending[conversation.id] = answer_at
        return answer_at

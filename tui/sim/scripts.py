"""What people say: call transcripts, voicemails, summaries and text messages for each industry."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tui.sim.state import Enrichment, TranscriptLine


@dataclass(frozen=True)
class Reason:
    keyword: str  # spotted keyword and call highlight
    ask: str  # the caller's first sentence after the greeting
    detail: str  # the caller's answer to the agent's question
    question: str
    close: str  # the agent's closing offer
    tag: str
    summary: str  # what the caller wanted, for the AI summary


REASONS: dict[str, tuple[Reason, ...]] = {
    "plumbing": (
        Reason(
            "water heater",
            "Hi, my water heater is leaking all over the basement floor.",
            "It's a gas one, maybe twelve years old, and there's no hot water at all now.",
            "Is it gas or electric, and do you know how old it is?",
            "We can have a technician there between two and four today.",
            "Water Heater",
            "a leaking twelve-year-old gas water heater with no hot water",
        ),
        Reason(
            "clogged drain",
            "Hey, we have a clogged drain, the kitchen sink is backing up.",
            "We tried a plunger and some drain cleaner, nothing worked.",
            "Have you tried anything on it yet?",
            "I can book a drain cleaning tomorrow morning, eight to ten.",
            "Booked",
            "a kitchen drain that is backed up after trying a plunger",
        ),
        Reason(
            "burst pipe",
            "I've got a burst pipe under the bathroom, water everywhere!",
            "Yes, I shut the main valve off, but the ceiling below is wet.",
            "First, were you able to shut off the main water valve?",
            "This is an emergency, a plumber is on the way within the hour.",
            "Emergency",
            "an emergency burst pipe with water damage to the ceiling below",
        ),
        Reason(
            "estimate",
            "Hi, I'd like an estimate for repiping an older house.",
            "It's a two-story from the 1920s, still galvanized pipes I think.",
            "How big is the house and roughly how old?",
            "I'll have our estimator call you to set up a free visit.",
            "Quote Requested",
            "an estimate to repipe a 1920s two-story house",
        ),
    ),
    "dental": (
        Reason(
            "new patient",
            "Hi, I'd be a new patient and I wanted to book a cleaning.",
            "I have Delta Dental through my work.",
            "Welcome! Do you have dental insurance we should check?",
            "We have an opening next Tuesday at ten, does that work?",
            "New Patient",
            "booking a first cleaning as a new patient with Delta Dental",
        ),
        Reason(
            "toothache",
            "Hi, I have a really bad toothache on the lower left side.",
            "It started two days ago and it's worse when I drink something cold.",
            "I'm sorry to hear that. How long has it been hurting?",
            "Dr. Hale can see you today at three for an emergency exam.",
            "Booked",
            "a painful lower-left toothache, sensitive to cold for two days",
        ),
        Reason(
            "insurance",
            "Hi, I wanted to check whether you take Cigna insurance.",
            "It's Cigna DPPO, through my husband's employer.",
            "Sure, which Cigna plan are you on?",
            "Yes, we're in network, I can get you scheduled whenever you like.",
            "Insurance Question",
            "whether the practice is in network for a Cigna DPPO plan",
        ),
        Reason(
            "reschedule",
            "Hi, I need to reschedule my appointment on Thursday.",
            "Anything next week in the morning would be great.",
            "No problem, what days work better for you?",
            "I've moved you to Monday at nine, you'll get a reminder text.",
            "Existing Customer",
            "moving Thursday's appointment to a morning next week",
        ),
    ),
    "roofing": (
        Reason(
            "hail damage",
            "Hi, after the storm last night I think we have hail damage on the roof.",
            "There are shingles in the yard and a dent in the gutters.",
            "Sorry to hear it. What are you seeing from the ground?",
            "We can send an inspector Thursday and help with the insurance claim.",
            "Storm Damage",
            "hail damage after last night's storm, shingles down and dented gutters",
        ),
        Reason(
            "roof leak",
            "Hi, we have a roof leak, water is coming into the upstairs bedroom.",
            "It's an asphalt shingle roof, about eighteen years old.",
            "What kind of roof is it, and how old?",
            "I'll get a crew out tomorrow to tarp it and take a look.",
            "Booked",
            "a leak into an upstairs bedroom under an eighteen-year-old shingle roof",
        ),
        Reason(
            "estimate",
            "Hi, I'd like an estimate for a full roof replacement.",
            "Around twenty-two hundred square feet, one story ranch.",
            "Happy to help. Roughly how big is the house?",
            "Our estimator can measure it Saturday morning, free of charge.",
            "Estimate",
            "quotes for a full roof replacement on a one-story ranch",
        ),
    ),
    "law": (
        Reason(
            "car accident",
            "Hi, I was in a car accident on the 405 last week and I need a lawyer.",
            "I went to urgent care, my neck and back still hurt.",
            "I'm sorry. Were you injured, and have you seen a doctor?",
            "An attorney can do a free consultation with you tomorrow at eleven.",
            "Personal Injury",
            "a rear-end collision on the 405 with neck and back injuries",
        ),
        Reason(
            "consultation",
            "Hi, I'd like to set up a consultation about a will and a trust.",
            "We have two kids and own a house in Pasadena.",
            "Of course. Can you tell me a little about your situation?",
            "I can put you with Ms. Kim on Friday afternoon.",
            "Consultation",
            "a consultation on a will and living trust for a family with a house",
        ),
        Reason(
            "slip and fall",
            "Hi, I had a slip and fall at a grocery store and broke my wrist.",
            "It happened three weeks ago, I have photos and the incident report.",
            "That sounds painful. When did it happen, and do you have any records?",
            "Please bring the photos to a free consultation Monday at two.",
            "Personal Injury",
            "a slip and fall at a grocery store that broke the caller's wrist",
        ),
    ),
}

VOICEMAILS = (
    "Hi, this is {name}, I'm calling about {topic}. Please call me back at {phone}. Thanks.",
    "Hey, it's {name}. I was hoping to talk to someone about {topic}. You can reach me at {phone}.",
    "Hello, my name is {name}, I need help with {topic} as soon as possible. My number is {phone}.",
)

TEXTS_AFTER_MISSED = (
    "Hi, I just called about {topic}, can someone call me back?",
    "Tried calling, no answer. Need help with {topic}.",
    "Hi this is {name}, I called a minute ago about {topic}. Text me back please",
)
TEXTS_AFTER_ANSWERED = (
    "Thanks for your help on the phone! See you then.",
    "Can you text me the address please?",
    "Just confirming the appointment time, thanks!",
)
TEXTS_COLD = (
    "Hi, do you have anything available this week for {topic}?",
    "Hello, what are your hours on Saturday?",
    "How much do you charge for {topic}?",
)
CUSTOMER_REPLIES = ("Ok thanks!", "Sounds good", "Perfect, see you then", "Can we do a bit later?")
# A caller's answer to a text the app sent.
ANSWERS_TO_TEXTS = (
    "Ok thanks!",
    "Sounds good",
    "Yes, tomorrow morning works for me",
    "Can we do a bit later?",
    "What time would that be?",
    "Great, thank you so much",
    "How much will that cost?",
    "Is there anything sooner?",
)
AGENT_REPLY_MISSED = (
    "Hi {name}, this is {agent} from {company}. Sorry we missed you! When is a good time to call back?"
)
AGENT_REPLY_OFFER = (
    "Hi {name}, {agent} at {company} here. We can help with {topic}, would tomorrow morning work?"
)
AGENT_REPLY_THANKS = "Thanks {name}! {agent} from {company}. We'll see you then."
STOP_WORDS = ("STOP", "Stop", "stop", "UNSUBSCRIBE")
OPT_OUT_KEYWORDS = ("STOP", "CANCEL", "UNSUBSCRIBE", "QUIT", "END")
OPT_OUT_NOTICE = "Reply STOP to unsubscribe."

SENTIMENTS = ("positive", "neutral", "negative")


def pick_reason(rng: random.Random, industry: str) -> Reason:
    return rng.choice(REASONS[industry])


def spoken_phone(phone: str) -> str:
    digits = phone[-10:]
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def answered_enrichment(
    rng: random.Random, reason: Reason, company: str, agent: str, caller: str, talk_seconds: int
) -> Enrichment:
    lines = [
        ("agent", f"Thank you for calling {company}, this is {agent}, how can I help you?"),
        ("caller", f"{reason.ask} My name is {caller}."),
        ("agent", reason.question),
        ("caller", reason.detail),
        ("agent", reason.close),
        ("caller", "That works, thank you so much."),
        ("agent", f"You're welcome, {caller}. Have a good day."),
    ]
    transcript = _timed(lines, talk_seconds)
    agent_share = rng.randint(40, 65)
    good = talk_seconds >= 90 and rng.random() < 0.35
    return Enrichment(
        recording_duration=talk_seconds,
        transcript=transcript,
        summary=(
            f"{caller} called {company} about {reason.summary}. {agent} asked follow-up questions "
            f"and offered: {reason.close.rstrip('.')}. The caller agreed."
        ),
        sentiment=rng.choices(SENTIMENTS, weights=(6, 3, 1))[0],
        highlights=[reason.keyword, reason.close.rstrip(".")],
        keywords=[reason.keyword],
        speaker_percent={"agent": agent_share, "customer": 100 - agent_share},
        lead_score=rng.choice(("good", "very good")) if good else rng.choice(("fair", "poor")),
        tag_names=[reason.tag] if rng.random() < 0.6 else [],
        lead_status="good_lead" if good else None,
    )


def outbound_enrichment(
    rng: random.Random, reason: Reason, company: str, agent: str, caller: str, talk_seconds: int
) -> Enrichment:
    """An agent calling a customer back."""
    lines = [
        ("caller", "Hello?"),
        (
            "agent",
            f"Hi {caller}, this is {agent} from {company}, returning your call about the {reason.keyword}.",
        ),
        ("caller", f"Oh, thanks for calling back. {reason.detail}"),
        ("agent", reason.close),
        ("caller", "Great, thank you."),
    ]
    agent_share = rng.randint(45, 70)
    return Enrichment(
        recording_duration=talk_seconds,
        transcript=_timed(lines, talk_seconds),
        summary=f"{agent} called {caller} back about {reason.summary}. Offered: {reason.close}",
        sentiment=rng.choices(SENTIMENTS, weights=(6, 3, 1))[0],
        highlights=[reason.keyword],
        keywords=[reason.keyword],
        speaker_percent={"agent": agent_share, "customer": 100 - agent_share},
        lead_score=None,
        tag_names=[],
        lead_status=None,
    )


def voicemail_enrichment(
    rng: random.Random, reason: Reason, caller: str, phone: str, seconds: int
) -> Enrichment:
    text = rng.choice(VOICEMAILS).format(name=caller, topic=reason.keyword, phone=spoken_phone(phone))
    return Enrichment(
        recording_duration=seconds,
        transcript=[TranscriptLine("caller", text, 0)],
        summary=f"Voicemail from {caller} about {reason.summary}; asks for a call back.",
        sentiment="neutral",
        highlights=[reason.keyword],
        keywords=[reason.keyword],
        speaker_percent={"agent": 0, "customer": 100},
        lead_score=None,
        tag_names=["Callback Needed"],
        lead_status=None,
    )


def _timed(lines: list[tuple[str, str]], total_seconds: int) -> list[TranscriptLine]:
    words = [len(phrase.split()) for _, phrase in lines]
    scale = total_seconds / max(1, sum(words))
    result, elapsed = [], 0.0
    for (speaker, phrase), count in zip(lines, words, strict=True):
        result.append(TranscriptLine(speaker, phrase, int(elapsed)))
        elapsed += count * scale
    return result


def transcription_text(transcript: list[TranscriptLine], voicemail: bool) -> str:
    if voicemail:
        return " ".join(line.phrase for line in transcript)
    return " ".join(
        f"{'Agent' if line.speaker == 'agent' else 'Caller'}: {line.phrase}" for line in transcript
    )


def has_opt_out_keyword(content: str) -> bool:
    words = {word.strip(".,!?;:").upper() for word in content.split()}
    return any(keyword in words for keyword in OPT_OUT_KEYWORDS)


def is_stop_message(content: str) -> bool:
    return content.strip().upper() in OPT_OUT_KEYWORDS


def with_opt_out_notice(content: str) -> str:
    """What CallRail sends for a first text that names no opt-out keyword."""
    text = content.rstrip()
    if text and text[-1] not in ".!?":
        text += "."
    return f"{text} {OPT_OUT_NOTICE}" if text else OPT_OUT_NOTICE

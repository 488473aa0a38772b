"""The optional call fields (``fields=``) the app asks for: a light set for lists, a full set for one call."""

LIST_CALL_FIELDS = (
    "call_type",
    "formatted_call_type",
    "company_id",
    "company_name",
    "company_time_zone",
    "created_at",
    "source",
    "source_name",
    "medium",
    "campaign",
    "tracker_id",
    "first_call",
    "prior_calls",
    "total_calls",
    "lead_status",
    "tags",
    "note",
    "value",
    "formatted_customer_location",
    "formatted_tracking_source",
    "formatted_customer_name",
    "formatted_customer_name_or_phone_number",
    "formatted_customer_phone_number",
    "formatted_duration",
    "formatted_value",
    "agent_email",
    # Short post-call indicators: with ``recording`` and ``recording_duration`` (default fields) they show
    # in the list poll when a call's post-call data has arrived, so no call needs a read of its own for
    # that. The bulky transcript stays in DETAIL_CALL_FIELDS, read when the call is opened.
    "call_summary",
    "sentiment",
)
DETAIL_CALL_FIELDS = (
    *LIST_CALL_FIELDS,
    "transcription",
    "conversational_transcript",
    "keywords_spotted",
    "call_highlights",
    "landing_page_url",
    "referring_url",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "speaker_percent",
    "milestones",
)

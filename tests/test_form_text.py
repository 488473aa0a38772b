"""A form's fields as shown: literal and clean always; while masked, personal fields hidden outright and
numbers, addresses and the sender's name hidden in free text."""

from tui.callrail.models import FormSubmission
from tui.form_text import contact, field_value, form_label, mask_email, who

FORM = FormSubmission.model_validate(
    {
        "id": "FRM1",
        "form_url": "https://www.example.com/contact-us/?utm=x",
        "form_data": {"Full name": "Maria Delgado", "E-mail": "maria@example.net", "Tel": "512.555.0198"},
    }
)


def field(key: str, value: object, *, mask: bool = True) -> str:
    return field_value(FORM, key, value, mask=mask)


def test_personal_fields_are_hidden_whole_and_free_text_in_part():
    assert field("Tel", "512.555.0198") == "•••-•••-0198"
    assert field("Your name", "Maria Delgado") == "M. D."
    assert field("Street address", "12 Elm St") == "•••"
    assert field("Email address", "maria@example.net") == "m•••@•••.net"
    note = field("message", "Maria here: 512-555-0198, maria@example.net. Leak under the sink.")
    assert note == "M. here: •••-•••-0198, m•••@•••.net. Leak under the sink."
    assert field("service", "water heater") == "water heater"


def test_unmasked_values_are_literal_but_clean_and_odd_values_are_json():
    assert field("note", "[b]hi[/b]\x1b[31m!\x1b]0;t\x07", mask=False) == "[b]hi[/b]!"
    assert field("rooms", ["kitchen", 2], mask=False) == '["kitchen", 2]'
    assert field("Tel", "", mask=True) == ""


def test_who_contact_and_label():
    assert who(FORM, mask=False) == "Maria Delgado" and who(FORM, mask=True) == "M. D."
    assert contact(FORM, mask=False) == "512-555-0198" and contact(FORM, mask=True) == "•••-•••-0198"
    assert form_label(FORM) == "/contact-us"
    assert mask_email("write to a.b@mail.example.org or c@d") == "write to a•••@•••.org or c•••@•••.•••"

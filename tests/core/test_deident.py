"""The de-identification check flags likely patient identifiers and leaves clinical
text alone."""

from __future__ import annotations

import pytest

from casebook.core.deident import check_case, check_text


@pytest.mark.parametrize(
    ("text", "kind", "flagged"),
    [
        ("Mr. John Smith, 54, presented with chest pain.", "name", "Mr. John Smith"),
        ("Seen with Mrs Okafor in clinic", "name", "Mrs Okafor"),
        ("Patient: Maria Lopez was admitted", "name", "Patient: Maria Lopez"),
        ("DOB 12/03/1961, non-smoker", "birth date", "DOB 12/03/1961"),
        ("date of birth: 1961-03-12", "birth date", "date of birth: 1961-03-12"),
        ("admitted on 3 March 2024", "date", "3 March 2024"),
        ("admitted on March 3, 2024", "date", "March 3, 2024"),
        ("follow-up 2024-05-17", "date", "2024-05-17"),
        ("A 94-year-old woman", "age", "94-year-old"),
        ("call 020 7946 0958", "phone", "020 7946 0958"),
        ("Collapsed; call 020 7946 0958.", "phone", "020 7946 0958"),
        ("call +44 20 7946 0958", "phone", "+44 20 7946 0958"),
        ("MRN: 00123456", "record", "MRN: 00123456"),
        ("NHS number 943 476 5919", "record", "NHS number 943 476 5919"),
        ("ref 12345678", "record", "12345678"),
        ("write to jane.doe@example.org", "email", "jane.doe@example.org"),
        ("lives at 221B Baker Street", "address", "221B Baker Street"),
        ("London NW1 6XE", "postcode", "NW1 6XE"),
    ],
)
def test_identifiers_are_flagged(text: str, kind: str, flagged: str) -> None:
    found = check_text(text, "body")
    assert [(f.kind, f.text) for f in found][:1] == [(kind, flagged)], found
    assert found[0].field == "body"
    assert text[found[0].start : found[0].end].strip() == flagged


@pytest.mark.parametrize(
    "text",
    [
        "A 34-year-old runner collapsed at mile 20; QTc 480 ms, troponin 0.04 ng/mL.",
        "BP 120/80, HR 72, SpO2 97 %, temperature 38.2 °C.",
        "ECG on day 3 showed ST elevation in V1-V3. Hb 13.2 g/dL, platelets 250 x 10^9/L.",
        "Dr. Alice Moreau (cardiology) suggests an MRI.",
        "Seen in 2023; follow-up at 6 months; 1.5 mg/kg twice daily.",
        "Echo: EF 35 %, LVEDD 62 mm; NYHA class III; CHA2DS2-VASc 4.",
        "The patient was admitted. Patient is stable.",
    ],
)
def test_clinical_text_is_left_alone(text: str) -> None:
    assert check_text(text) == []


def test_a_case_is_checked_field_by_field() -> None:
    found = check_case(
        "Syncope in Mr. Brown",
        {"history": "DOB 01/02/1950", "findings": "QTc 510 ms"},
        "Reach me at 0612345678",
        ["cardiology"],
    )
    assert [(f.field, f.kind) for f in found] == [
        ("title", "name"),
        ("history", "birth date"),
        ("body", "record"),
    ]
    assert found[0].describe() == "title: a name after a title — “Mr. Brown”"

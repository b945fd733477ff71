"""`checks.consent` compares the consent's keys without building a set (issue 15): the same
answer as the check before, on generated consents of every subset of the keys of 1.0 and 1.1
(and one stranger), with valid and invalid values."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.domain import keys
from agent_app.domain.messages import Text
from agent_app.domain.validation import checks


def _before(value: Any) -> Text | None:
    """The check as it was written before issue 15's change."""
    if not isinstance(value, dict) or set(value) not in (checks._CONSENT_1_0, checks._CONSENT_1_1):
        return checks._NO_CONSENT
    version = value["text_version"]
    if not isinstance(version, str) or not version.strip() or checks._TEXT_100(version) is not None:
        return checks._NO_CONSENT
    if checks.iso_datetime(value["given_at"]) is not None:
        return checks._NO_CONSENT
    if set(value) == checks._CONSENT_1_0:
        return None
    if checks.sha256_hex(value["text_sha256"]) is not None:
        return Text.of("The consent text's hash is not a SHA-256.")
    method, signature = value["method"], value["signature_sha256"]
    if method == keys.ConsentMethod.SIGNATURE.value:
        if checks.sha256_hex(signature) is not None:
            return Text.of("A signed consent needs its signature.")
        return None
    if method == keys.ConsentMethod.TICK.value and signature is None:
        return None
    return Text.of("Consent is given by a tick or a signature.")


_SHA = "ab" * 32
_VALUES = {
    "text_version": st.sampled_from(["2026-01", "", " ", "x" * 101, "a\x00b", 7, None]),
    "given_at": st.sampled_from(
        ["2026-12-06T10:00:00+07:00", "2026-12-06T10:00:00", "0001-01-01T00:00:00+07:00", 3]
    ),
    "text_sha256": st.sampled_from([_SHA, "AB" * 32, None, 1]),
    "method": st.sampled_from(["tick", "signature", "other", None]),
    "signature_sha256": st.sampled_from([_SHA, None, "x"]),
    "extra": st.just(1),
}
_CONSENTS = st.one_of(
    st.fixed_dictionaries({}, optional=_VALUES),
    st.fixed_dictionaries({k: _VALUES[k] for k in checks._CONSENT_1_0}),
    st.fixed_dictionaries({k: _VALUES[k] for k in checks._CONSENT_1_1}),
    st.sampled_from([None, [], "consent", ("text_version", "given_at")]),
)


@settings(max_examples=500, deadline=None)
@given(_CONSENTS)
def test_the_same_answer_as_before(value: Any) -> None:
    assert checks.consent(value) == _before(value)


def test_the_two_shapes_and_a_missing_key() -> None:
    at = "2026-12-06T10:00:00+07:00"
    assert checks.consent({"text_version": "1", "given_at": at}) is None
    one_one = {"text_version": "1", "given_at": at, "text_sha256": _SHA}
    assert checks.consent({**one_one, "method": "tick", "signature_sha256": None}) is None
    assert checks.consent({**one_one, "method": "tick"}) == checks._NO_CONSENT
    assert checks.consent({"given_at": at}) == checks._NO_CONSENT

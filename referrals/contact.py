"""How to reach a resident who asked to be contacted: a phone number checked and written one way, or an email.

Numbers are read as people type them (07700 900123, +44 7700 900123, (020) 7946 0018, 0044...), as UK numbers
unless they start with a country code, and refused kindly when they cannot be a real number. They are kept in
E.164 (+447700900123), the one form every system can dial, and shown the way the country writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from directory.messages import N_, FieldError

REGION = "GB"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PHONE_LIMIT, EMAIL_LIMIT = 40, 254


@dataclass(frozen=True)
class Phone:
    e164: str  # what is kept: +447700900123

    @property
    def shown(self) -> str:
        """As the country writes it: 07700 900123 for a UK number, +33 1 23 45 67 89 for a French one."""
        number = phonenumbers.parse(self.e164)
        form = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 44
                else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return phonenumbers.format_number(number, form)


def phone(typed: str, field: str = "phone") -> Phone:
    """The number someone typed, checked; FieldError saying what to change when it cannot be one."""
    tidy = typed.strip()
    if not tidy:
        raise FieldError(field, N_("Enter a phone number, like 07700 900123."))
    if len(tidy) > PHONE_LIMIT:
        raise FieldError(field, N_("Enter a phone number, like 07700 900123."))
    try:
        number = phonenumbers.parse(tidy, REGION)
    except phonenumbers.NumberParseException:
        raise FieldError(field, N_("Enter a phone number, like 07700 900123.")) from None
    # Valid, or a UK number of the right length: the validity tables refuse Ofcom's drama numbers (07700 900xxx),
    # which people are shown as examples, and can lag new ranges; a wrong length is what a typing slip makes.
    uk_length = number.country_code == 44 and len(phonenumbers.national_significant_number(number)) == 10
    if not (phonenumbers.is_valid_number(number) or uk_length):
        raise FieldError(field, N_("Check the phone number: it has too few or too many digits for a real one."))
    return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def email(typed: str, field: str = "email") -> str:
    tidy = typed.strip()
    if not EMAIL.match(tidy) or len(tidy) > EMAIL_LIMIT:
        raise FieldError(field, N_("Enter an email address, like name@example.com."))
    return tidy

"""Words that mean someone may be in danger now, in the languages the portal speaks.

Checked before anything else, whether or not the assistant is running: a resident who writes that they
want to die is answered at once with emergency numbers, never with a search. It errs towards caution;
the assistant's own crisis intent catches phrasings these patterns miss.
"""

from __future__ import annotations

import re

_PATTERNS = [
    # English
    r"\b(kill|hurt|harm)(ing)? (my ?self|myself)\b", r"\bsuicid", r"\bend (it all|my life)\b",
    r"\b(want|wanna|going) to die\b", r"\bdon'?t want to (live|be alive)\b", r"\btake my (own )?life\b",
    r"\boverdose", r"\btaken too many (pills|tablets)\b", r"\b(hitting|beating|attacking|strangling) me\b",
    r"\b(going|trying) to kill me\b", r"\bin danger\b", r"\bnot safe (at home|now|here)\b",
    # Polish, Portuguese, Spanish, French
    r"\bzabi(ć|c) si(ę|e)\b", r"\bsi(ę|e) zabi(ć|c)\b", r"\bsamob[oó]j", r"\bnie chc(ę|e) (ju(ż|z) )?(ż|z)y(ć|c)\b",
    r"\bme matar\b", r"\bsuic[ií]d", r"\bquero morrer\b", r"\bmatarme\b", r"\bquiero morir",
    r"\bme tuer\b", r"\benvie de mourir\b",
    # Turkish, Somali, Arabic, Bengali
    r"\bkendimi öldür", r"\bintihar", r"\bölmek istiyorum\b",
    r"\bis dil\b", r"\bisdil\b", r"\bwaan rabaa inaan dhinto\b",
    r"انتحار", r"أقتل نفسي", r"اقتل نفسي", r"أريد أن أموت", r"اريد ان اموت",
    r"আত্মহত্যা", r"মরে যেতে চাই",
    # someone hitting me, as "hitting me" above: Polish, Spanish, Portuguese, French, Turkish, Somali, Arabic, Bengali
    r"\bbije mnie\b", r"\bme pega\b", r"\bme bate\b", r"\bme frappe\b", r"\bbeni dövüyor", r"\bi garaaca\b",
    r"يضربني", r"আমাকে মারে",
]
_CRISIS = re.compile("|".join(_PATTERNS), re.IGNORECASE)


def sounds_like_crisis(text: str) -> bool:
    return bool(_CRISIS.search(text or ""))

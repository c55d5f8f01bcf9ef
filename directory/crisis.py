"""Words that mean someone may be in danger now, in the languages the portal speaks.

Checked before anything else, whether or not the assistant is running: a resident who writes that they
want to die is answered at once with emergency numbers, never with a search. It errs towards caution;
the assistant's own crisis intent catches phrasings these patterns miss.
"""

from __future__ import annotations

import re

_PATTERNS = [
    # English
    r"\bkill(ing)? (my ?self|myself)\b", r"\bsuicid", r"\bend (it all|my life)\b",
    r"\b(want|wanna|going) to die\b", r"\bdon'?t want to (live|be alive)\b", r"\btake my (own )?life\b",
    r"\boverdose", r"\btaken too many (pills|tablets)\b", r"\b(hitting|beating|attacking|strangling) me\b",
    r"\b(going|trying) to kill me\b", r"(?<!not )\bin danger\b", r"\bnot safe (at home|now|here)\b",
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
# Someone's life at risk now, as 999 is for, the same kinds in every language: pills or poison taken, someone
# not breathing or who will not wake, a weapon or a threat to kill or harm, a child in danger, about to jump.
_EMERGENCIES = [
    # English
    r"\b(took|taken|swallowed|had|necked) (a |the )?(whole|all|entire|full|every)( (box|pack|packet|bottle|lot|strip))?"
    r"( of)?( my| the| his| her)? (pills|tablets|paracetamol|meds|medication|painkillers)",
    r"\bnot breath(ing|e)\b", r"\b(can'?t|cannot|won'?t|will not|doesn'?t|does not|isn'?t) (wake|breath|breathing)",
    r"\bunconscious\b", r"\bwith a (knife|gun|machete|weapon)\b",
    r"\b(he|she|they|someone|somebody|mum|mom|dad|nan|friend|husband|wife|partner|son|daughter|baby)"
    r"('s| has| is| just)? collapsed\b",
    r"\bthreat(en|ening|ens)( me| us)? (to|with) (kill|hurt|harm|stab|shoot|a knife|a gun)",
    r"\b(hurt|harm|kill|take) (the|my|our|his|her) (kids|children|child|baby|son|daughter)\b(?! (to|for) )",
    r"\b(jump|jumping) (off|from|in front)\b", r"\bwant to jump\b",
    # Wishing to go to sleep and never wake up, in each language
    r"\bsleep and (never|not) wake( up)?\b", r"\bdormir e n(ã|a)o acordar", r"\bdormir y no despertar",
    r"\bzasn(ąć|ac) i (si(ę|e) )?nie obudzi(ć|c)", r"\buyuyup (bir daha )?uyanmamak",
    r"\bdormir et ne (pas|plus) me r(é|e)veiller",
    r"(أنام|انام) (و ?ما|ولا|وما) (أصحى|اصحى|أصحو|اصحو)", r"\bseexdo oo aan (soo )?toosin",
    # Polish
    r"po(ł|l)kn(ąłe|ęła|ela|ał|el|ęłam|elam|ąłem|alem)\w*", r"\bca(ł|l)(e|ą|a) opakowanie\b", r"\bnie oddycha",
    r"\bnieprzytomn", r"\bnie mo(ż|z)(na|e|emy) (go|jej|jego) obudzi(ć|c)", r"\bno(ż|z)em\b",
    r"\bzrobi(ć|c)? krzywd(ę|e)", r"\bgrozi,? (ż|z)e (mnie |nas )?zabije", r"\bskoczy(ć|c) z (mostu|okna|dachu)",
    # Portuguese
    r"\bengoli\b", r"\b(caixa|cartela|embalagem) inteira\b", r"\bn(ã|a)o (respira|acorda)\b", r"\binconsciente\b",
    r"\bdesmaiou\b", r"\bamea(ç|c)ando\b", r"\bfazer mal (a|à|pra|para) (ela|ele|eles|elas)\b",
    r"\bcom uma faca\b", r"\b(pular|saltar|me jogar) da ponte\b",
    # Spanish
    r"\bno respira\b", r"\bno (se )?despierta\b", r"\bse desmay(ó|o)\b", r"\bamenaz(a|ando) con\b",
    r"\bcon un cuchillo\b", r"\bhacer(les|le) da(ñ|n)o\b", r"\bme tom(é|e) (todas|toda|una caja)",
    r"\btragu?(é|e) (todas|toda|una caja)", r"\btirarme (del|de un|de la) (puente|ventana|edificio)",
    # Turkish
    r"\buyanm(ı|i)yor\b", r"\bnefes alm(ı|i)yor\b", r"\bnefesi (ç|c)ok yava(ş|s)", r"\bbay(ı|i)ld(ı|i)\b",
    r"\bbilin(ç|c)siz", r"\bzarar verece(ğ|g)", r"\b(ö|o)ld(ü|u)rece(ğ|g)", r"\bb(ı|i)(ç|c)akla\b",
    r"\b(b(ü|u)t(ü|u)n|t(ü|u)m) haplar(ı|i)", r"\bk(ö|o)pr(ü|u)den atla",
    # Somali
    r"\bma(na)? neefsan", r"\bneefsan mayso\b", r"\bmiyir( la'aan|beel)",
    r"\bwaxyeello u geysto\b", r"\bku hanjabay", r"\bmindi\b", r"\bkiniinada oo dhan\b",
    # Arabic, and Arabic written in Latin letters
    r"بلعت", r"(علبة|علبه|شريط) (باراسيتامول|حبوب|دواء|ادوية|أدوية) (كامل|كاملة|كامله)", r"كل الحبوب",
    r"(لا|ما|مش) (يتنفس|بيتنفس|تتنفس|بتتنفس)", r"فاقد الوعي|مغمى عليه|مغمي عليه|أغمي عليه|اغمي عليه",
    r"(يهددني|بيهددني|يهددنا) (ب|بال)", r"بسكين", r"(يؤذي|يأذي|يقتل) (الأطفال|الاطفال|أطفالي|اطفالي|ابني|بنتي|ولادي)",
    r"أرمي نفسي|ارمي نفسي", r"\b7oboob\b", r"\bkol el 7ob",
    # French, Bengali
    r"\bne respire (pas|plus)\b", r"\binconscient", r"\bavalé (toute|tous|une boîte)", r"\bavec un couteau\b",
    r"শ্বাস নিচ্ছে না", r"অজ্ঞান", r"সব ওষুধ খেয়ে", r"ছুরি নিয়ে",
]
_CRISIS = re.compile("|".join(_PATTERNS + _EMERGENCIES), re.IGNORECASE)


# Hurting oneself, unless the resident says they do not want to: "I don't want to hurt myself, but I need to
# talk to someone" asks for support, and the crisis answer would hide it.
_SELF_HARM = re.compile(r"\b(hurt|harm)(ing)? (my ?self|myself)\b", re.IGNORECASE)
_NOT = re.compile(r"\b(don'?t|dont|do not|not|never|won'?t|wont)\b[^.!?]{0,25}$", re.IGNORECASE)


def sounds_like_crisis(text: str) -> bool:
    text = text or ""
    if _CRISIS.search(text):
        return True
    return any(not _NOT.search(text[:found.start()]) for found in _SELF_HARM.finditer(text))

"""Privacy prompts: likely personal identifiers in narrative text, with suggested rewrites.

Pure and advisory: the editor highlights what ``find_identifiers`` reports and
offers the suggestion; nothing is ever blocked. Kinds: full names after titles
or in "name:" / "named" / "called" phrases, dates of birth (a full date next to
"DOB", "born", "date of birth"), UK postcodes, UK phone numbers, e-mail
addresses and NHS numbers (only with a valid Modulus 11 check digit).

Every pattern has bounded repetition and is anchored by a look-behind, so a
2 MB paste is scanned in linear time. Offsets index the text as given (no
normalisation), so right-to-left text, emoji and combining marks keep their
places. Bare first names ("Tyler said...") are out of scope: they cannot be told
from ordinary capitalised words without a list of names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

REMOVED = "[removed]"
GENERIC_NAME = "[name]"
GENERIC_DOB = "[date of birth]"


class IdentifierKind(StrEnum):
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    NHS_NUMBER = "nhs_number"


#: when two findings overlap and are as long as each other, the earlier kind here wins
_PRIORITY = {k: i for i, k in enumerate((
    IdentifierKind.EMAIL, IdentifierKind.NHS_NUMBER, IdentifierKind.PHONE,
    IdentifierKind.POSTCODE, IdentifierKind.DATE_OF_BIRTH, IdentifierKind.NAME))}


@dataclass(frozen=True)
class Finding:
    """``text[start:end]`` is probably an identifier; ``suggestion`` could replace it."""

    start: int
    end: int
    kind: IdentifierKind
    text: str
    suggestion: str
    alternatives: tuple[str, ...] = ()


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# -- names --------------------------------------------------------------------------------
_TITLE = re.compile(r"\b(Mrs|Mr|Ms|Miss|Mx|Dr|MRS|MR|MISS|MX)\b\.?")  # not "MS": sclerosis
_LABEL = re.compile(r"\b(?:(?:full |first |last |sur|given |family |maiden )?name|aka)"
                    r"(?:[ \t]{0,3}[:\-–][ \t]{0,3}|[ \t]{1,3}(?:is|was)\b[ \t]{1,3})", re.I)
_NAMED = re.compile(r"\b(?:named|called|known as|aka)[ \t]{1,3}")
_WORD = re.compile(r"[^\W\d_][\w\u0300-\u036f'’\-]{0,40}")
_GAP = re.compile(r"[ \t\u00a0]{1,3}")
_LAST_WORD = re.compile(r"([^\W\d_]+)[ \t'’]{1,3}$")
_HOUSE_STREET = re.compile(r"\b[0-9]{1,4}[A-Za-z]?,?[ \t]{1,3}(?:[A-Z][a-z]{1,20}[ \t]{1,3}){1,3}$")

#: capitalised words that follow a title or "called" without being a name
_NOT_NAMES = _wordset("""
a an and as at but by for from he her his i if in is it its of on or our she so that the their
them then there they this to was we were what when where who will with you your yes no not
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
council team teams service services police school schools college hospital centre center court
trust surgery practice nhs health children children's family families social care duty unit
ward office department authority agency panel board committee clinic nursery academy
mr mrs ms miss mx dr
men tumble motivator blobby piggy potato
""")
#: lower-case surname particles, part of a name between a title and a capitalised word
_PARTICLES = _wordset("van von de der den da di du del della la le al el bin ibn ter ten")
#: a capitalised run followed by one of these is an organisation ("Leeds City Council")
_ORG_WORDS = _wordset("""
council school academy college hospital centre center court trust surgery practice team
service services police nursery clinic university unit ward road street lane avenue drive
""")
#: "School name: ..." names a place, not a person
_ORG_LABELS = _ORG_WORDS | {"project", "organisation", "organization", "setting", "file", "case",
                            "company", "programme", "course", "group", "user", "display", "team"}


def _name_word(word: str, first: bool) -> bool:
    if len(word) < 2 or word.lower() in _NOT_NAMES or not word[0].isupper():
        return False
    if word.isupper():
        return first and len(word) >= 2  # "Mrs SMITH", never "Dr Patel GP"
    return True


def _trim(word: str) -> str:
    for tail in ("'s", "’s", "'", "’", "-"):
        if word.endswith(tail):
            word = word[: -len(tail)]
    return word


def _name_run(text: str, pos: int) -> tuple[int, list[str]]:
    """Name words (and initials before them) starting at ``pos``: (end, words)."""
    words: list[str] = []
    end, pending, i = pos, [], pos
    for _ in range(5):
        m = _WORD.match(text, i)
        if not m:
            break
        word = _trim(m.group())
        stop = m.start() + len(word)
        if len(word) == 1 and word.isupper():  # an initial, with or without a full stop
            if stop < len(text) and text[stop] == ".":
                stop += 1
            pending.append(word)
        elif word in _PARTICLES:  # "Mr van der Berg": kept only if a name word follows
            pending.append(word)
        elif _name_word(word, first=not words):
            words += [*pending, word]
            pending, end = [], stop
        else:
            break
        if word != m.group():  # "Patel's", "Smith-": the name ends here
            break
        gap = _GAP.match(text, stop)
        if not gap:
            break
        i = gap.end()
    return end, words


def _initials(title: str, words: list[str]) -> str:
    """"Mrs Jane Smith" -> "J.S."; "Mrs Smith" -> "Mrs S." (one initial alone reads oddly)."""
    caps = [w for w in words if w not in _PARTICLES]
    if len(caps) == 1 and title:
        return f"{title[0]}{title[1:].lower()} {caps[0][0]}."
    return "".join(f"{w[0]}." for w in caps)


def _word_before(text: str, pos: int) -> str:
    m = _LAST_WORD.search(text, max(0, pos - 40), pos)
    return m.group(1).lower() if m else ""


def _word_after(text: str, pos: int) -> str:
    gap = _GAP.match(text, pos)
    m = _WORD.match(text, gap.end()) if gap else None
    return _trim(m.group()).lower() if m else ""


def _names(text: str) -> list[Finding]:
    out = []
    for pattern, titled in ((_TITLE, True), (_LABEL, False), (_NAMED, False)):
        for m in pattern.finditer(text):
            if titled and m.group(1) == "Dr" and _HOUSE_STREET.search(text, max(0, m.start() - 60),
                                                                       m.start()):
                continue  # "12 Acacia Dr": a drive, not a doctor
            gap = _GAP.match(text, m.end()) if titled else None
            if titled and not gap:
                continue
            if not titled and pattern is _LABEL and _word_before(text, m.start()) in _ORG_LABELS:
                continue
            end, words = _name_run(text, gap.end() if gap else m.end())
            if not any(len(w) > 1 for w in words):
                continue  # "Mr X", "Dr A": already anonymous
            if _word_after(text, end) in _ORG_WORDS:
                continue  # "called Leeds City Council"
            start = m.start() if titled else m.end()
            title = m.group(1) if titled else ""
            out.append(Finding(start, end, IdentifierKind.NAME, text[start:end],
                               _initials(title, words), (GENERIC_NAME,)))
    return out


# -- dates of birth -----------------------------------------------------------------------
_FULL_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTHS = {m[:3]: i for i, m in enumerate(_FULL_MONTHS, 1)}
_MONTH_NAMES = {m[:3]: m for m in _FULL_MONTHS}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?"
_DATE = re.compile(
    r"(?<![0-9/.\-])(?:"
    r"(?P<d1>[0-9]{1,2})(?P<sep>[/.\-])(?P<m1>[0-9]{1,2})(?P=sep)(?P<y1>[0-9]{4}|[0-9]{2})"
    r"|(?P<y2>[0-9]{4})-(?P<m2>[0-9]{2})-(?P<d2>[0-9]{2})"
    r"|(?P<d3>[0-9]{1,2})(?:st|nd|rd|th)?(?:[ \t]{1,3}of)?[ \t]{1,3}(?P<m3>" + _MONTH
    + r"),?[ \t]{1,3}(?P<y3>[0-9]{4})"
    r"|(?P<m4>" + _MONTH + r")[ \t]{1,3}(?P<d4>[0-9]{1,2})(?:st|nd|rd|th)?,?[ \t]{1,3}"
    r"(?P<y4>[0-9]{4})"
    r")(?![0-9])", re.I)
_DOB_BEFORE = re.compile(
    r"(?:\bd\.?[ ]?o\.?[ ]?b\b\.?|\bdate[ \t]{1,3}of[ \t]{1,3}birth|\bborn|\bbirth[ \t]?date"
    r"|\bbirthday)[ \t]{0,3}(?:[:\-–—(,][ \t]{0,3})?(?:(?:is|was|on|of)[ \t]{1,3})?"
    r"(?:the[ \t]{1,3})?$", re.I)
_DOB_AFTER = re.compile(r"[ \t]{0,3}\([ \t]{0,3}(?:d\.?o\.?b\.?|date of birth)[ \t]{0,3}\)", re.I)


def _month(word: str) -> int:
    """1-12 for "Mar", "March", "Sept."; 0 for "Marketing"."""
    w = word.rstrip(".").lower()
    full = _MONTH_NAMES.get(w[:3], "")
    return _MONTHS[w[:3]] if full.startswith(w) or w == "sept" else 0


def _parse_date(m: re.Match[str], today: date | None) -> date | None:
    g = m.groupdict()
    for d, mo, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), ("d3", "m3", "y3"), ("d4", "m4", "y4")):
        if g[d] is None:
            continue
        month = int(g[mo]) if g[mo].isdigit() else _month(g[mo])
        year = int(g[y])
        if len(g[y]) == 2:  # 12/03/19: this century unless that is in the future
            pivot = today.year % 100 if today else 30
            year += 2000 if year <= pivot else 1900
        try:
            return date(year, month, int(g[d]))
        except ValueError:
            return None
    return None


def age_phrase(born: date, today: date) -> str | None:
    """'age 7', or 'age 14 months' under two; None for a date after ``today``."""
    if born > today:
        return None
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return f"age {months} months" if months < 24 else f"age {months // 12}"


def _dates_of_birth(text: str, today: date | None) -> list[Finding]:
    out = []
    for m in _DATE.finditer(text):
        before = _DOB_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if not before and not _DOB_AFTER.match(text, m.end()):
            continue
        born = _parse_date(m, today)
        if born is None:
            continue
        age = age_phrase(born, today) if today else None
        out.append(Finding(m.start(), m.end(), IdentifierKind.DATE_OF_BIRTH, m.group(),
                           age or GENERIC_DOB, (GENERIC_DOB,) if age else ()))
    return out


# -- postcodes, phone numbers, e-mail, NHS numbers ------------------------------------------
_POSTCODE = re.compile(
    r"(?<![\w\-/])(?:(?P<gir>GIR)[ \u00a0]?0AA|(?P<out>[A-Z][0-9]{1,2}|[A-Z][A-HJ-Y][0-9]{1,2}"
    r"|[A-Z][0-9][A-Z]|[A-Z][A-HJ-Y][0-9][A-Z]?)[ \u00a0]?(?P<in>[0-9][ABD-HJLNP-UW-Z]{2}))"
    r"(?![\w\-/])", re.I)
_ORDINAL = re.compile(r"[0-9](?:st|nd|rd|th)")
_PHONE = re.compile(r"(?<![\w+])(?:\+44[ \-]?(?:\(0\)[ \-]?)?|\(?0)"
                    r"(?P<rest>[1237](?:[ \-)]{0,2}[0-9]){7,10})(?![0-9])")
_EMAIL = re.compile(r"(?<![\w.%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}"
                    r"(?:\.[A-Za-z0-9\-]{1,63}){1,8}")
_NHS = re.compile(r"(?<![\w+\-/])([0-9]{3})([ \-]?)([0-9]{3})\2([0-9]{4})(?![\w\-/])")
_DIGITS = re.compile(r"[0-9]")


def nhs_number_valid(number: str) -> bool:
    """Ten digits whose last is the Modulus 11 check digit of the first nine."""
    digits = [int(c) for c in number if c.isdigit() and c.isascii()]
    if len(digits) != 10 or len(set(digits)) == 1:  # "0000000000" passes the sum, is not issued
        return False
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=False)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


def _postcodes(text: str) -> list[Finding]:
    out = []
    for m in _POSTCODE.finditer(text):
        inward = m.group("in") or "0AA"
        if inward.islower() and _ORDINAL.fullmatch(inward):
            continue  # "B2 3rd floor"
        district = "GIR" if m.group("gir") else m.group("out").upper()
        out.append(Finding(m.start(), m.end(), IdentifierKind.POSTCODE, m.group(), district,
                           ("[postcode]",)))
    return out


def _phone_end(text: str, m: re.Match[str]) -> int | None:
    """End of the first valid UK number at the start of the candidate, if any."""
    rest = m.start("rest")  # after "0", "(0" or "+44 (0)": the trunk 0 is implied
    spots = [rest, *(d.end() for d in _DIGITS.finditer(text, rest, m.end()))]
    digits = "0" + "".join(text[e - 1] for e in spots[1:])
    for n in (11, 10):
        if len(digits) >= n and (digits[:2] in ("01", "02", "03", "07") if n == 11
                                 else digits.startswith("01")):
            return spots[n - 1]
    return None


def _phones(text: str) -> list[Finding]:
    out = []
    for m in _PHONE.finditer(text):
        end = _phone_end(text, m)
        if end is not None:
            out.append(Finding(m.start(), end, IdentifierKind.PHONE, text[m.start():end], REMOVED,
                               ("[phone number]",)))
    return out


def _emails(text: str) -> list[Finding]:
    out = []
    for m in _EMAIL.finditer(text):
        value = m.group()
        while "." in value.split("@")[1] and not re.fullmatch(r"[A-Za-z]{2,24}",
                                                              value.rsplit(".", 1)[1]):
            value = value.rsplit(".", 1)[0]  # "x@y.org.123" -> "x@y.org"
        if "." in value.split("@")[1]:
            out.append(Finding(m.start(), m.start() + len(value), IdentifierKind.EMAIL, value,
                               REMOVED, ("[e-mail address]",)))
    return out


def _nhs_numbers(text: str) -> list[Finding]:
    return [Finding(m.start(), m.end(), IdentifierKind.NHS_NUMBER, m.group(), REMOVED,
                    ("[NHS number]",))
            for m in _NHS.finditer(text) if nhs_number_valid(m.group())]


def _resolve(found: list[Finding]) -> list[Finding]:
    """Non-overlapping findings in text order: the longer wins, then the kind's priority."""
    found.sort(key=lambda f: (f.start, -(f.end - f.start), _PRIORITY[f.kind]))
    out: list[Finding] = []
    for f in found:
        if out and f.start < out[-1].end:
            last = out[-1]
            if (f.end - f.start, -_PRIORITY[f.kind]) > (last.end - last.start, -_PRIORITY[last.kind]):
                out[-1] = f
            continue
        out.append(f)
    return out


def find_identifiers(text: str, *, today: date | None = None) -> list[Finding]:
    """Likely identifiers in ``text``, in order, not overlapping.

    ``today`` turns a date of birth's suggestion into an age ("age 7").
    """
    if not text:
        return []
    found = [*_emails(text), *_nhs_numbers(text), *_phones(text), *_postcodes(text),
             *_dates_of_birth(text, today), *_names(text)]
    return _resolve(found)

"""People's names in case text, found from what surrounds them.

No list holds every surname, so a name is flagged where the words around it say it is
one: after a title ("Mrs Jones"), after "patient"/"pt" ("Patient is John Smith",
"pt: john smith"), after a relative or carer ("his son, Daniel Wright"), before an age
("John Smith, a 52 year old"), after "called"/"named", as "Surname, Given", or as a common
given name followed by a capitalised word ("Laura Martinez"). Clinicians are left alone
("Dr Patel in cardiology", "Prof. Brenner's trial") and so are eponyms ("Murphy's sign",
"Parkinson's disease"): a given name must open the name, and a following "'s", "disease",
"syndrome" or "hospital" means it is not a person here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from casebook.core.library.deident.rules import Hit

# Common given names across the languages of Casebook's users, lower case. Names that
# are also everyday or clinical words are left out (Will, Mark, May, Grace, Frank, Max,
# Iris, Addison...): they would flag ordinary sentences.
FIRST_NAMES = frozenset(
    """
    aaron abdul abdullah abigail abraham adam adebayo adeola adrian adriana agnes ahmad
    ahmed aisha akira alan albert alberto alejandro alex alexander alexandra alexis alfred
    ali alice alicia alison amanda amara amelia amina amir amit amy ana anders andrea andreas
    andrew andrzej angela angelo anil anita ann anna anne annie anthony antoine antonio anya
    arjun arthur ashley audrey ava barbara beatrice ben benjamin bernard beth bethany betty
    beverley bilal boris brandon brenda brian bridget bruce bruno caitlin callum cameron
    camille carl carla carlos carmen caroline carolyn catherine cecilia charles charlie
    charlotte chen chiara chidi chinedu chloe chris christina christine christopher claire
    clara claude colin connor craig cynthia daisy dale damian daniel daniela danielle david
    deborah debra deepak denise dennis derek diana diane diego dimitri dmitri dominic donald
    donna doris dorothy douglas duncan dylan edward eileen elaine eleanor elena eli elias
    elif elijah elizabeth ella ellen ellie emily emma emmanuel enrique eric erik erin ethan
    eugene eva evelyn fatima federica felix fernando fiona florence francesca francesco
    francis francisco franz freya gabriel gabriela gareth gary gavin geoffrey george gerald
    gerard gillian giovanni giulia giuseppe gloria gordon graham greg gregory gustav hamza
    hannah hans harold harriet harry hassan heather helen helena henry hiroshi hugo ian
    ibrahim igor ingrid irene isaac isabel isabella isabelle ivan jacob jacqueline jakub
    james jamie jan jane janet janice jasmine jason javier jean jeffrey jennifer jeremy
    jessica jiang joan joanna joanne joe joel johan johannes john jonathan jordan jorge jose
    josef joseph joshua joyce juan judith julia julian julie justin kamal karen karim karl
    kate katherine kathleen kathryn katie kayode keith kelly kenneth kevin khalid kieran kim
    kirsty klaus krishna kumar kurt kwame kyle lars laura lauren leah leo leon leonardo
    lewis liam lily linda lisa liu lorenzo louis louise lucas lucia lucy luigi luis luka
    lukas lydia magdalena maria marie marina mario marion marta martha martin mary maryam
    matteo matthew maureen megan mehmet mei melanie melissa mia michael michelle miguel
    mikhail mohamed mohammad mohammed monica muhammad nadia naomi natalia natasha nathan
    neil ngozi nicholas nicola nicole niamh nigel nikolai nina noah nora oliver olivia omar
    oscar owen pablo pamela paolo patricia patrick paul paula pauline pedro peter philip
    philippe pierre pietro piotr priya rachel rahul raj rajesh ramon rebecca richard rita
    robert roberto rohan roger ronald rosa ruth ryan sadia samantha samir samuel sandra
    sanjay sara sarah sean sebastian sergei shahid shannon sharon sheila shirley simon sofia
    sophia sophie stefan stella stephanie stephen steven stuart susan suzanne sven sylvia
    tamara tanya tatiana teresa thomas timothy tobias tom tomasz tony tracey tracy ursula
    valentina vanessa vera veronica victor victoria vikram vincent wang wei wendy william
    wojciech xavier yasmin yusuf yvonne zainab zara zoe zofia
    """.split()
)
# Capitalised words that are not names even where a name could stand.
_NOT_NAMES = frozenset(
    """
    the a an this that these those he she his her him they their we our i it its on in at
    of and or but if as is was has had to for with from by after before during today
    yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december christmas
    easter dr doctor prof professor nurse sister consultant registrar st saint mr mrs ms
    miss patient pt case ward bed room unit stage grade type class score day week year
    jehovah jehovah's witness catholic muslim christian jewish hindu sikh buddhist english
    french spanish german polish italian portuguese chinese arabic urdu punjabi bengali
    hindi romanian russian turkish british irish scottish welsh indian pakistani nigerian
    african caribbean asian european american thanks thank hi hello dear yes no agree
    agreed sorry well also however ok okay cheers great good sure indeed morning evening
    afternoon note plan impression assessment history examination diagnosis summary
    presenting complaint background medications allergies social family see re fyi
    """.split()
)
# After a name, words that make it an eponym or a place, not a person.
_NOT_AFTER = re.compile(
    r"^(?:'s|’s|')?(?:\s+(?:disease|syndrome|sign|test|score|criteria|hospital|infirmary|"
    r"clinic|centre|center|institute|university|college|ward|unit|house|trust|foundation|"
    r"school|street|road|avenue|lane|palsy|phenomenon|reflex|manoeuvre|maneuver|operation|"
    r"procedure|classification|scale|rule|law|triad|tumou?r|ulcer|fracture|node|"
    r"ambulance|wort)\b)",
    re.IGNORECASE,
)
_CLINICIAN_BEFORE = re.compile(
    r"\b(?:Dr|Doctor|Prof|Professor|Nurse|Sister|Consultant|Registrar|Dame|Sir|St|Saint|"
    r"Rev|Fr)\.?\s+$"
)

# A capitalised word of a name: "Jones", "O'Brien", "Müller", "McDonald", "J. Smith".
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_CAP = (
    rf"(?:[A-Z]\.\s*)?[{_UPPER}](?:[{_LOWER}]+|[{_LOWER}]*['’\-][{_UPPER}{_LOWER}][{_LOWER}]+)"
    rf"(?:[A-Z][{_LOWER}]+)?"
)
_LOW = r"[a-zß-öø-ÿ][a-zß-öø-ÿ'’\-]+"
_TITLE = (
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Mister|Madam|Master|Herr|Frau|Mme|Mlle|Madame|Mademoiselle|"
    r"Monsieur|Sra|Srta|Señor|Señora|Signor|Signora|Sigra|Dhr|Mevr)\.?|M\.)"
)
_RELATIVE = (
    r"(?:son|daughter|wife|husband|partner|spouse|mother|father|mum|mom|dad|brother|sister|"
    r"sibling|aunt|uncle|niece|nephew|grandson|granddaughter|grandmother|grandfather|"
    r"grandchild|cousin|stepson|stepdaughter|carer|caregiver|guardian|friend|neighbou?r|"
    r"fianc[ée]e?|boyfriend|girlfriend|next\s+of\s+kin|NOK)"
)
_AGE_AFTER = r"(?:,\s*|\s*\(\s*|\s+(?:is|was)\s+(?:a|an)\s+|,\s*(?:a|an|aged|age)\s+)(\d{1,3})\b"

# (what, pattern, whether the first word must be a given name). The pattern's group 1 is
# the name (group 2 an age); rules in a lookahead see every start, so "Seen Sarah Bennett"
# is not lost to a first try at "Seen Sarah".
_RULES: list[tuple[str, re.Pattern[str], bool]] = [
    ("a name after a title", re.compile(rf"\b{_TITLE}\s+{_CAP}(?:\s+{_CAP})?"), False),
    (
        "a name after “patient”",
        re.compile(
            rf"(?:\b(?i:patient|client|resident)(?:'s)?(?:\s+(?i:name))?\s*(?:(?i:is|was|named|"
            rf"called)\s+|[:,\-]\s*)|\b(?i:pt)\.?(?:\s+(?i:name))?\s*(?:(?i:is|was)\s+|[:,\-]\s*|\s+))"
            rf"({_CAP}(?:\s+{_CAP}){{0,2}}(?:,\s*{_CAP})?)"
        ),
        False,
    ),
    (
        "a name after “patient”",
        re.compile(rf"(?i:\b(?:pt|patient|name|patient\s+name)\s*:\s*)({_LOW}(?:\s+{_LOW})?)"),
        True,
    ),
    (
        "a name (a relative or carer)",
        re.compile(
            rf"\b(?i:{_RELATIVE})(?:'s)?\s*,?\s*\(?(?:(?i:named|called|is|was)\s+)?"
            rf"({_CAP}(?:\s+{_CAP})?)"
        ),
        False,
    ),
    (
        "a name (called or known as)",
        re.compile(
            rf"\b(?i:named|called|known(?:\s+to\s+\w+)?\s+as|goes\s+by)\s+({_CAP}(?:\s+{_CAP})?)"
        ),
        True,
    ),
    ("a name before an age", re.compile(rf"(?=\b({_CAP}\s+{_CAP}){_AGE_AFTER})"), False),
    ("a name before an age", re.compile(rf"(?=\b({_CAP}){_AGE_AFTER})"), True),
    ("a name (surname, given name)", re.compile(rf"(?=\b({_CAP},\s+{_CAP})\b)"), False),
    ("a name", re.compile(rf"(?=\b({_CAP}\s+{_CAP}))"), True),
]


def names(text: str) -> Iterator[Hit]:
    for what, pattern, given_first in _RULES:
        titled = what == "a name after a title"
        for m in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            start, end = m.span(group)
            words = [_bare(w) for w in m.group(group).split()]
            if what == "a name (surname, given name)":
                if words[-1] not in FIRST_NAMES:
                    continue
            elif given_first and words[0] not in FIRST_NAMES:
                continue
            if any(w in _NOT_NAMES for w in (words[1:] if titled else words)):
                continue
            before = text[max(0, start - 14) : start]
            if _NOT_AFTER.match(text[end : end + 20]) or (
                not titled and _CLINICIAN_BEFORE.search(before)
            ):
                continue
            if what == "a name" and re.search(r"\b(?:by|with)\s+$", before):
                continue  # "agree with Lukas Brenner": a colleague
            yield "name", what, start, end
            if "age" in what and int(m.group(2)) >= 90:
                yield "age", "an age over 89", m.start(2), m.end(2)


def _bare(word: str) -> str:
    """A word as the lists hold it: lower case, without a possessive or punctuation."""
    return re.sub(r"['’]s$|s'$", "", word.strip(",.()")).lower()

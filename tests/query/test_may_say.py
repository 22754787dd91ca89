"""``may_say``, the quick scan before a case-blind regex: it may answer yes when the regex
finds nothing, never no when it finds something (Unicode letters that such a regex takes for
ASCII ones included)."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_profiles import bounded

from jixiao.service.query.text import may_say

WORDS = ("service", "load", "limit", "offset", "now", "rand", "uuid", "bnode")
# Every letter outside ASCII that a case-blind regex matches with an ASCII letter.
LOOKALIKES = [
    chr(code)
    for code in range(128, sys.maxunicode + 1)
    if any(
        re.fullmatch(letter, chr(code), re.IGNORECASE) for letter in "abcdefghijklmnopqrstuvwxyz"
    )
]


def test_the_lookalikes_are_the_ones_it_knows() -> None:
    assert len(LOOKALIKES) == 4
    assert all(may_say(f"x{c}x", ("zzz",)) for c in LOOKALIKES)


@st.composite
def _spelled(draw: st.DrawFn) -> str:
    """One of the words, each letter in either case or, where there is one, a lookalike."""
    word = draw(st.sampled_from(WORDS))
    letters = []
    for letter in word:
        like = [c for c in LOOKALIKES if re.fullmatch(letter, c, re.IGNORECASE)]
        letters.append(draw(st.sampled_from([letter, letter.upper(), *like])))
    return "".join(letters)


_PIECES = st.one_of(
    _spelled(), st.text(min_size=0, max_size=6), st.sampled_from(["中文", "# ", "\n"])
)


@bounded(500)
@given(pieces=st.lists(_PIECES, max_size=8), words=st.lists(st.sampled_from(WORDS), min_size=1))
def test_it_never_says_no_where_the_regex_finds_one(pieces: list[str], words: list[str]) -> None:
    text = "".join(pieces)
    regex = re.compile("|".join(words), re.IGNORECASE)
    if regex.search(text):
        assert may_say(text, tuple(words)), text


def test_it_says_no_to_a_text_without_them() -> None:
    text = "# 项目绩效目标\nSELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
    assert not may_say(text, ("limit", "offset", "service"))
    assert may_say(text + " LiMiT 5", ("limit", "offset"))

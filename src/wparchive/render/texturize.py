"""WordPress's `wptexturize()` (6.1, wp-includes/formatting.php), ported line by line: curly quotes,
apostrophes, primes, dashes, the ellipsis and `&#215;` in text, never inside `pre`, `code`, `kbd`,
`style`, `script` or `tt`. Raw content needs it so that its clean text is the one the site shows.

PCRE's variable-width lookbehinds are written as alternations of fixed-width ones, its `\\Z` (end, or
before a final newline) as `\\n?\\Z`, and its conditional `\\d(?(?<=0)A|B)` as `(?:0A|[1-9]B)`.
tests/integration/test_autop.py compares it with the real function through php-cli.
"""

from __future__ import annotations

import re

_A = re.ASCII
OPEN_Q, CLOSE_Q = "&#8220;", "&#8221;"
OPEN_SQ, CLOSE_SQ, APOS = "&#8216;", "&#8217;", "&#8217;"
PRIME, DOUBLE_PRIME = "&#8242;", "&#8243;"
EN_DASH, EM_DASH = "&#8211;", "&#8212;"
_OPEN_Q_FLAG, _OPEN_SQ_FLAG, _APOS_FLAG = "<!--oq-->", "<!--osq-->", "<!--apos-->"

_COCKNEY = "'tain't,'twere,'twas,'tis,'twill,'til,'bout,'nuff,'round,'cause,'em".split(",")
_STATIC = [("...", "&#8230;"), ("``", OPEN_Q), ("''", CLOSE_Q), (" (tm)", " &#8482;")] + [
    (word, word.replace("'", "&#8217;")) for word in _COCKNEY]

_SP = r"(?:[\r\n\t \xa0]|&nbsp;)"  # wp_spaces_regexp()
_AFTER_SP = r"(?:(?<=[\r\n\t \xa0])|(?<=&nbsp;))"  # (?<=SP)
_END = r"\n?\Z"
_CLOSERS = r"(?=" + _END + r"|[.,:;!?)}\-\]]|&gt;|" + _SP + ")"

_APOS_RULES = [
    (re.compile(r"'(\d\d)'" + _CLOSERS, _A), _APOS_FLAG + r"\1" + CLOSE_SQ),
    (re.compile(r"'(\d\d)\"" + _CLOSERS, _A), _APOS_FLAG + r"\1" + CLOSE_Q),
    (re.compile(r"'(?=\d\d(?:" + _END + r"|(?![%\d]|[.,]\d)))", _A), _APOS_FLAG),
    (re.compile(r"(?:\A|" + _AFTER_SP + r")'(\d[.,\d]*)'", _A), _OPEN_SQ_FLAG + r"\1" + CLOSE_SQ),
    (re.compile(r"(?:\A|(?<=[(\[{\"\-\r\n\t \xa0])|(?<=&lt;)|(?<=&nbsp;))'", _A), _OPEN_SQ_FLAG),
    (re.compile(r"(?<![\r\n\t \xa0])(?<!&nbsp;)'(?!" + _END + r"|[.,:;!?\"'(){}\[\]\-]|&[lg]t;|" + _SP + ")",
                _A), _APOS_FLAG),
]
_QUOTE_RULES = [
    (re.compile(r"(?:\A|" + _AFTER_SP + r")\"(\d[.,\d]*)\"", _A), _OPEN_Q_FLAG + r"\1" + CLOSE_Q),
    (re.compile(r"(?:\A|(?<=[(\[{\-\r\n\t \xa0])|(?<=&lt;)|(?<=&nbsp;))\"(?!" + _SP + ")", _A), _OPEN_Q_FLAG),
]
_DASH_RULES = [
    (re.compile(r"---", _A), EM_DASH),
    (re.compile(r"(?:^|" + _AFTER_SP + r")--(?=$|" + _SP + ")", _A), EM_DASH),
    (re.compile(r"(?<!xn)--", _A), EN_DASH),
    (re.compile(r"(?:^|" + _AFTER_SP + r")-(?=$|" + _SP + ")", _A), EN_DASH),
]
_TIMES_HINT = re.compile(r"(?<=\d)x\d", _A)
_TIMES = re.compile(r"\b((?:0[\d.,]+|[1-9][\d.,]*))x(\d[\d.,]*)\b", _A)
_AMPERSAND = re.compile(r"&(?!#(?:\d+|x[a-f0-9]+);|[a-z1-4]{1,8};)", _A | re.IGNORECASE)
_SHORTCODE_NAMES = re.compile(r"\[/?([^<>&/\[\]\x00-\x20=]+)", _A)
_HTML = r"<(?:(?=!--)!(?:-(?!->)[^\-]*+)*+(?:-->)?|[^>]*>?)"
_SPLIT_HTML = re.compile("(" + _HTML + ")", _A)

NO_TEXTURIZE_TAGS = ("pre", "code", "kbd", "style", "script", "tt")
NO_TEXTURIZE_SHORTCODES = ("code",)


def _shortcode_regex(names: list[str]) -> str:
    tags = "(?:" + "|".join(map(re.escape, names)) + r")(?=[\s\]/])"
    return r"\[[/\[]?" + tags + r"(?:[^\[\]<>]+|<[^\[\]>]*>)*+\]\]?"


def _push_pop(text: str, stack: list[str], disabled: tuple[str, ...]) -> None:
    """_wptexturize_pushpop_element(): track open no-texturize elements."""
    if len(text) > 1 and text[1] != "/":
        opening, offset = True, 1
    elif not stack:
        return
    else:
        opening, offset = False, 2
    space = text.find(" ")
    name = text[offset:-1] if space < 0 else text[offset:space]
    if name in disabled:
        if opening:
            stack.append(name)
        elif stack[-1] == name:
            stack.pop()


def _primes(haystack: str, needle: str, prime: str, open_quote: str, close_quote: str) -> str:
    """wptexturize_primes(): closing quotes versus primes (feet and inches) after digits."""
    flag = "<!--wp-prime-or-quote-->"
    quote_pattern = re.compile(re.escape(needle) + _CLOSERS, _A)
    prime_pattern = re.compile(r"(?<=\d)" + re.escape(needle), _A)
    sentences = haystack.split(open_quote)
    for key, sentence in enumerate(sentences):
        if needle not in sentence:
            continue
        if key != 0 and close_quote not in sentence:
            sentence, count = quote_pattern.subn(flag, sentence)
            if count > 1:
                sentence, count2 = re.subn(r"(?<!\d)" + re.escape(flag), close_quote, sentence, flags=_A)
                if count2 == 0:
                    pos = sentence.rfind(flag + ".") if flag + "." in sentence else sentence.rfind(flag)
                    sentence = sentence[:pos] + close_quote + sentence[pos + len(flag):]
                sentence = prime_pattern.sub(prime, sentence)
                sentence = re.sub(r"(?<=\d)" + re.escape(flag), prime, sentence, flags=_A)
                sentence = sentence.replace(flag, close_quote)
            elif count == 1:
                sentence = sentence.replace(flag, close_quote)
                sentence = prime_pattern.sub(prime, sentence)
            else:
                sentence = prime_pattern.sub(prime, sentence)
        else:
            sentence = prime_pattern.sub(prime, sentence)
            sentence = quote_pattern.sub(close_quote, sentence)
        if needle == '"' and '"' in sentence:
            sentence = sentence.replace('"', close_quote)
        sentences[key] = sentence
    return open_quote.join(sentences)


def _texturize_text(curl: str) -> str:
    for old, new in _STATIC:
        curl = curl.replace(old, new)
    if "'" in curl:
        for pattern, replacement in _APOS_RULES:
            curl = pattern.sub(replacement, curl)
        curl = _primes(curl, "'", PRIME, _OPEN_SQ_FLAG, CLOSE_SQ)
        curl = curl.replace(_APOS_FLAG, APOS).replace(_OPEN_SQ_FLAG, OPEN_SQ)
    if '"' in curl:
        for pattern, replacement in _QUOTE_RULES:
            curl = pattern.sub(replacement, curl)
        curl = _primes(curl, '"', DOUBLE_PRIME, _OPEN_Q_FLAG, CLOSE_Q)
        curl = curl.replace(_OPEN_Q_FLAG, OPEN_Q)
    if "-" in curl:
        for pattern, replacement in _DASH_RULES:
            curl = pattern.sub(replacement, curl)
    if _TIMES_HINT.search(curl):
        curl = _TIMES.sub(r"\1&#215;\2", curl)
    return _AMPERSAND.sub("&#038;", curl)


def wptexturize(text: str, shortcodes: tuple[str, ...] = ()) -> str:
    """WordPress's wptexturize() with the given registered shortcodes."""
    if not text:
        return text
    found = {m.group(1) for m in _SHORTCODE_NAMES.finditer(text)} if "[" in text else set()
    names = [name for name in shortcodes if name in found]
    shortcode_regex = _shortcode_regex(names) if names else ""
    split = re.compile("(" + _HTML + "|" + shortcode_regex + ")", _A) if names else _SPLIT_HTML
    whole_shortcode = re.compile(shortcode_regex, _A) if names else None
    tags_stack: list[str] = []
    shortcodes_stack: list[str] = []
    parts = [p for p in split.split(text) if p]
    for i, curl in enumerate(parts):
        first = curl[0]
        if first == "<":
            if curl.startswith("<!--"):
                continue
            curl = _AMPERSAND.sub("&#038;", curl)
            _push_pop(curl, tags_stack, NO_TEXTURIZE_TAGS)
        elif not curl.strip(" \t\n\r\x00\x0b"):
            continue
        elif first == "[" and whole_shortcode is not None and whole_shortcode.fullmatch(curl):
            if not curl.startswith("[[") and not curl.endswith("]]"):
                _push_pop(curl, shortcodes_stack, NO_TEXTURIZE_SHORTCODES)
            continue
        elif not shortcodes_stack and not tags_stack:
            curl = _texturize_text(curl)
        else:
            continue
        parts[i] = curl
    return "".join(parts)


_DANGIT = [(before + "Wordpress", before + "WordPress") for before in (" ", "&#8216;", OPEN_Q, ">", "(")]


def capital_p_dangit(text: str) -> str:
    """WordPress's capital_P_dangit() on content and comments: "Wordpress" after a space, an opening
    quote, a tag or a parenthesis is spelled "WordPress"."""
    if "Wordpress" not in text:
        return text
    for old, new in _DANGIT:
        text = text.replace(old, new)
    return text

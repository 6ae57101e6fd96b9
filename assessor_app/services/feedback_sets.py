"""Hand-over question sets: ``resources/feedback/*.yaml`` → ``domain.feedback_sets``.

Like the catalogue, these files are edited by hand (an employer may reword a question), so
every mistake is reported with its file and line by the catalogue loader's node checker.
"""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import Node

from assessor_app.domain.feedback_sets import (
    CONSENT_KINDS,
    FACES,
    TEXT_FIELDS,
    FeedbackSet,
    Question,
    RatingOption,
    TextPrompt,
)
from assessor_app.errors import CatalogueError
from assessor_app.services.catalogue_loader import MAX_TITLE, _Checker

FORMATS = ("adult form", "easy-read", "child version")
ORDER = ("adult", "easy-read", "child")  # how the assessor's list shows them
_TEXTS = ("welcome", "consent_text", "consent_question", "consent_yes", "consent_no",
          "declined_text", "anonymity_text", "anonymous_yes", "anonymous_no", "thank_you",
          "hand_back")
_KEYS = (("kind", "id", "title", "format", "consent_kind", *_TEXTS, "scale", "questions",
          "prompts"), ("note", "version"))
MIN_QUESTIONS, MAX_QUESTIONS = 4, 6
MIN_PROMPTS, MAX_PROMPTS = 2, 3
MAX_WORDING = 2_000  # a question or a label, not an essay


def _one_of(c: _Checker, node: Node, what: str, allowed: tuple[str, ...]) -> str:
    value = c.text(node, what)
    if value not in allowed:
        raise c.fail(node, f"{what} '{value}' is not one of: " + ", ".join(allowed))
    return value


def _scale(c: _Checker, node: Node) -> tuple[RatingOption, ...]:
    items = c.seq(node, "'scale'", nonempty=True)
    if not 3 <= len(items) <= 5:
        raise c.fail(node, f"'scale' needs 3 to 5 answers (it has {len(items)})")
    out: list[RatingOption] = []
    for i, item in enumerate(items, 1):
        m = c.mapping(item, f"answer {i} of 'scale'", (("value", "label"), ("face",)))
        value = int(c.number(m["value"], f"answer {i}: 'value'", minimum=1, maximum=5, whole=True))
        if out and value <= out[-1].value:
            raise c.fail(m["value"], f"answer {i}: 'value' must be higher than the one before "
                         "(lowest first)")
        face = _one_of(c, m["face"], f"answer {i}: 'face'", FACES) if "face" in m else ""
        out.append(RatingOption(value, c.text(m["label"], f"answer {i}: 'label'", MAX_TITLE),
                                face))
    if len({bool(o.face) for o in out}) > 1:
        raise c.fail(node, "give every answer in 'scale' a 'face', or none of them")
    return tuple(out)


def _questions(c: _Checker, node: Node) -> tuple[Question, ...]:
    items = c.seq(node, "'questions'", nonempty=True)
    if not MIN_QUESTIONS <= len(items) <= MAX_QUESTIONS:
        raise c.fail(node, f"'questions' needs {MIN_QUESTIONS} to {MAX_QUESTIONS} questions "
                     f"(it has {len(items)})")
    seen: dict[str, str] = {}
    out = []
    for i, item in enumerate(items, 1):
        m = c.mapping(item, f"question {i}", (("id", "text"), ()))
        qid = c.ident(m["id"], f"question {i}: 'id'")
        c.unique(seen, qid, m["id"], "question id", f"question {i}")
        out.append(Question(qid, c.text(m["text"], f"question {i}: 'text'", MAX_WORDING)))
    return tuple(out)


def _prompts(c: _Checker, node: Node) -> tuple[TextPrompt, ...]:
    items = c.seq(node, "'prompts'", nonempty=True)
    if not MIN_PROMPTS <= len(items) <= MAX_PROMPTS:
        raise c.fail(node, f"'prompts' needs {MIN_PROMPTS} to {MAX_PROMPTS} prompts "
                     f"(it has {len(items)})")
    seen: dict[str, str] = {}
    out = []
    for i, item in enumerate(items, 1):
        m = c.mapping(item, f"prompt {i}", (("field", "text"), ("hint",)))
        name = _one_of(c, m["field"], f"prompt {i}: 'field'", TEXT_FIELDS)
        c.unique(seen, name, m["field"], "prompt field", f"prompt {i}")
        hint = c.text(m["hint"], f"prompt {i}: 'hint'", MAX_WORDING) if "hint" in m else ""
        out.append(TextPrompt(name, c.text(m["text"], f"prompt {i}: 'text'", MAX_WORDING), hint))
    return tuple(out)


def parse_feedback_set(text: str, where: str) -> FeedbackSet:
    """One file's text → its set; CatalogueError naming ``where`` and the line."""
    c = _Checker(where)
    top = c.document(text, _KEYS, "feedback_set")
    words = {key: c.text(top[key], f"'{key}'", MAX_WORDING) for key in _TEXTS}
    return FeedbackSet(
        id=c.ident(top["id"], "'id'"), title=c.text(top["title"], "'title'", MAX_TITLE),
        format=_one_of(c, top["format"], "'format'", FORMATS),
        consent_kind=_one_of(c, top["consent_kind"], "'consent_kind'", CONSENT_KINDS),
        scale=_scale(c, top["scale"]), questions=_questions(c, top["questions"]),
        prompts=_prompts(c, top["prompts"]), source=where, **words)


def load_feedback_set(path: Path) -> FeedbackSet:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(str(path), None, f"cannot be read ({exc})") from None
    return parse_feedback_set(text, path.name)


def load_feedback_sets(folder: Path) -> dict[str, FeedbackSet]:
    """Every ``*.yaml`` in ``folder`` by id, adult first; an id used twice is an error."""
    found: dict[str, FeedbackSet] = {}
    for path in sorted(folder.glob("*.yaml")):
        item = load_feedback_set(path)
        if item.id in found:
            raise CatalogueError(path.name, None, f"id '{item.id}' is also used by "
                                 f"{found[item.id].source}")
        found[item.id] = item
    rank = {sid: n for n, sid in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda kv: (rank.get(kv[0], len(ORDER)), kv[0])))

"""Lesson messages and quiz feedback, in the member's language.

The lesson's own words (title, text, quiz) are HR's text in the track's language
and are shown literally (`Plain`); everything around them is translated.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.messages import (
    Actions,
    Block,
    Button,
    ContextLine,
    Header,
    Link,
    Message,
    Plain,
    Span,
    Text,
    compose,
)
from programs.instruct.models import Lesson, Track
from programs.instruct.schemas import QuizIn

ACK = "track.ack"
QUIZ = "track.quiz"


def quiz_of(lesson: Lesson) -> QuizIn | None:
    """The lesson's quiz, validated, or None."""
    return QuizIn.model_validate(lesson.quiz) if lesson.quiz else None


def lesson_message(t: Translator, *, track: Track, lesson: Lesson, enrollment_id: int, total: int) -> Message:
    """A lesson DM: title, text, optional link and quiz buttons, and a "Got it" button."""
    spans: list[Span] = [Plain(text=lesson.text)]
    if lesson.link:
        spans += [Plain(text="\n"), Link(url=lesson.link, label=t._("Read more"))]
    where = t._("Lesson {n} of {total} · {track}", n=lesson.position, total=total, track=track.name)
    blocks: list[Block] = [Header(text=lesson.title[:150]), Text(spans=spans), ContextLine(spans=[Plain(text=where)])]
    ref = f"{enrollment_id}:{lesson.id}"
    quiz = quiz_of(lesson)
    if quiz is not None:
        blocks.append(Text(spans=compose(t._("*Quick check:* {question}"), question=Plain(text=quiz.question))))
        blocks.append(Actions(buttons=[
            Button(action_id=QUIZ, label=option, value=f"{ref}:{index}")
            for index, option in enumerate(quiz.options)
        ]))
    blocks.append(Actions(buttons=[Button(action_id=ACK, label=t._("Got it"), value=ref, style="primary")]))
    return Message(fallback=f"{lesson.title}: {lesson.text}"[:3000], blocks=blocks)


def quiz_feedback(t: Translator, quiz: QuizIn, answer: int, *, again: bool) -> Message:
    """Private feedback on a quiz answer (and a note when it was answered before)."""
    spans: list[Span] = []
    if again:
        spans += [*compose(t._("You already answered this question; your first answer counts.")), Plain(text="\n")]
    if answer == quiz.correct:
        spans += compose(t._("*Correct!*"))
    else:
        spans += compose(t._("*Not quite.* The answer is “{answer}”."), answer=Plain(text=quiz.options[quiz.correct]))
    if quiz.explanation:
        spans += [Plain(text="\n"), Plain(text=quiz.explanation)]
    return Message(fallback=t._("Quiz feedback"), blocks=[Text(spans=spans)])


def ack_message(t: Translator, *, last: bool, track: Track) -> Message:
    """Private confirmation of "Got it"."""
    if last:
        text = t._("That was the last lesson of “{track}”. Well done!", track=track.name)
    else:
        text = t._("Thanks! Your next lesson will arrive on schedule.")
    return Message(fallback=text, blocks=[Text(spans=[Plain(text=text)])])

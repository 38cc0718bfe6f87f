"""The starter onboarding track: five CX lessons with a quiz each, in English.

Like the campaigns, every text is a gettext message; the track is created once
per language (see `programs.starter.enable`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_

TRACK_NAME = N_("Customer experience basics")


@dataclass(frozen=True)
class StarterLesson:
    """A lesson and its quiz; `correct` is the index of the right option."""

    title: str
    text: str
    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str


LESSONS = [
    StarterLesson(
        title=N_("1. Answer fast, own the problem"),
        text=N_(
            "Customers judge us first by two things: how quickly someone answers, and whether someone takes "
            "ownership. Reply within one working hour, even if only to say you are on it and when you will be "
            "back. If the problem belongs to another team, do not send the customer away: hand it over "
            "yourself, pass on everything you know, and check later that it was solved."
        ),
        question=N_("A customer writes to you about a problem another team handles. What do you do?"),
        options=(N_("Tell them to contact that team"), N_("Hand it over yourself and follow up"),
                 N_("Wait until you have the full answer")),
        correct=1,
        explanation=N_(
            "Owning the problem means the customer never has to repeat themselves: you introduce them, pass "
            "on the context and check that it was solved."
        ),
    ),
    StarterLesson(
        title=N_("2. Empathy before solutions"),
        text=N_(
            "Before you fix anything, show that you understand how the situation feels for the customer. Name "
            "it (“I can see this delay has cost you a day”), say what you will do next, and avoid internal "
            "jargon and policy numbers. People forgive a problem much sooner than they forgive indifference."
        ),
        question=N_("Which reply shows empathy?"),
        options=(N_("That is our policy."), N_("I can see this cost you time; here is what I will do today."),
                 N_("Please read our FAQ.")),
        correct=1,
        explanation=N_("It acknowledges the customer's situation and commits to a next step with a time."),
    ),
    StarterLesson(
        title=N_("3. Promoters, passives, detractors: NPS"),
        text=N_(
            "Net Promoter Score asks: “How likely are you to recommend us to a friend or colleague?” on a 0–10 "
            "scale. 9–10 are promoters, 7–8 passives, 0–6 detractors. NPS is the percentage of promoters minus "
            "the percentage of detractors, from −100 to +100. We use the same question for employees (eNPS) in "
            "our pulse surveys. The score matters less than the reasons behind it."
        ),
        question=N_("Of 100 answers, 50 are 9–10, 30 are 7–8 and 20 are 0–6. What is the NPS?"),
        options=("30", "50", "80"),
        correct=0,
        explanation=N_(
            "50% promoters minus 20% detractors is 30. Passives count in the total but not in the score."
        ),
    ),
    StarterLesson(
        title=N_("4. Close the loop"),
        text=N_(
            "Feedback is a promise: when a customer tells us something, they expect to hear back. Contact "
            "unhappy customers within two working days, thank them, ask what happened and fix what you can for "
            "them (the inner loop). Then pass the cause on so that it gets fixed for everyone (the outer loop), "
            "and tell the customer what changed."
        ),
        question=N_("A customer gave us a 3. What closes the loop?"),
        options=(N_("Add the score to the monthly report"),
                 N_("Call them, learn what went wrong, fix it and tell them"),
                 N_("Send an automatic discount code")),
        correct=1,
        explanation=N_(
            "A report or a coupon does not tell the customer they were heard. A conversation and a visible "
            "fix do, and often turn a detractor into a promoter."
        ),
    ),
    StarterLesson(
        title=N_("5. How recognition works here"),
        text=N_(
            "When a colleague helps a customer or you, say thank you in public: type /kudos @name, what they "
            "did and a #value, or add the kudos reaction to their message. Everyone can give a few kudos a "
            "day. Each week Fivefold shares a thank-you digest, and /cx stats shows what you have given and "
            "received. Recognition tells everyone what great service looks like."
        ),
        question=N_("How do you thank a colleague who helped a customer?"),
        options=(N_("/kudos @name what they did #value"), N_("Email HR"), N_("Wait for the annual review")),
        correct=0,
        explanation=N_(
            "Kudos are public, immediate and tied to our values, so the whole team learns from them."
        ),
    ),
]

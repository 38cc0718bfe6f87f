"""The starter programme's campaigns: Inform, Inspire and Instruct, in English.

The texts are gettext messages (`N_`), so the Polish and Ukrainian versions live
in the catalogs with every other string, are checked by the i18n tests, and are
copied into each campaign's `translations` when the programme is enabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.i18n import N_
from programs.campaigns.levers import Lever


@dataclass(frozen=True)
class StarterCampaign:
    """One ready campaign: `key` makes enabling idempotent; `when` is days from enabling or a cron."""

    key: str
    name: str
    lever: Lever
    header: str
    text: str
    when: int | str

    def schedule(self, first_day_at: str) -> dict[str, Any]:
        """The campaign's schedule; `first_day_at` is the local send time of a one-off campaign."""
        if isinstance(self.when, str):
            return {"kind": "recurring", "cron": self.when, "timezone": "recipient", "skip_weekends": True}
        return {"kind": "once", "at": first_day_at, "timezone": "recipient"}


CX_PRINCIPLES = StarterCampaign(
    key="inform.principles", name="CX principles", lever=Lever.INFORM, when=1,
    header=N_("Our customer experience principles"),
    text=N_(
        "Five habits that make customers want to come back:\n"
        "1. Answer fast: reply within one working hour, even if only to say you are on it.\n"
        "2. Own the problem: whoever hears about it first sees it through, or hands it over in person.\n"
        "3. Be human: listen, acknowledge how the customer feels, explain without jargon.\n"
        "4. Close the loop: tell customers what changed because of their feedback.\n"
        "5. Thank each other: recognise colleagues who help a customer with /kudos."
    ),
)

EMPLOYEES_CREATE_CX = StarterCampaign(
    key="inform.employees", name="Employees create the customer experience", lever=Lever.INFORM, when=7,
    header=N_("Employees create the customer experience"),
    text=N_(
        "Customers rarely meet our board. They meet you: on the phone, in a chat, in an invoice, in the "
        "product you build. Each of those moments is the customer experience. That is why Fivefold brings "
        "short lessons, customer stories, pulse surveys and kudos into chat: the customer experience "
        "improves through the people who create it, every day."
    ),
)

WHY_IT_MATTERS = StarterCampaign(
    key="inspire.why", name="Why customer experience matters", lever=Lever.INSPIRE, when=3,
    header=N_("Why customer experience matters"),
    text=N_(
        "Customers who have a great experience stay longer, buy more and recommend us. Those who have a "
        "poor one leave quietly and tell others. Promoters, who would score us 9 or 10, grow the business; "
        "detractors, who would give 0 to 6, hold it back. Every week each of us moves a few customers from "
        "one group to the other."
    ),
)

STORY_PROMPT = StarterCampaign(
    key="inspire.story", name="Customer story prompt", lever=Lever.INSPIRE, when="0 11 1-7 * wed",
    header=N_("Share a customer story"),
    text=N_(
        "Think of a customer you or a colleague helped recently. What was the problem, what did you do, "
        "and how did the customer react? Share it with /cx story. Good stories teach more than any manual. "
        "Leave out the customer's personal details."
    ),
)

# A weekly tip: four campaigns, each on one Tuesday of the month (days 1–7, 8–14, …), so the tip changes
# every week. APScheduler's cron needs both the day and the weekday to match.
WEEKLY_TIPS = [
    StarterCampaign(
        key="instruct.tip1", name="Weekly CX tip: reply first", lever=Lever.INSTRUCT, when="0 10 1-7 * tue",
        header=N_("CX tip of the week: reply first, solve second"),
        text=N_(
            "A quick “I'm on it, you will hear from me by 3 pm” calms a customer more than a perfect answer "
            "tomorrow. Promise a time, and keep the promise, even if the update is “still working on it”."
        ),
    ),
    StarterCampaign(
        key="instruct.tip2", name="Weekly CX tip: the customer's words", lever=Lever.INSTRUCT,
        when="0 10 8-14 * tue",
        header=N_("CX tip of the week: use the customer's words"),
        text=N_(
            "Before you solve a problem, repeat it back in the customer's own words. They feel heard, and "
            "you avoid solving the wrong problem."
        ),
    ),
    StarterCampaign(
        key="instruct.tip3", name="Weekly CX tip: one more question", lever=Lever.INSTRUCT,
        when="0 10 15-21 * tue",
        header=N_("CX tip of the week: ask one more question"),
        text=N_(
            "Before you close a conversation, ask: “Is there anything else I can help with?” Many unhappy "
            "customers are made by the second problem that nobody asked about."
        ),
    ),
    StarterCampaign(
        key="instruct.tip4", name="Weekly CX tip: pass on the praise", lever=Lever.INSTRUCT,
        when="0 10 22-28 * tue",
        header=N_("CX tip of the week: pass on the praise"),
        text=N_(
            "When a customer thanks you for something a colleague did, pass it on with /kudos, so the praise "
            "reaches the person who earned it, and the whole team sees what good service looks like."
        ),
    ),
]

STARTER_CAMPAIGNS = [CX_PRINCIPLES, WHY_IT_MATTERS, EMPLOYEES_CREATE_CX, STORY_PROMPT, *WEEKLY_TIPS]

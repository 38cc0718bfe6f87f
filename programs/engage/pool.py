"""The anonymity pool: answers wait sealed, then are written as shuffled batches of responses.

An anonymous answer is written, in the answer's own transaction, only as a
sealed (AES-GCM, keyed by FIVEFOLD_SECRET_KEY) pool row next to the member's
participation row. A flush — a scheduler tick, in its own transaction — opens a
round's pool once it holds at least FIVEFOLD_ANONYMITY_THRESHOLD answers (or the
round has closed), shuffles them, inserts them as responses with random keys and
deletes the pool rows in the same transaction, so a crash loses nothing.

A closing round's last batch is topped up to the threshold with responses
already written (deleted and written again in the batch), so no batch — one
transaction id, one run of physical positions — holds fewer answers than the
threshold unless the whole round does.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import random
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, func, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from programs.engage.models import PooledAnswer, SurveyResponse
from programs.engage.tally import add_to_tally

_shuffle = random.SystemRandom().shuffle
RESPONSE = SurveyResponse.__table__  # type: ignore[attr-defined]
POOL = PooledAnswer.__table__  # type: ignore[attr-defined]
_POOL_ROW = insert(POOL)  # one statement object: its compiled form is reused


class Sealer:
    """Seals pool payloads so a database reader sees neither the answer nor when it was sealed."""

    def __init__(self, secret_key: str) -> None:
        self._aead = AESGCM(hashlib.sha256(b"fivefold-survey-pool:" + secret_key.encode()).digest())

    def seal(self, payload: dict[str, Any]) -> str:
        """`payload` as JSON, encrypted under a random nonce (base64)."""
        nonce = os.urandom(12)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, json.dumps(payload).encode(), None)).decode()

    def open(self, sealed: str) -> dict[str, Any]:
        """The payload of `seal` (ValueError when it was sealed under another key)."""
        raw = base64.b64decode(sealed)
        try:
            return dict(json.loads(self._aead.decrypt(raw[:12], raw[12:], None)))
        except InvalidTag as exc:
            raise ValueError("a pooled survey answer cannot be opened with FIVEFOLD_SECRET_KEY") from exc


@functools.cache
def sealer_for(secret_key: str) -> Sealer:
    """One sealer per key (deriving it on every answer is wasted work)."""
    return Sealer(secret_key)


def new_key() -> str:
    """A random response / pool key (uuid4 hex): says nothing about order."""
    return uuid.uuid4().hex


async def pool_answer(session: AsyncSession, sealer: Sealer, *, round_id: int, segment: dict[str, Any],
                      answers: dict[str, Any]) -> None:
    """Add one sealed answer to the round's pool (in the answering transaction)."""
    sealed = sealer.seal({"segment": segment, "answers": answers})
    await session.execute(_POOL_ROW, {"id": new_key(), "round_id": round_id, "sealed": sealed})


async def pool_sizes(session: AsyncSession) -> dict[int, int]:
    """How many answers wait in each round's pool."""
    rows = await session.execute(select(PooledAnswer.round_id, func.count()).group_by(col(PooledAnswer.round_id)))
    return {round_id: int(count) for round_id, count in rows}


async def flush_pool(session: AsyncSession, sealer: Sealer, *, round_id: int, threshold: int, final: bool) -> int:
    """Write the round's pool as one shuffled batch of responses; returns how many answers were written.

    Without `final` nothing happens below `threshold` answers.
    """
    # DELETE … RETURNING claims the pool: a concurrent flush (another process) waits, then finds it empty
    pooled = (await session.execute(
        delete(POOL).where(POOL.c.round_id == round_id).returning(POOL.c.id, POOL.c.sealed)
    )).all()
    if not pooled:
        return 0
    if len(pooled) < threshold and not final:
        await session.execute(insert(POOL), [{"id": key, "round_id": round_id, "sealed": sealed}
                                             for key, sealed in pooled])
        return 0
    rows = [_response_row(round_id, sealer.open(sealed)) for _key, sealed in pooled]
    await add_to_tally(session, rows)  # rows written again below are counted already
    if len(rows) < threshold:
        rows += await _take_written(session, round_id, threshold - len(rows))
    _shuffle(rows)
    await session.execute(insert(RESPONSE), rows)
    return len(pooled)


def _response_row(round_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    segment = payload.get("segment") or {}
    return {"id": new_key(), "round_id": round_id, "department": segment.get("department"),
            "location": segment.get("location"), "country": segment.get("country"),
            "answers": payload.get("answers") or {}, "member_id": None}


async def _take_written(session: AsyncSession, round_id: int, wanted: int) -> list[dict[str, Any]]:
    """Up to `wanted` anonymous responses already written, removed to be written again (new keys)."""
    chosen = (await session.execute(
        select(SurveyResponse).where(SurveyResponse.round_id == round_id, col(SurveyResponse.member_id).is_(None))
        .order_by(func.random()).limit(wanted)
    )).scalars().all()
    if not chosen:
        return []
    await session.execute(delete(SurveyResponse).where(col(SurveyResponse.id).in_([row.id for row in chosen])))
    return [{"id": new_key(), "round_id": round_id, "department": row.department, "location": row.location,
             "country": row.country, "answers": row.answers, "member_id": None} for row in chosen]

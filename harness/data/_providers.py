"""Faker providers for consulting realism, and per-seed pools of the slow Faker values.

Faker formats names and addresses slowly (tens of microseconds per call), so each run
draws a few hundred of each per locale once, from Faker instances seeded with the run's
seed, and afterwards picks from those pools with the run's seeded ``random.Random``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from faker import Faker
from faker.providers import BaseProvider

from harness.data._catalog import (
    BILLING_MODEL_WEIGHTS,
    COMPANY_STEMS,
    COMPANY_SUFFIXES,
    INDUSTRIES,
    PHASES_BY_PRACTICE,
    SCOPES_BY_PRACTICE,
    SKILLS_BY_PRACTICE,
    SOW_PATTERNS,
    STAGE_FUNNEL,
)

_POOL_SIZE = 300
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII-ish slug for domains and e-mail local parts."""
    folded = (
        text.lower()
        .replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("ß", "ss")
        .replace("é", "e")
        .replace("è", "e")
    )
    return _SLUG.sub("", folded.encode("ascii", "ignore").decode())


class ConsultingProvider(BaseProvider):
    """Client names, industries, deal sizes, funnel stages, SOW titles and skills."""

    def industry(self) -> str:
        return self.random_element([name for name, _ in INDUSTRIES])

    def client_name(self, industry: str) -> str:
        nouns = dict(INDUSTRIES)[industry]
        stem = self.random_element(COMPANY_STEMS)
        return f"{stem} {self.random_element(nouns)}{self.random_element(COMPANY_SUFFIXES)}"

    def deal_size_usd(self, median: float, sigma: float) -> float:
        """Lognormal deal size: most deals small, a long tail of large programs."""
        return self.generator.random.lognormvariate(0.0, sigma) * median

    def funnel_stage(self) -> tuple[str, int]:
        """A stage and its probability, weighted like a real pipeline."""
        stage, probability, _ = self.generator.random.choices(
            STAGE_FUNNEL, weights=[share for _, _, share in STAGE_FUNNEL]
        )[0]
        return stage, probability

    def billing_model(self) -> str:
        return self.generator.random.choices(
            [m for m, _ in BILLING_MODEL_WEIGHTS], weights=[w for _, w in BILLING_MODEL_WEIGHTS]
        )[0]

    def sow_title(self, practice_code: str) -> str:
        pattern = self.random_element(SOW_PATTERNS)
        return pattern.format(
            phase=self.random_element(PHASES_BY_PRACTICE[practice_code][:3]),
            scope=self.random_element(SCOPES_BY_PRACTICE[practice_code]),
        )

    def practice_skills(self, practice_code: str, count: int) -> tuple[str, ...]:
        skills = SKILLS_BY_PRACTICE[practice_code]
        return tuple(sorted(self.generator.random.sample(skills, min(count, len(skills)))))


@dataclass(frozen=True, slots=True)
class LocalePool:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    phones: tuple[str, ...]


class Pools:
    """Pre-drawn Faker values per locale, picked from with the run's random."""

    __slots__ = ("_by_locale", "rng")

    def __init__(self, seed: int, locales: tuple[str, ...], rng: random.Random) -> None:
        self.rng = rng
        self._by_locale: dict[str, LocalePool] = {}
        for offset, locale in enumerate(locales):
            fake = Faker(locale)
            fake.seed_instance(seed * 131 + offset)
            self._by_locale[locale] = LocalePool(
                first_names=tuple(fake.first_name() for _ in range(_POOL_SIZE)),
                last_names=tuple(fake.last_name() for _ in range(_POOL_SIZE)),
                streets=tuple(
                    fake.street_address().replace("\n", ", ") for _ in range(_POOL_SIZE // 2)
                ),
                cities=tuple(fake.city() for _ in range(_POOL_SIZE // 4)),
                phones=tuple(fake.phone_number() for _ in range(_POOL_SIZE // 2)),
            )

    def person(self, locale: str) -> tuple[str, str]:
        pool = self._by_locale[locale]
        return self.rng.choice(pool.first_names), self.rng.choice(pool.last_names)

    def street(self, locale: str) -> str:
        return self.rng.choice(self._by_locale[locale].streets)

    def city(self, locale: str) -> str:
        return self.rng.choice(self._by_locale[locale].cities)

    def phone(self, locale: str) -> str:
        return self.rng.choice(self._by_locale[locale].phones)


def consulting_faker(seed: int) -> Faker:
    """A seeded Faker carrying :class:`ConsultingProvider`; its ``random`` drives the whole run."""
    fake = Faker("en_US")
    fake.add_provider(ConsultingProvider)
    fake.seed_instance(seed)
    return fake

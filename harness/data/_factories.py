"""factory-boy factories for the entities people read: consultants, accounts, contacts, deals.

Each factory takes the run's :class:`Context` and a sequence number ``n`` as parameters
(no class-level sequences, so nothing leaks between runs) plus the structural choices
the generator already made; the factory fills in the human-facing attributes.
"""

from __future__ import annotations

import datetime as dt

import factory

from harness.data import _keys
from harness.data._catalog import CONTACT_TITLES, SCOPES_BY_PRACTICE, EntitySpec
from harness.data._context import FIRM_DOMAIN
from harness.data._model import (
    Account,
    BillingModel,
    Consultant,
    Contact,
    Opportunity,
    OpportunityStage,
    StatementOfWork,
    WorkerType,
)
from harness.data._providers import slug

_DAY = dt.timedelta(days=1)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += _DAY
    return day


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _fte(o: factory.builder.Resolver) -> float:
    if o.worker_type is WorkerType.CONTRACTOR:
        return o.ctx.rng.choices((1.0, 0.5), weights=(80, 20))[0]
    return o.ctx.rng.choices((1.0, 0.8, 0.6, 0.5), weights=(88, 7, 3, 2))[0]


def _hire_date(o: factory.builder.Resolver) -> dt.date:
    ctx = o.ctx
    window = (ctx.as_of - ctx.window_start).days
    if ctx.rng.random() < 0.05:
        return _weekday_on_or_after(ctx.days_ago(14, max(15, window)))
    return _weekday_on_or_after(ctx.days_ago(window + 30, window + 30 + 365 * 8))


class ConsultantFactory(factory.Factory):
    """A consultant: one HCM worker and one PSA user, rates from the level and region."""

    class Meta:
        model = Consultant

    class Params:
        ctx = None
        n = 0
        entity: EntitySpec | None = None
        office = None
        level_spec = None
        practice_code = ""
        person = factory.LazyAttribute(lambda o: o.ctx.pools.person(o.entity.faker_locale))

    id = factory.LazyAttribute(lambda o: _keys.local_id("CON", o.n))
    hcm_id = factory.LazyAttribute(
        lambda o: (
            _keys.numeric_id(100_000, o.n)
            if o.worker_type is WorkerType.EMPLOYEE
            else "C" + _keys.numeric_id(500_000, o.n)
        )
    )
    psa_id = factory.LazyAttribute(lambda o: _keys.numeric_id(7_000_000, o.n))
    worker_type = WorkerType.EMPLOYEE
    first_name = factory.LazyAttribute(lambda o: o.person[0])
    last_name = factory.LazyAttribute(lambda o: o.person[1])
    email = factory.LazyAttribute(
        lambda o: (
            o.ctx.unique(f"{slug(o.first_name)}.{slug(o.last_name)}", separator="")
            + "@"
            + FIRM_DOMAIN
        )
    )
    practice_id = ""
    role_id = ""
    level = factory.LazyAttribute(lambda o: o.level_spec.level)
    title = factory.LazyAttribute(lambda o: o.level_spec.title)
    skills = factory.LazyAttribute(
        lambda o: o.ctx.fake.practice_skills(o.practice_code, o.ctx.rng.randint(2, 5))
    )
    legal_entity_id = ""
    location = factory.LazyAttribute(lambda o: o.office.city)
    country = factory.LazyAttribute(lambda o: o.entity.country)
    holiday_calendar = factory.LazyAttribute(lambda o: o.office.holiday_calendar)
    manager_id = None
    fte = factory.LazyAttribute(_fte)
    hours_per_week = factory.LazyAttribute(lambda o: o.entity.standard_hours_per_week * o.fte)
    utilization_target = factory.LazyAttribute(lambda o: o.level_spec.utilization_target)
    hire_date = factory.LazyAttribute(_hire_date)
    currency = factory.LazyAttribute(lambda o: o.entity.currency)
    cost_rate_minor = factory.LazyAttribute(
        lambda o: o.ctx.local_minor(
            o.level_spec.cost_rate_usd
            * (1.35 if o.worker_type is WorkerType.CONTRACTOR else 1.0)
            * o.ctx.rng.uniform(0.93, 1.07),
            o.entity.currency,
            factor=o.entity.rate_factor,
            step=1,
        )
    )
    bill_rate_minor = 0


class AccountFactory(factory.Factory):
    """A client: CRM account and ERP customer linked by the CRM id as external id."""

    class Meta:
        model = Account

    class Params:
        ctx = None
        n = 0
        entity: EntitySpec | None = None

    id = factory.LazyAttribute(lambda o: _keys.local_id("ACC", o.n))
    crm_id = factory.LazyAttribute(lambda o: _keys.crm_id(_keys.CRM_ACCOUNT, o.n))
    erp_id = factory.LazyAttribute(lambda o: _keys.numeric_id(20_000, o.n))
    erp_external_id = factory.LazyAttribute(lambda o: o.crm_id)
    industry = factory.LazyAttribute(lambda o: o.ctx.fake.industry())
    name = factory.LazyAttribute(lambda o: o.ctx.unique(o.ctx.fake.client_name(o.industry)))
    website = factory.LazyAttribute(lambda o: f"https://www.{slug(o.name)}.example")
    street = factory.LazyAttribute(lambda o: o.ctx.pools.street(o.entity.faker_locale))
    city = factory.LazyAttribute(lambda o: o.ctx.pools.city(o.entity.faker_locale))
    country = factory.LazyAttribute(lambda o: o.entity.country)
    employees = factory.LazyAttribute(
        lambda o: int(round(o.ctx.rng.lognormvariate(7.5, 1.4), -1)) + 50
    )
    annual_revenue_usd = factory.LazyAttribute(
        lambda o: int(round(o.employees * o.ctx.rng.uniform(150_000, 450_000), -5))
    )
    legal_entity_id = ""
    currency = factory.LazyAttribute(lambda o: o.entity.currency)
    owner_id = ""


class ContactFactory(factory.Factory):
    """A buyer or sponsor at a client."""

    class Meta:
        model = Contact

    class Params:
        ctx = None
        n = 0
        account: Account | None = None
        locale = "en_US"
        person = factory.LazyAttribute(lambda o: o.ctx.pools.person(o.locale))

    id = factory.LazyAttribute(lambda o: _keys.local_id("CNT", o.n))
    crm_id = factory.LazyAttribute(lambda o: _keys.crm_id(_keys.CRM_CONTACT, o.n))
    account_id = factory.LazyAttribute(lambda o: o.account.id)
    first_name = factory.LazyAttribute(lambda o: o.person[0])
    last_name = factory.LazyAttribute(lambda o: o.person[1])
    title = factory.LazyAttribute(lambda o: o.ctx.rng.choice(CONTACT_TITLES))
    email = factory.LazyAttribute(
        lambda o: o.ctx.unique(
            f"{slug(o.first_name)}.{slug(o.last_name)}@{o.account.website.removeprefix('https://www.')}",
            separator="+",
        )
    )
    phone = factory.LazyAttribute(lambda o: o.ctx.pools.phone(o.locale))


def _close_and_created(o: factory.builder.Resolver) -> tuple[dt.date, dt.date]:
    ctx = o.ctx
    window = (ctx.as_of - ctx.window_start).days
    if o.stage in (OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST):
        close = ctx.days_ago(1, window + 270)
    else:
        close = ctx.as_of + dt.timedelta(days=ctx.rng.randint(7, 180))
    cycle = int(min(365, ctx.rng.lognormvariate(4.1, 0.5)))  # median ~60 days
    created = min(close - dt.timedelta(days=cycle), ctx.as_of - _DAY)
    return _weekday_on_or_after(close), created


class OpportunityFactory(factory.Factory):
    """A deal in the funnel: lognormal amount, weighted stage, billing model."""

    class Meta:
        model = Opportunity

    class Params:
        ctx = None
        n = 0
        account: Account | None = None
        practice_code = ""
        median_usd = 100_000.0
        sigma = 0.9
        funnel = factory.LazyAttribute(lambda o: o.ctx.fake.funnel_stage())
        dates = factory.LazyAttribute(_close_and_created)

    id = factory.LazyAttribute(lambda o: _keys.local_id("OPP", o.n, 7))
    crm_id = factory.LazyAttribute(lambda o: _keys.crm_id(_keys.CRM_OPPORTUNITY, o.n))
    account_id = factory.LazyAttribute(lambda o: o.account.id)
    owner_id = factory.LazyAttribute(lambda o: o.account.owner_id)
    practice_id = ""
    legal_entity_id = factory.LazyAttribute(lambda o: o.account.legal_entity_id)
    name = factory.LazyAttribute(
        lambda o: f"{o.account.name} - {o.ctx.rng.choice(SCOPES_BY_PRACTICE[o.practice_code])}"
    )
    stage = factory.LazyAttribute(lambda o: OpportunityStage(o.funnel[0]))
    probability = factory.LazyAttribute(lambda o: o.funnel[1])
    billing_model = factory.LazyAttribute(lambda o: BillingModel(o.ctx.fake.billing_model()))
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    amount_minor = factory.LazyAttribute(
        lambda o: (
            max(
                1,
                round(
                    o.ctx.local_minor(
                        o.ctx.fake.deal_size_usd(o.median_usd, o.sigma), o.currency, step=1
                    )
                    / 100_000
                ),
            )
            * 100_000
        )
    )
    created_date = factory.LazyAttribute(lambda o: o.dates[1])
    close_date = factory.LazyAttribute(lambda o: o.dates[0])


class StatementOfWorkFactory(factory.Factory):
    """The signed scope behind a won deal."""

    class Meta:
        model = StatementOfWork

    class Params:
        ctx = None
        n = 0
        opportunity: Opportunity | None = None
        practice_code = ""
        weeks = 4

    id = factory.LazyAttribute(lambda o: _keys.local_id("SOW", o.n))
    opportunity_id = factory.LazyAttribute(lambda o: o.opportunity.id)
    account_id = factory.LazyAttribute(lambda o: o.opportunity.account_id)
    legal_entity_id = factory.LazyAttribute(lambda o: o.opportunity.legal_entity_id)
    rate_card_id = ""
    title = factory.LazyAttribute(lambda o: o.ctx.fake.sow_title(o.practice_code))
    billing_model = factory.LazyAttribute(lambda o: o.opportunity.billing_model)
    currency = factory.LazyAttribute(lambda o: o.opportunity.currency)
    value_minor = factory.LazyAttribute(lambda o: o.opportunity.amount_minor)
    signed_date = factory.LazyAttribute(lambda o: o.opportunity.close_date)
    start_date = factory.LazyAttribute(
        lambda o: _monday_on_or_after(
            o.opportunity.close_date + dt.timedelta(days=o.ctx.rng.randint(7, 28))
        )
    )
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=7 * o.weeks - 3))

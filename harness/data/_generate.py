"""Build a whole firm from one seed, a size and an as-of date; no wall clock, no globals."""

from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Callable

import factory.random

from harness.data import _keys
from harness.data._billing import bill, month_end
from harness.data._calendar import WorkCalendar
from harness.data._catalog import (
    BLENDED_RATE_USD,
    CURRENCIES,
    DEAL_SIZE_SIGMA,
    ENTITIES,
    ENTITY_WEIGHTS,
    LEVELS,
    PHASES_BY_PRACTICE,
    PRACTICE_RATE_FACTOR,
    PRACTICES,
    STAGE_FUNNEL,
    USD_RATES,
    EntitySpec,
)
from harness.data._context import FIRM_NAME, Context
from harness.data._errors import DataError
from harness.data._factories import (
    AccountFactory,
    ConsultantFactory,
    ContactFactory,
    OpportunityFactory,
    StatementOfWorkFactory,
)
from harness.data._firm import Firm
from harness.data._model import (
    BillingModel,
    ChangeOrder,
    ChangeOrderStatus,
    Consultant,
    Currency,
    LegalEntity,
    Milestone,
    MilestoneStatus,
    OpportunityStage,
    Practice,
    Project,
    ProjectStatus,
    RateCard,
    RateCardLine,
    Role,
    Task,
    WorkerType,
)
from harness.data._providers import Pools, consulting_faker
from harness.data._sizes import SizeSpec, resolve_size
from harness.data._staffing import Staffing
from harness.data._timesheets import Timesheets

DEFAULT_AS_OF = dt.date(2026, 1, 1)

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``(stage, done, total)`` while a firm is generated or written."""

_LOOKBACK_DAYS = 270  # deals closed this long before the time window still run inside it


def _notify(callback: ProgressCallback | None, stage: str, done: int, total: int) -> None:
    if callback is not None:
        callback(stage, done, total)


def generate_firm(
    seed: int,
    size: str | SizeSpec = "small",
    as_of: dt.date = DEFAULT_AS_OF,
    *,
    on_progress: ProgressCallback | None = None,
) -> Firm:
    """Generate one consistent firm; the same arguments always give the same firm."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DataError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise DataError(f"as_of must be a datetime.date, got {as_of!r}")
    spec = resolve_size(size)
    # Millions of small acyclic records: cyclic GC passes only cost time here.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Builder(_context(seed, spec, as_of), on_progress).build()
    finally:
        if collecting:
            gc.enable()


def _context(seed: int, spec: SizeSpec, as_of: dt.date) -> Context:
    factory.random.reseed_random(seed)
    fake = consulting_faker(seed)
    rng = fake.random
    entities = ENTITIES[: spec.legal_entities]
    window_start = as_of - dt.timedelta(days=spec.timesheet_days)
    first_year = (window_start - dt.timedelta(days=_LOOKBACK_DAYS + 60)).year
    return Context(
        seed=seed,
        size=spec,
        as_of=as_of,
        window_start=window_start,
        fake=fake,
        rng=rng,
        pools=Pools(seed, tuple(e.faker_locale for e in entities), rng),
        calendar=WorkCalendar(first_year, as_of.year + 2),
        entities=entities,
    )


class _Builder:
    """Runs the generation steps in a fixed order; each step reads only earlier ones."""

    def __init__(self, ctx: Context, on_progress: ProgressCallback | None) -> None:
        self.ctx = ctx
        self.on_progress = on_progress
        self.firm = Firm(seed=ctx.seed, size=ctx.size, as_of=ctx.as_of)
        self.entity_of: dict[str, EntitySpec] = {}
        self.practice_code: dict[str, str] = {}
        self.role_id: dict[tuple[str, int], str] = {}
        self.rate: dict[tuple[str, str, int], int] = {}  # (entity, practice, level) -> minor
        self.rate_card_of: dict[str, str] = {}
        self.weeks: dict[str, int] = {}

    def build(self) -> Firm:
        steps = (
            ("reference data", self.reference),
            ("consultants", self.consultants),
            ("accounts", self.accounts),
            ("opportunities", self.opportunities),
            ("projects", self.projects),
            ("staffing", self.staffing),
            ("time entries", self.time_entries),
            ("billing", self.billing),
        )
        for stage, step in steps:
            _notify(self.on_progress, stage, 0, 1)
            step()
            _notify(self.on_progress, stage, 1, 1)
        return self.firm

    # -- reference data ---------------------------------------------------------------
    def reference(self) -> None:
        ctx, firm = self.ctx, self.firm
        used = {"USD"} | {e.currency for e in ctx.entities}
        firm.currencies = [
            Currency(c.code, c.name, c.symbol, c.minor_units, c.usd_rate)
            for c in CURRENCIES
            if c.code in used
        ]
        for number, spec in enumerate(ctx.entities, 1):
            entity = LegalEntity(
                id=_keys.local_id("LE", number, 2),
                name=f"{FIRM_NAME} {spec.name_suffix}",
                country=spec.country,
                currency=spec.currency,
                standard_hours_per_week=spec.standard_hours_per_week,
                erp_id=_keys.numeric_id(0, number + 1),
            )
            firm.legal_entities.append(entity)
            self.entity_of[entity.id] = spec
        for number, (code, name) in enumerate(PRACTICES, 1):
            practice = Practice(_keys.local_id("PRC", number, 2), code, name)
            firm.practices.append(practice)
            self.practice_code[practice.id] = code
            for level in LEVELS:
                role = Role(
                    id=f"ROL-{code}-{level.level}",
                    practice_id=practice.id,
                    level=level.level,
                    name=f"{name} {level.title}",
                    utilization_target=level.utilization_target,
                )
                firm.roles.append(role)
                self.role_id[practice.id, level.level] = role.id
        effective = ctx.window_start.replace(month=1, day=1) - dt.timedelta(days=365)
        for entity in firm.legal_entities:
            spec = self.entity_of[entity.id]
            card = RateCard(
                id=f"RC-{entity.id}",
                name=f"Standard rates {spec.currency} ({spec.country})",
                legal_entity_id=entity.id,
                currency=spec.currency,
                effective_from=effective,
            )
            firm.rate_cards.append(card)
            self.rate_card_of[entity.id] = card.id
            for practice in firm.practices:
                for level in LEVELS:
                    minor = ctx.local_minor(
                        level.bill_rate_usd * PRACTICE_RATE_FACTOR[practice.code],
                        spec.currency,
                        factor=spec.rate_factor,
                    )
                    self.rate[entity.id, practice.id, level.level] = minor
                    firm.rate_card_lines.append(
                        RateCardLine(
                            id=f"{card.id}-{practice.code}-{level.level}",
                            rate_card_id=card.id,
                            role_id=self.role_id[practice.id, level.level],
                            level=level.level,
                            bill_rate_minor=minor,
                        )
                    )

    # -- people -----------------------------------------------------------------------
    def _entity_weights(self) -> list[float]:
        return list(ENTITY_WEIGHTS[: len(self.firm.legal_entities)])

    def consultants(self) -> None:
        ctx, firm = self.ctx, self.firm
        rng = ctx.rng
        total = ctx.size.consultants
        entity_ids = [e.id for e in firm.legal_entities]
        weights = self._entity_weights()
        level_weights = [lv.pyramid_weight for lv in LEVELS]
        for number in range(1, total + 1):
            if number <= len(firm.practices):  # one partner leads each practice
                practice = firm.practices[number - 1]
                level = LEVELS[-1]
                entity_id = entity_ids[0]
            else:
                practice = rng.choice(firm.practices)
                level = rng.choices(LEVELS, weights=level_weights)[0]
                entity_id = rng.choices(entity_ids, weights=weights)[0]
            spec = self.entity_of[entity_id]
            contractor = level.level <= 4 and rng.random() < ctx.size.contractor_share
            if number == len(firm.practices) + 1 and ctx.size.contractor_share > 0:
                level = LEVELS[rng.randrange(4)]  # every firm has at least one contractor
                contractor = True
            person = ConsultantFactory.build(
                ctx=ctx,
                n=number,
                entity=spec,
                office=rng.choice(spec.offices),
                level_spec=level,
                practice_code=practice.code,
                worker_type=WorkerType.CONTRACTOR if contractor else WorkerType.EMPLOYEE,
                practice_id=practice.id,
                role_id=self.role_id[practice.id, level.level],
                legal_entity_id=entity_id,
                bill_rate_minor=self.rate[entity_id, practice.id, level.level],
            )
            firm.consultants.append(person)
            if number % 1000 == 0:
                _notify(self.on_progress, "consultants", number, total)
        self._managers()

    def _managers(self) -> None:
        """Each person reports to someone more senior in the same practice, same entity first."""
        rng = self.ctx.rng
        senior: dict[tuple[str, int], list[Consultant]] = {}
        for person in self.firm.consultants:
            if person.worker_type is WorkerType.EMPLOYEE and person.level >= 4:
                senior.setdefault((person.practice_id, person.level), []).append(person)
        for person in self.firm.consultants:
            if person.level == LEVELS[-1].level:
                continue
            for level in range(person.level + 1, LEVELS[-1].level + 1):
                found = senior.get((person.practice_id, level), [])
                local = [m for m in found if m.legal_entity_id == person.legal_entity_id]
                if local or found:
                    person.manager_id = rng.choice(local or found).id
                    break

    # -- clients and deals ------------------------------------------------------------
    def accounts(self) -> None:
        ctx, firm = self.ctx, self.firm
        rng = ctx.rng
        owners: dict[str, list[str]] = {}
        for person in firm.consultants:
            if person.level >= 6 and person.worker_type is WorkerType.EMPLOYEE:
                owners.setdefault(person.legal_entity_id, []).append(person.id)
        everyone_senior = [p.id for p in firm.consultants if p.level >= 6]
        entity_ids = [e.id for e in firm.legal_entities]
        weights = self._entity_weights()
        total = ctx.size.accounts
        contact_number = 0
        for number in range(1, total + 1):
            entity_id = rng.choices(entity_ids, weights=weights)[0]
            spec = self.entity_of[entity_id]
            account = AccountFactory.build(
                ctx=ctx,
                n=number,
                entity=spec,
                legal_entity_id=entity_id,
                owner_id=rng.choice(owners.get(entity_id) or everyone_senior),
            )
            firm.accounts.append(account)
            for _ in range(rng.randint(2, 5)):
                contact_number += 1
                firm.contacts.append(
                    ContactFactory.build(
                        ctx=ctx, n=contact_number, account=account, locale=spec.faker_locale
                    )
                )
            if number % 1000 == 0:
                _notify(self.on_progress, "accounts", number, total)

    def _median_deal_usd(self) -> float:
        """Calibrate deal sizes so won work roughly fills the firm's bookable capacity."""
        ctx = self.ctx
        capacity_hours = sum(
            p.hours_per_week * p.utilization_target * 46 for p in self.firm.consultants
        )
        won_share = dict((s, share) for s, _, share in STAGE_FUNNEL)["closed_won"]
        span_years = (ctx.size.timesheet_days + _LOOKBACK_DAYS) / 365
        won_per_year = max(1.0, ctx.size.opportunities * won_share / span_years)
        mean_usd = capacity_hours * 1.1 * BLENDED_RATE_USD / won_per_year
        median = mean_usd / math.exp(DEAL_SIZE_SIGMA**2 / 2)
        return min(max(median, 20_000.0), 5_000_000.0)

    def opportunities(self) -> None:
        ctx, firm = self.ctx, self.firm
        rng = ctx.rng
        median = self._median_deal_usd()
        # A few key accounts buy again and again: Pareto-weighted account choice.
        weights = [rng.paretovariate(1.3) for _ in firm.accounts]
        total = ctx.size.opportunities
        chosen = rng.choices(firm.accounts, weights=weights, k=total)
        for number, account in enumerate(chosen, 1):
            practice = rng.choice(firm.practices)
            firm.opportunities.append(
                OpportunityFactory.build(
                    ctx=ctx,
                    n=number,
                    account=account,
                    practice_code=practice.code,
                    practice_id=practice.id,
                    median_usd=median,
                    sigma=DEAL_SIZE_SIGMA,
                )
            )
            if number % 2000 == 0:
                _notify(self.on_progress, "opportunities", number, total)

    # -- delivery ---------------------------------------------------------------------
    def projects(self) -> None:
        ctx, firm = self.ctx, self.firm
        rng = ctx.rng
        won = [o for o in firm.opportunities if o.stage is OpportunityStage.CLOSED_WON]
        for number, opp in enumerate(won, 1):
            code = self.practice_code[opp.practice_id]
            usd = opp.amount_minor / 100 * USD_RATES[opp.currency]
            hours = round(usd / (BLENDED_RATE_USD * PRACTICE_RATE_FACTOR[code]), 1)
            if opp.billing_model is BillingModel.RETAINER:
                weeks = rng.choice((13, 26, 52))
            else:
                weeks = max(4, min(52, round(math.sqrt(hours) / 2.2)))
            sow = StatementOfWorkFactory.build(
                ctx=ctx,
                n=number,
                opportunity=opp,
                practice_code=code,
                weeks=weeks,
                rate_card_id=self.rate_card_of[opp.legal_entity_id],
            )
            firm.statements_of_work.append(sow)
            if sow.start_date >= ctx.as_of:
                status = ProjectStatus.PLANNED
            elif sow.end_date < ctx.as_of:
                status = ProjectStatus.COMPLETED
            else:
                status = ProjectStatus.ACTIVE
            project = Project(
                id=_keys.local_id("PRJ", number),
                psa_id=_keys.numeric_id(900_000, number),
                erp_id=_keys.numeric_id(300_000, number),
                external_ref=opp.crm_id,
                sow_id=sow.id,
                opportunity_id=opp.id,
                account_id=opp.account_id,
                legal_entity_id=opp.legal_entity_id,
                practice_id=opp.practice_id,
                project_manager_id="",
                name=sow.title,
                billing_model=opp.billing_model,
                currency=opp.currency,
                budget_minor=opp.amount_minor,
                planned_hours=hours,
                start_date=sow.start_date,
                end_date=sow.end_date,
                status=status,
            )
            firm.projects.append(project)
            self.weeks[project.id] = weeks
            self._change_order(project)
            tasks = self._tasks(project, code, weeks)
            self._milestones(project, tasks)

    def _tasks(self, project: Project, code: str, weeks: int) -> list[Task]:
        tasks: list[Task] = []
        phases = PHASES_BY_PRACTICE[code][: max(1, min(weeks // 2, 6))]
        bounds = [round(weeks * i / len(phases)) for i in range(len(phases) + 1)]
        for i, phase in enumerate(phases):
            number = len(self.firm.tasks) + 1
            start = project.start_date + dt.timedelta(weeks=bounds[i])
            end = project.start_date + dt.timedelta(weeks=bounds[i + 1], days=-3)
            tasks.append(
                Task(
                    id=_keys.local_id("TSK", number, 7),
                    psa_id=_keys.numeric_id(10_000_000, number),
                    project_id=project.id,
                    name=phase,
                    start_date=start,
                    end_date=end,
                    estimated_hours=round(
                        project.planned_hours * (bounds[i + 1] - bounds[i]) / weeks, 1
                    ),
                )
            )
            self.firm.tasks.append(tasks[-1])
        return tasks

    def _milestones(self, project: Project, tasks: list[Task]) -> None:
        model = project.billing_model
        if model is BillingModel.TIME_AND_MATERIALS:
            return
        if model is BillingModel.RETAINER:
            plan: list[tuple[str, dt.date]] = []
            month = project.start_date
            while month <= project.end_date:
                end = min(month_end(month), project.end_date)
                plan.append((f"Retainer {month:%b %Y}", end))
                month = end + dt.timedelta(days=1)
            shares = [1.0] * len(plan)
        elif model is BillingModel.FIXED_FEE:
            span = project.end_date - project.start_date
            plan = [
                ("Mobilization", project.start_date + dt.timedelta(days=13)),
                ("Interim acceptance", project.start_date + dt.timedelta(days=span.days // 2)),
                ("Final acceptance", project.end_date),
            ]
            shares = [0.3, 0.4, 0.3]
        else:
            plan = [(f"{t.name} sign-off", t.end_date) for t in tasks]
            shares = [1.0] * len(plan)
        weight = sum(shares)
        amounts = [int(project.budget_minor * s // weight) for s in shares]
        amounts[-1] += project.budget_minor - sum(amounts)
        for (name, due), amount in zip(plan, amounts, strict=True):
            while due.weekday() >= 5:
                due -= dt.timedelta(days=1)
            number = len(self.firm.milestones) + 1
            done = due < self.ctx.as_of
            self.firm.milestones.append(
                Milestone(
                    id=_keys.local_id("MIL", number, 7),
                    psa_id=_keys.numeric_id(20_000_000, number),
                    project_id=project.id,
                    name=name,
                    due_date=due,
                    amount_minor=amount,
                    status=MilestoneStatus.COMPLETED if done else MilestoneStatus.PENDING,
                    completed_date=due if done else None,
                )
            )

    def staffing(self) -> None:
        ctx, firm = self.ctx, self.firm
        if not firm.projects:
            return
        grid_start = min(p.start_date for p in firm.projects)
        staffing = Staffing(ctx, firm.consultants, grid_start)
        levels = [lv.level for lv in LEVELS]
        total = len(firm.projects)
        people = {p.id: p for p in firm.consultants}
        # Longest-running work is staffed first, like a resourcing desk does.
        for done, project in enumerate(sorted(firm.projects, key=lambda p: p.start_date), 1):
            rates = {
                level: (
                    self.role_id[project.practice_id, level],
                    self.rate[project.legal_entity_id, project.practice_id, level],
                )
                for level in levels
            }
            team = staffing.staff(project, self.weeks[project.id], rates, len(firm.assignments) + 1)
            firm.assignments.extend(team)
            if team:
                lead = max(team, key=lambda a: (people[a.consultant_id].level, a.hours_per_week))
                project.project_manager_id = lead.consultant_id
            else:
                project.project_manager_id = self._fallback_manager(project)
            if done % 1000 == 0:
                _notify(self.on_progress, "staffing", done, total)
        firm.assignments.sort(key=lambda a: a.id)

    def _fallback_manager(self, project: Project) -> str:
        for person in self.firm.consultants:
            if person.practice_id == project.practice_id and person.level >= 4:
                return person.id
        return self.firm.consultants[0].id

    def _change_order(self, project: Project) -> None:
        """Some running projects get a scope extension; approved ones are in the plan."""
        ctx, firm = self.ctx, self.firm
        rng = ctx.rng
        if project.start_date < ctx.as_of and rng.random() < 0.12:
            weeks = self.weeks[project.id]
            extension = max(1, round(weeks * rng.uniform(0.1, 0.3)))
            requested = project.start_date + dt.timedelta(
                days=rng.randint(
                    7, max(7, (min(project.end_date, ctx.as_of) - project.start_date).days)
                )
            )
            requested = min(requested, ctx.as_of - dt.timedelta(days=1))
            approved = requested < ctx.as_of - dt.timedelta(days=14)
            delta = max(100_000, int(round(project.budget_minor * extension / weeks, -5)))
            hours = round(project.planned_hours * extension / weeks, 1)
            previous = project.end_date
            new = previous + dt.timedelta(weeks=extension)
            if approved:
                project.end_date = new
                project.budget_minor += delta
                project.planned_hours = round(project.planned_hours + hours, 1)
                self.weeks[project.id] = weeks + extension
                if new >= ctx.as_of:
                    project.status = ProjectStatus.ACTIVE
            firm.change_orders.append(
                ChangeOrder(
                    id=_keys.local_id("CO", len(firm.change_orders) + 1),
                    project_id=project.id,
                    sow_id=project.sow_id,
                    title=f"Scope extension: {extension} week{'s' if extension > 1 else ''}",
                    requested_date=requested,
                    status=ChangeOrderStatus.APPROVED if approved else ChangeOrderStatus.PENDING,
                    approved_date=requested + dt.timedelta(days=rng.randint(2, 10))
                    if approved
                    else None,
                    amount_delta_minor=delta,
                    hours_delta=hours,
                    previous_end_date=previous,
                    new_end_date=new,
                )
            )

    def time_entries(self) -> None:
        firm = self.firm
        consultants = {p.id: p for p in firm.consultants}
        projects = {p.id: p for p in firm.projects}
        sheets = Timesheets(self.ctx, firm.tasks)
        total = len(firm.assignments)
        firm.time_entries = sheets.time_entries(
            firm.assignments,
            consultants,
            projects,
            lambda done: _notify(self.on_progress, "time entries", done, total),
        )
        firm.expenses = sheets.expenses(firm.assignments, consultants, projects)

    def billing(self) -> None:
        firm = self.firm
        result = bill(self.ctx, firm.projects, firm.assignments, firm.milestones, firm.time_entries)
        firm.invoices = result.invoices
        firm.invoice_lines = result.lines
        firm.revenue_events = result.revenue

"""The accounts of the scenario, built from the catalog: companies, tracking numbers, staff and tags."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

from tui.sim import catalog
from tui.sim.state import Account, Company, Tag, Tracker, User


def masked_id(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{rng.getrandbits(128):032x}"


def build_account(rng: random.Random, spec: catalog.AccountSpec, api_key: str, start: datetime) -> Account:
    created = (start - timedelta(days=rng.randint(400, 900))).replace(microsecond=0)
    owner = User(
        masked_id(rng, "USR"),
        spec.owner[0],
        spec.owner[1],
        f"{spec.owner[0].lower()}@{spec.owner_domain}",
        "admin",
        [],
        created,
    )
    account = Account(
        id=masked_id(rng, "ACC"),
        numeric_id=rng.randint(100_000_000, 999_999_999),
        name=spec.name,
        api_key=api_key,
        owner_id=owner.id,
        created_at=created,
    )
    account.users[owner.id] = owner
    tag_ids = itertools.count(rng.randint(4_100_000, 4_800_000))
    for company_spec in spec.companies:
        company_created = created + timedelta(days=rng.randint(0, 60), seconds=rng.randint(0, 86_399))
        company = Company(
            id=masked_id(rng, "COM"),
            name=company_spec.name,
            time_zone=company_spec.time_zone,
            industry=company_spec.industry,
            city=company_spec.city,
            state=company_spec.state,
            area_codes=company_spec.area_codes,
            website=f"https://www.{company_spec.domain}",
            created_at=company_created,
            weight=company_spec.weight,
            weekend_factor=company_spec.weekend_factor,
        )
        account.companies[company.id] = company
        owner.company_ids.append(company.id)
        main_code = company_spec.area_codes[0]
        office = f"+1{main_code}5550110"
        for n, source in enumerate(company_spec.sources):
            tracker = Tracker(
                id=masked_id(rng, "TRK"),
                name=source.name,
                company_id=company.id,
                source=source.name,
                medium=source.medium,
                source_rule=source.rule,
                tracking_number=f"+1{main_code}55501{n:02d}",
                destination_number=office,
                created_at=company_created + timedelta(days=n + 1),
                weight=source.weight,
                campaign=source.campaign,
            )
            account.trackers[tracker.id] = tracker
        for first, last in company_spec.staff:
            user = User(
                masked_id(rng, "USR"),
                first,
                last,
                f"{first.lower()}.{last.lower()}@{company_spec.domain}",
                "manager",
                [company.id],
                company_created + timedelta(days=rng.randint(1, 200)),
            )
            account.users[user.id] = user
        for name in catalog.COMMON_TAGS + company_spec.tags:
            tag_id = next(tag_ids)
            color = catalog.TAG_COLORS[tag_id % len(catalog.TAG_COLORS)]
            account.tags[tag_id] = Tag(tag_id, name, company.id, color, company_created + timedelta(days=2))
    return account

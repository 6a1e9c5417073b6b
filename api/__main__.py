"""python -m api (make run): migrate, seed demo data, print demo tokens, serve with uvicorn."""

from __future__ import annotations

import asyncio
import shlex
import sys
import uuid
from datetime import timedelta

import uvicorn

from adapters.clock import RandomIds, SystemClock
from adapters.db.engine import make_engine
from adapters.db.migrate import upgrade_to_head
from adapters.db.uow import SqlUnitOfWorkFactory
from adapters.logging import configure_logging
from api.app import organisation_directory
from api.demo import DEMO_VOLUNTEER_ID, DemoSummary, seed
from api.settings import Settings, SettingsError, settings_from_env
from api.tokens import claims_for, mint
from domain.model.calendar import local_date
from domain.policy import TOKEN_ROLES, Role

DEMO_ORGS = {Role.REFERRER: "ura:01234567", Role.MUNICIPALITY: "GM0363"}
TOKEN_HOURS = 12


async def prepare(settings: Settings) -> DemoSummary | None:
    """Migrates; seeds the demo data when asked (never in production): what it added."""
    engine = make_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        if not settings.demo_data or settings.production:
            return None
        factory = SqlUnitOfWorkFactory(engine, clock=SystemClock(), ids=RandomIds())
        return await seed(factory, organisation_directory(settings))
    finally:
        await engine.dispose()


def demo_tokens(settings: Settings) -> dict[Role, str]:
    tokens = {}
    for role in sorted(TOKEN_ROLES, key=lambda r: r.value):
        claims = claims_for(
            role=role,
            organisation=DEMO_ORGS.get(role, "mim-demo"),
            settings=settings,
            subject=f"demo-{role.value}",
            volunteer_id=DEMO_VOLUNTEER_ID if role is Role.VOLUNTEER else None,
            municipalities=["GM0363"] if role is Role.MUNICIPALITY else None,
            valid_seconds=TOKEN_HOURS * 3600,
        )
        tokens[role] = mint(settings, claims)
    return tokens


def banner(settings: Settings, tokens: dict[Role, str]) -> str:
    base = f"http://{settings.host}:{settings.port}"
    reference = f"DEMO-CURL-{uuid.uuid4().hex[:10]}"
    body = (
        '{"verwijzer":{"type":"consultatiebureau","organisatieId":{"schema":"ura",'
        f'"waarde":"01234567"}},"naam":"JGZ Oost","referentie":"{reference}"}},'
        '"moeder":{"roepnaam":"Samira","achternaam":"Bouzid","telefoon":"06 12345678",'
        '"adres":{"straat":"Javastraat","huisnummer":12,"postcode":"1094 AB",'
        '"woonplaats":"Amsterdam"}},"kind":{"geboortedatum":"__BIRTH__","eersteKind":true},'
        '"aanmelding":{"uitvoerendeOrganisatie":"mim-demo","gemeente":"GM0363",'
        '"redenen":["onzeker_opvoeding"]},"toestemming":{"gegeven":true,"datum":"__CONSENT__",'
        '"wijze":"mondeling","vastgelegdDoor":{"rol":"jeugdverpleegkundige"},'
        '"scope":["delen_met_mim","terugkoppeling_aan_verwijzer"],"informatietekstVersie":"2026-1"}}'
    )
    today = local_date(SystemClock().now())
    body = body.replace("__BIRTH__", (today - timedelta(days=60)).isoformat())
    body = body.replace("__CONSENT__", (today - timedelta(days=1)).isoformat())
    lines = [
        "",
        f"mim-koppelvlak luistert op {base}  (OpenAPI: {base}/v1/openapi.json, "
        f"Swagger UI: {base}/v1/docs, GraphiQL: {base}/v1/graphiql)",
        f"Demo-tokens ({TOKEN_HOURS} uur geldig), één per rol:",
    ]
    lines += [f"  {role.value:<22} {token}" for role, token in tokens.items()]
    post = (
        f"curl -sS -X POST {base}/v1/verwijzingen "
        f"-H {shlex.quote('Authorization: Bearer ' + tokens[Role.REFERRER])} "
        f"-H 'Content-Type: application/json' "
        f"-H 'Idempotency-Key: {uuid.uuid4()}' -d {shlex.quote(body)}"
    )
    get = (
        f"curl -sS {base}/v1/trajecten?limit=5 "
        f"-H {shlex.quote('Authorization: Bearer ' + tokens[Role.COORDINATOR])}"
    )
    lines += [
        "",
        "Een verwijzing aanmelden (als verwijzer):",
        "  " + post,
        "",
        "Trajecten lezen (als coördinator):",
        "  " + get,
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    try:
        settings = settings_from_env()
    except SettingsError as error:
        sys.stderr.write(f"mim-koppelvlak: {error}\n")
        return 2
    configure_logging(json=True)
    added = asyncio.run(prepare(settings))
    if not settings.production:
        if added is not None:
            sys.stdout.write(
                f"Demodata: {added.referrals} nieuwe verwijzingen, {added.volunteers} nieuwe "
                f"vrijwilligers, {added.visits} nieuwe huisbezoeken, "
                f"{added.meldcode_cases} nieuwe Meldcode-casussen.\n"
            )
        sys.stdout.write(banner(settings, demo_tokens(settings)) + "\n")
        sys.stdout.flush()
    uvicorn.run(
        "api.app:create_app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=not settings.production,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

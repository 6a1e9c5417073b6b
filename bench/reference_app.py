"""Bare FastAPI referral intake: the yardstick for `make bench` (TECH-NOTES §11-12).

Same body as `POST /v1/verwijzingen`, one Pydantic model tree, one
`INSERT ... ON CONFLICT DO NOTHING RETURNING` through an asyncpg pool, 201. No auth, no
idempotency store, no audit, no outbox: everything the service adds is measured against this.

    DATABASE_URL=postgresql+asyncpg://... uvicorn --app-dir bench reference_app:app
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Literal

import asyncpg
from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_referral (
    id uuid PRIMARY KEY,
    referentie text UNIQUE NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz DEFAULT now()
)
"""
INSERT = """
INSERT INTO bench_referral (id, referentie, body) VALUES ($1, $2, $3::jsonb)
ON CONFLICT (referentie) DO NOTHING RETURNING id
"""

Text100 = Annotated[str, Field(min_length=1, max_length=100)]


class Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class OrganisatieId(Body):
    schema_: Literal["ura", "oin", "kvk", "intern"] = Field(alias="schema")
    waarde: Annotated[str, Field(min_length=1, max_length=64)]


class Verwijzer(Body):
    type: str
    organisatie_id: OrganisatieId
    naam: Annotated[str, Field(min_length=1, max_length=200)]
    referentie: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:/-]{1,64}$")]
    contact_rol: Text100 | None = None
    contact_telefoon: Text100 | None = None
    contact_email: Annotated[str, Field(max_length=254)] | None = None


class Adres(Body):
    straat: Text100
    huisnummer: Annotated[int, Field(ge=1, le=99999)]
    huisnummertoevoeging: Annotated[str, Field(max_length=10)] | None = None
    postcode: Annotated[str, Field(pattern=r"^[1-9]\d{3} ?[A-Z]{2}$")]
    woonplaats: Annotated[str, Field(min_length=1, max_length=80)]


class Moeder(Body):
    roepnaam: Text100
    achternaam: Text100
    telefoon: Text100
    email: Annotated[str, Field(max_length=254)] | None = None
    taalvoorkeur: Annotated[
        list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]], Field(max_length=5)
    ] = []
    adres: Adres
    adres_geheim: bool = False
    tolk_nodig: bool = False


class Kind(Body):
    geboortedatum: date
    eerste_kind: bool
    roepnaam: Annotated[str, Field(max_length=100)] | None = None


class Aanmelding(Body):
    uitvoerende_organisatie: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{2,64}$")]
    gemeente: Annotated[str, Field(pattern=r"^GM\d{4}$")]
    redenen: Annotated[list[str], Field(min_length=1, max_length=5)]
    toelichting: Annotated[str, Field(max_length=500)] | None = None


class VastgelegdDoor(Body):
    rol: Text100
    organisatie_naam: Annotated[str, Field(max_length=200)] | None = None


class Toestemming(Body):
    gegeven: bool
    datum: date
    wijze: Literal["mondeling", "schriftelijk", "digitaal"]
    vastgelegd_door: VastgelegdDoor
    scope: list[Literal["delen_met_mim", "terugkoppeling_aan_verwijzer"]]
    informatietekst_versie: Annotated[str, Field(min_length=1, max_length=50)]


class Verwijzing(Body):
    verwijzer: Verwijzer
    moeder: Moeder
    kind: Kind
    aanmelding: Aanmelding
    toestemming: Toestemming


class Aangemaakt(BaseModel):
    id: uuid.UUID | None


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(asyncpg_dsn(os.environ["DATABASE_URL"]))
    async with pool.acquire() as conn:
        await conn.execute(CREATE_TABLE)
    app.state.pool = pool
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/v1/verwijzingen", status_code=201)
async def intake(verwijzing: Verwijzing, request: Request) -> Aangemaakt:
    pool: asyncpg.Pool = request.app.state.pool
    new_id = await pool.fetchval(
        INSERT,
        uuid.uuid4(),
        verwijzing.verwijzer.referentie,
        verwijzing.model_dump_json(by_alias=True),
    )
    return Aangemaakt(id=new_id)

"""The GraphQL schema (CONTRACT §17): queries, mutations, the event subscription (issue 6),
limits, error masking."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.graphql.event_types import Gebeurtenis
from api.graphql.failure_audit import FailureAudit
from api.graphql.lifecycle_results import (
    BegeleidingVastleggenResultaat,
    HuisbezoekCorrigerenResultaat,
    HuisbezoekVastleggenResultaat,
    TrajectBijwerkenResultaat,
    TrajectOvergangResultaat,
    VrijwilligerAanmakenResultaat,
    VrijwilligerBijwerkenResultaat,
)
from api.graphql.meldcode_types import (
    MeldcodeCasus,
    MeldcodeCasusVerbinding,
    MeldcodeStapVastleggenResultaat,
    Signaal,
    SignaalMeldenResultaat,
)
from api.graphql.related_types import Matchvoorstel, Vrijwilliger, VrijwilligerVerbinding
from api.graphql.resolvers import (
    events,
    lifecycle,
    meldcode,
    referrals,
    subscriptions,
    trajectories,
    volunteers,
)
from api.graphql.results import AanmeldenResultaat
from api.graphql.subscription_types import (
    AbonnementAanmakenResultaat,
    AbonnementVerbinding,
    AbonnementVerwijderenResultaat,
    AfleveringOpnieuwResultaat,
    AfleveringVerbinding,
)
from api.graphql.traject import Traject, TrajectVerbinding
from api.graphql.transports import TransportRules
from api.graphql.types import VerwijzingStatus, VerwijzingStatusLijst
from domain.errors import DomainError, RuleViolation

INTERNAL_ERROR = "interne-fout"


@strawberry.type
class Query:
    verwijzing: VerwijzingStatus | None = strawberry.field(resolver=referrals.verwijzing)
    verwijzingen: VerwijzingStatusLijst = strawberry.field(resolver=referrals.verwijzingen)
    traject: Traject | None = strawberry.field(resolver=trajectories.traject)
    trajecten: TrajectVerbinding = strawberry.field(resolver=trajectories.trajecten)
    vrijwilliger: Vrijwilliger | None = strawberry.field(resolver=volunteers.vrijwilliger)
    vrijwilligers: VrijwilligerVerbinding = strawberry.field(resolver=volunteers.vrijwilligers)
    matchvoorstellen: list[Matchvoorstel] | None = strawberry.field(
        resolver=volunteers.matchvoorstellen
    )
    meldcode_casus: MeldcodeCasus | None = strawberry.field(resolver=meldcode.meldcode_casus)
    meldcode_casussen: MeldcodeCasusVerbinding = strawberry.field(
        resolver=meldcode.meldcode_casussen
    )
    signaal: Signaal | None = strawberry.field(resolver=meldcode.signaal)
    abonnementen: AbonnementVerbinding = strawberry.field(resolver=subscriptions.abonnementen)
    afleveringen: AfleveringVerbinding | None = strawberry.field(
        resolver=subscriptions.afleveringen
    )


@strawberry.type
class Mutation:
    aanmelden: AanmeldenResultaat = strawberry.field(resolver=referrals.aanmelden)
    traject_bijwerken: TrajectBijwerkenResultaat = strawberry.field(
        resolver=lifecycle.traject_bijwerken
    )
    traject_overgang: TrajectOvergangResultaat = strawberry.field(
        resolver=lifecycle.traject_overgang
    )
    huisbezoek_vastleggen: HuisbezoekVastleggenResultaat = strawberry.field(
        resolver=lifecycle.huisbezoek_vastleggen
    )
    huisbezoek_corrigeren: HuisbezoekCorrigerenResultaat = strawberry.field(
        resolver=lifecycle.huisbezoek_corrigeren
    )
    vrijwilliger_aanmaken: VrijwilligerAanmakenResultaat = strawberry.field(
        resolver=volunteers.vrijwilliger_aanmaken
    )
    vrijwilliger_bijwerken: VrijwilligerBijwerkenResultaat = strawberry.field(
        resolver=volunteers.vrijwilliger_bijwerken
    )
    begeleiding_vastleggen: BegeleidingVastleggenResultaat = strawberry.field(
        resolver=volunteers.begeleiding_vastleggen
    )
    signaal_melden: SignaalMeldenResultaat = strawberry.field(resolver=meldcode.signaal_melden)
    meldcode_stap_vastleggen: MeldcodeStapVastleggenResultaat = strawberry.field(
        resolver=meldcode.meldcode_stap_vastleggen
    )
    abonnement_aanmaken: AbonnementAanmakenResultaat = strawberry.field(
        resolver=subscriptions.abonnement_aanmaken
    )
    abonnement_verwijderen: AbonnementVerwijderenResultaat = strawberry.field(
        resolver=subscriptions.abonnement_verwijderen
    )
    aflevering_opnieuw: AfleveringOpnieuwResultaat = strawberry.field(
        resolver=subscriptions.aflevering_opnieuw
    )


@strawberry.type
class Subscription:
    gebeurtenissen: AsyncGenerator[Gebeurtenis, None] = strawberry.subscription(
        resolver=events.gebeurtenissen,
        description="De gebeurtenissen die het token mag zien, op volgnummer, daarna elke nieuwe "
        "zodra die er is; alleen over de websocket (graphql-transport-ws).",
    )


def is_unexpected(error: GraphQLError) -> bool:
    """Validation and domain errors keep their message; anything else is masked."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


class CodedMaskErrors(MaskErrors):
    """MaskErrors that also says `extensions.code: "interne-fout"`, like REST's problem."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": INTERNAL_ERROR},
        )


class MimSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Runs before masking: a domain error gets its contract code (`geen-bevoegdheid`),
        an unexpected one is logged once, by type only (its text may hold personal data)."""
        log = structlog.get_logger("mim.graphql")
        for error in errors:
            original = error.original_error
            if isinstance(original, DomainError):
                extra: dict[str, object] = {"code": original.code}
                if isinstance(original, RuleViolation):
                    # The caller's input was refused: the marker generic clients read for that.
                    extra["classification"] = "BAD_USER_INPUT"
                    extra["invalidParams"] = [
                        {"name": p.name, "code": p.code, "reason": p.reason}
                        for p in original.problems
                    ]
                error.extensions = {**(error.extensions or {}), **extra}
            elif is_unexpected(error):
                log.error(INTERNAL_ERROR, error_type=type(original).__name__, path=error.path)


def _utc(value: datetime) -> str:
    """Output always UTC with `Z` (CONTRACT §1)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


DATE_TIME = strawberry.scalar(
    name="DateTime",
    description="RFC 3339-tijdstip, altijd in UTC (`Z`).",
    serialize=_utc,
    parse_value=datetime.fromisoformat,
)


def _extensions(*, production: bool) -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    # Factories, not instances: an instance would be shared by concurrent requests.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=10),
        lambda: MaxTokensLimiter(max_token_count=2000),
        lambda: MaxAliasesLimiter(max_alias_count=20),
        lambda: CodedMaskErrors(should_mask_error=is_unexpected, error_message=INTERNAL_ERROR),
        FailureAudit,
        TransportRules,
    ]
    if production:
        extensions.append(DisableIntrospection)
    return extensions


def build_schema(*, production: bool) -> MimSchema:
    config = StrawberryConfig(
        disable_field_suggestions=production, scalar_map={datetime: DATE_TIME}
    )
    extensions: Any = _extensions(production=production)
    return MimSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=config,
    )


def sdl() -> str:
    """The SDL committed as openapi/schema.graphql (the same in every environment)."""
    return build_schema(production=False).as_str()

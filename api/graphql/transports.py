"""Which operations each GraphQL transport takes: queries and mutations over POST /v1/graphql,
subscriptions only over its websocket (graphql-transport-ws). The other kind is refused during
validation, before anything runs, as a GraphQL error with `extensions.code:
"methode-niet-toegestaan"` (the REST code for a method a resource does not take)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Final

from graphql import GraphQLError, OperationDefinitionNode, OperationType, ValidationRule
from strawberry.extensions import SchemaExtension

from api.graphql.socket_context import SocketContext

WRONG_TRANSPORT: Final = "methode-niet-toegestaan"


class _TransportRule(ValidationRule):
    refused: ClassVar[frozenset[OperationType]]
    message: ClassVar[str]

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
        if node.operation in self.refused:
            extensions = {"code": WRONG_TRANSPORT}
            self.report_error(GraphQLError(self.message, node, extensions=extensions))


class OnlySubscriptions(_TransportRule):
    refused = frozenset({OperationType.QUERY, OperationType.MUTATION})
    message = "Over de websocket alleen subscriptions; queries en mutaties met POST /v1/graphql."


class NoSubscriptions(_TransportRule):
    refused = frozenset({OperationType.SUBSCRIPTION})
    message = "Een subscription alleen over de websocket op /v1/graphql (graphql-transport-ws)."


class TransportRules(SchemaExtension):
    """Adds the rule of the operation's transport, told by its context."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        rule = OnlySubscriptions if isinstance(context.context, SocketContext) else NoSubscriptions
        context.validation_rules = (*context.validation_rules, rule)
        yield

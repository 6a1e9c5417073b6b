"""delivery claim indexes: pending rows in volgnummer order, urgent ones apart

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 11:00:00

The relay's claim ranked every due row before it took its batch: about 55 ms per claim on
PostgreSQL with 10,000 deliveries waiting. With these partial indexes it walks pending rows
in order and stops at its batch.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "status IN ('gepland', 'mislukt')"


def upgrade() -> None:
    for name, where in (
        ("ix_delivery_pending_order", PENDING),
        ("ix_delivery_pending_urgent", f"{PENDING} AND priority > 0"),
    ):
        op.create_index(
            name,
            "delivery",
            ["volgnummer"],
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def downgrade() -> None:
    op.drop_index("ix_delivery_pending_urgent", table_name="delivery")
    op.drop_index("ix_delivery_pending_order", table_name="delivery")

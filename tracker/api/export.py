from django.db.models import F

from partners.streaming import CHUNK_ROWS, ExportView, updated_since
from tracker.models import Claim

COLUMNS = (
    "id", "statement", "figure_text", "value", "value_max", "unit", "qualifier", "is_attributed",
    "subject_initiative", "subject_entity", "status", "needs_independent_verification",
    "evidence_url", "reviewed_at", "created_at", "updated_at",
)  # fmt: skip
PLAIN = tuple(c for c in COLUMNS if not c.startswith("subject_"))


class ClaimExportView(ExportView):
    """Every claim with its verdict, oldest first; subjects by slug."""

    name = "claims"
    columns = COLUMNS

    def rows(self, request):
        queryset = Claim.objects.visible()  # as the API lists them
        since = updated_since(request)
        if since:
            queryset = queryset.filter(updated_at__gte=since)
        rows = (
            queryset.order_by("id")
            .values(
                *PLAIN,
                initiative_slug=F("subject_initiative__slug"),
                entity_slug=F("subject_entity__slug"),
            )  # fmt: skip
            .iterator(chunk_size=CHUNK_ROWS)
        )
        for row in rows:
            row["subject_initiative"] = row.pop("initiative_slug")
            row["subject_entity"] = row.pop("entity_slug")
            yield row

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from reex.api.streaming import CHUNK_ROWS, ExportView, updated_since
from tracker.models import Claim, ClaimAppearance

COLUMNS = (
    "id", "statement", "statement_article", "figure_text", "measure", "value", "value_max",
    "unit", "per", "period", "bound", "outlook", "implausible", "is_attributed",
    "subject_initiative", "subject_entity", "status", "needs_independent_verification",
    "needs_rereview", "evidence_url", "reviewed_at", "created_at", "updated_at",
)  # fmt: skip
PLAIN = tuple(c for c in COLUMNS if not c.startswith(("subject_", "statement")))


class ClaimExportView(ExportView):
    """Every claim with its verdict, oldest first; subjects by slug."""

    name = "claims"
    columns = COLUMNS

    def rows(self, request):
        queryset = Claim.objects.visible()  # as the API lists them
        since = updated_since(request)
        if since:
            queryset = queryset.filter(updated_at__gte=since)
        first = ClaimAppearance.objects.filter(claim=OuterRef("pk")).order_by("article_id")
        rows = (
            queryset.order_by("id")
            .values(
                *PLAIN,
                initiative_slug=F("subject_initiative__slug"),
                entity_slug=F("subject_entity__slug"),
                # Quoted in the words of one article, named beside it (the first by id).
                quoted=Coalesce(Subquery(first.values("sentence")[:1]), F("statement")),
                statement_article=Subquery(first.values("article_id")[:1]),
            )  # fmt: skip
            .iterator(chunk_size=CHUNK_ROWS)
        )
        for row in rows:
            row["statement"] = row.pop("quoted")
            row["subject_initiative"] = row.pop("initiative_slug")
            row["subject_entity"] = row.pop("entity_slug")
            yield row

from datetime import datetime

from django.db.models import Exists, Max, OuterRef, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from reex.api.filters import ID_REGEX, SLUG_REGEX
from reex.api.views import PartnerListViewSet, PartnerViewSet
from tracker.models import (
    Claim,
    ClaimAppearance,
    ClaimDeletion,
    Entity,
    EntityAlias,
    EntityMerge,
    Initiative,
    InitiativeAlias,
    InitiativeSponsor,
    Topic,
)
from tracker.selectors import entity_merged_into

from .filters import (
    ClaimDeletionFilter,
    ClaimFilter,
    EntityFilter,
    EntityMergeFilter,
    InitiativeFilter,
    TopicFilter,
)
from .serializers import (
    ClaimDeletionSerializer,
    ClaimSerializer,
    EntityMergeSerializer,
    EntitySerializer,
    InitiativeDetailSerializer,
    InitiativeSerializer,
    TopicSerializer,
)

MERGED = OpenApiResponse(
    description="The slug of an entity merged into another: `Location` is that entity's URL."
)
LOCATION = OpenApiParameter("Location", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[301])


class EntityViewSet(PartnerViewSet):
    serializer_class = EntitySerializer
    filterset_class = EntityFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    queryset = Entity.objects.prefetch_related(
        Prefetch("aliases", EntityAlias.objects.public().only("id", "entity_id", "text"))
    )

    @extend_schema(responses={200: EntitySerializer, 301: MERGED}, parameters=[LOCATION])
    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            into = entity_merged_into(slug=kwargs[self.lookup_field])
            if into is None:
                raise
        return HttpResponsePermanentRedirect(reverse("api:entity-detail", args=[into.slug]))


class EntityMergeViewSet(PartnerListViewSet):
    """Entities merged into others, and so deleted: the entities' tombstones, for sync.

    A slug that a newer entity has taken since is left out: it names that entity now.
    """

    serializer_class = EntityMergeSerializer
    filterset_class = EntityMergeFilter
    queryset = (
        EntityMerge.objects.filter(~Exists(Entity.objects.filter(slug=OuterRef("slug"))))
        .select_related("into")
        .only("id", "former_id", "slug", "name", "kind", "merged_at", "updated_at", "into__slug")
    )


class ClaimDeletionViewSet(PartnerListViewSet):
    """Claims deleted (folded into another by a merge, or no longer made by any article): the
    claims' tombstones, for sync."""

    serializer_class = ClaimDeletionSerializer
    filterset_class = ClaimDeletionFilter
    queryset = ClaimDeletion.objects.all()


class InitiativeViewSet(PartnerViewSet):
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    queryset = Initiative.objects.prefetch_related(
        Prefetch("aliases", InitiativeAlias.objects.public().only("id", "initiative_id", "text")),
        Prefetch(
            "sponsorships",
            InitiativeSponsor.objects.select_related("entity").only(
                "id", "initiative_id", "role", "entity__slug"
            ),
        ),
        Prefetch("jurisdictions", Entity.objects.only("id", "slug")),
        "facts",
    )

    def get_serializer_class(self):
        return InitiativeDetailSerializer if self.action == "retrieve" else InitiativeSerializer

    def changed_at(self, obj) -> datetime:
        if self.action != "retrieve":
            return obj.updated_at
        # The detail shows conflicts, which change with the claims about the initiative.
        latest = Claim.objects.about_initiative(obj).aggregate(latest=Max("updated_at"))["latest"]
        return max(filter(None, (obj.updated_at, latest)))


class TopicViewSet(PartnerViewSet):
    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    queryset = Topic.objects.prefetch_related(
        Prefetch("entities", Entity.objects.only("id", "slug")),
        Prefetch("initiatives", Initiative.objects.only("id", "slug")),
    )


class ClaimViewSet(PartnerViewSet):
    """Claims and editors' verdicts on them; ``updated_since`` for incremental sync (claims no
    longer stated in any published article included as tombstones)."""

    serializer_class = ClaimSerializer
    lookup_value_regex = ID_REGEX
    filterset_class = ClaimFilter
    ordering_fields = ["id", "updated_at", "created_at"]
    # A claim's articles are its published ones.
    queryset = (
        Claim.objects.with_visibility()
        .select_related("subject_initiative", "subject_entity")
        .prefetch_related(
            Prefetch("initiatives", Initiative.objects.only("id", "slug")),
            Prefetch("entities", Entity.objects.only("id", "slug")),
            Prefetch(
                "appearances",
                ClaimAppearance.objects.visible()
                .only("id", "claim_id", "article_id", "sentence", "location")
                .order_by("article_id"),
            ),
        )
    )

    def get_queryset(self):
        # Readers never see a claim whose articles are all hidden; a sync needs it, to delete
        # its copy (as articles' tombstones).
        queryset = super().get_queryset()
        if self.action == "retrieve" or "updated_since" not in self.request.query_params:
            queryset = queryset.filter(is_visible=True)
        return queryset

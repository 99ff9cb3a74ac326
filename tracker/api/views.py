from datetime import datetime

from django.db.models import Max, Prefetch

from partners.api import PartnerViewSet
from partners.filters import ID_REGEX, SLUG_REGEX
from tracker.models import (
    Claim,
    ClaimAppearance,
    Entity,
    EntityAlias,
    Initiative,
    InitiativeAlias,
    InitiativeSponsor,
    Topic,
)

from .filters import ClaimFilter, EntityFilter, InitiativeFilter, TopicFilter
from .serializers import (
    ClaimSerializer,
    EntitySerializer,
    InitiativeDetailSerializer,
    InitiativeSerializer,
    TopicSerializer,
)


class EntityViewSet(PartnerViewSet):
    serializer_class = EntitySerializer
    filterset_class = EntityFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    queryset = Entity.objects.prefetch_related(
        Prefetch("aliases", EntityAlias.objects.only("id", "entity_id", "text"))
    )


class InitiativeViewSet(PartnerViewSet):
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    queryset = Initiative.objects.prefetch_related(
        Prefetch("aliases", InitiativeAlias.objects.only("id", "initiative_id", "text")),
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
    """Claims and editors' verdicts on them; ``updated_since`` returns verdicts given since."""

    serializer_class = ClaimSerializer
    lookup_value_regex = ID_REGEX
    filterset_class = ClaimFilter
    ordering_fields = ["id", "updated_at", "created_at"]
    queryset = Claim.objects.select_related(
        "subject_initiative", "subject_entity"
    ).prefetch_related(
        Prefetch("initiatives", Initiative.objects.only("id", "slug")),
        Prefetch("entities", Entity.objects.only("id", "slug")),
        Prefetch("appearances", ClaimAppearance.objects.only("id", "claim_id", "article_id")),
    )

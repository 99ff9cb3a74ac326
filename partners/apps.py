from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners: API keys and webhooks"

    def ready(self) -> None:
        from tracker import events

        events.event_recorded.connect(_event_recorded, dispatch_uid="partners.dispatch")


def _event_recorded(sender, *, event_id: int, **kwargs) -> None:
    """The tracker's outbox has a new event (after its commit): fan it out now, not at the next
    sweep. If this enqueue is lost, the sweep still finds the event."""
    from .tasks import dispatch_events

    dispatch_events.delay([event_id])

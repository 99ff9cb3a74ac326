from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from reex.api.permissions import SCOPES

from . import services
from .models import WEBHOOK_EVENTS, ApiKey, Webhook, WebhookDelivery


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in SCOPES], widget=forms.CheckboxSelectMultiple, initial=["read"]
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes", "rate_per_minute"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "scopes", "rate_per_minute", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        created, raw = services.api_key_create(
            name=obj.name, scopes=form.cleaned_data["scopes"], rate_per_minute=obj.rate_per_minute
        )
        obj.pk, obj.prefix, obj.key_hash = created.pk, created.prefix, created.key_hash
        # The only time the key is ever shown: it is not stored, only its hash.
        self.message_user(
            request,
            f"The key for {obj.name} is {raw} — copy it now, it will not be shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for api_key in queryset:
            services.api_key_revoke(api_key=api_key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).")


class WebhookForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in WEBHOOK_EVENTS], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "is_active"]

    def clean(self):
        cleaned = super().clean()
        probe = Webhook(url=cleaned.get("url", ""), events=cleaned.get("events", []))
        try:
            services.webhook_validate(webhook=probe)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict) from exc
        return cleaned


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "events", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_at"]

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = services.new_webhook_secret()
            self.message_user(
                request,
                f"Signing secret for {obj.name}: {obj.secret} (also shown on this page).",
                messages.INFO,
            )
        obj.save()


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "webhook", "status", "attempts", "response_status", "created_at"]
    list_filter = ["status", "event"]
    list_select_related = ["webhook"]
    raw_id_fields = ["webhook", "outbox_event"]
    search_fields = ["event_id", "webhook__name"]
    readonly_fields = [
        "webhook", "outbox_event", "event_id", "event", "payload", "status", "attempts",
        "next_attempt_at", "lease_until", "queued_at", "response_status", "last_error",
        "created_at", "last_attempt_at", "delivered_at",
    ]  # fmt: skip
    actions = ["redeliver"]

    @admin.action(description="Deliver again")
    def redeliver(self, request, queryset):
        count = services.webhook_deliveries_retry(deliveries=queryset)
        self.message_user(request, f"Queued {count} deliveries.")

"""Reference data: create or refresh the entities, initiatives and topics of tracker/reference."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model

from ..matching import normalize
from ..models import (
    Entity,
    EntityAlias,
    Initiative,
    InitiativeAlias,
    InitiativeFact,
    InitiativeRelation,
    InitiativeSponsor,
    ReferenceValue,
    Topic,
)


@dataclass
class ReferenceResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # fields an editor changed, left as they are

    def count(self, kind: str, what: str) -> None:
        target = self.created if what == "created" else self.updated
        target[kind] = target.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def reference_load(*, data: dict[str, list[dict[str, Any]]]) -> ReferenceResult:
    """Create or refresh the reference entities, initiatives and topics.

    Idempotent: a second run with the same data changes nothing. Descriptions, summaries and
    facts follow the data only while they hold what was last loaded (``_refresh``): a field an
    editor changed is kept and reported in ``kept``. Other fields are only filled where empty,
    so an editor's change of status or date stands. Nothing is ever deleted, and an alias
    another record already uses is skipped and reported, never taken over.
    """
    result = ReferenceResult()
    with transaction.atomic():
        entities = {row["slug"]: _reference_entity(row, result) for row in data.get("entities", [])}
        entities.update({e.slug: e for e in Entity.objects.exclude(slug__in=entities)})
        initiatives = {
            row["slug"]: _reference_initiative(row, entities, result)
            for row in data.get("initiatives", [])
        }
        initiatives.update({i.slug: i for i in Initiative.objects.exclude(slug__in=initiatives)})
        for row in data.get("initiatives", []):
            for relation in row.get("relations", []):
                _, created = InitiativeRelation.objects.get_or_create(
                    from_initiative=initiatives[row["slug"]],
                    to_initiative=initiatives[relation["to"]],
                    kind=relation["kind"],
                )
                if created:
                    result.count("relation", "created")
        for row in data.get("topics", []):
            _reference_topic(row, entities, initiatives, result)
    return result


def _upsert(
    model: type[Model],
    row: dict[str, Any],
    *,
    kind: str,
    result: ReferenceResult,
    refreshed: tuple[str, ...] = (),
    filled: tuple[str, ...] = (),
    initial: tuple[str, ...] = (),
):
    """Get by slug and bring up to date: ``refreshed`` fields follow the data, ``filled`` ones
    are set only while empty, ``initial`` ones only on creation."""
    values = {name: row[name] for name in (*refreshed, *filled, *initial) if name in row}
    for name in values:
        if name.endswith("_on"):
            values[name] = date.fromisoformat(values[name]) if values[name] else None
    obj = model.objects.filter(slug=row["slug"]).first()
    if obj is None:
        obj = model(slug=row["slug"], **values)
        obj.full_clean()
        obj.save()
        _remember(obj, {name: values[name] for name in refreshed if name in values})
        result.count(kind, "created")
        return obj
    label = f"{kind} {row['slug']!r}"
    wanted = {name: values[name] for name in refreshed if name in values}
    changed = _refresh(obj, wanted, label=label, result=result)
    changed += [
        name
        for name in filled
        if values.get(name) not in ("", None) and getattr(obj, name) in ("", None)
    ]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=[*changed, "updated_at"])
        result.count(kind, "updated")
    return obj


def _refresh(obj: Model, wanted: dict[str, Any], *, label: str, result: ReferenceResult) -> list:
    """The fields of ``obj`` to set to the reference data's ``wanted`` values.

    A field is refreshed only while it holds the value last loaded into it. Holding anything
    else, it was changed by an editor (or predates this record keeping, when an edit cannot be
    told from old data): it is kept, and reported in ``result.kept`` on every run. Values
    loaded (or found already equal) are remembered for the next run.
    """
    last = dict(
        ReferenceValue.objects.filter(
            model=obj._meta.label_lower, object_id=obj.pk, field__in=list(wanted)
        ).values_list("field", "value")
    )
    changed, remember = [], {}
    for name, value in wanted.items():
        current = _as_json(getattr(obj, name))
        if current == _as_json(value):
            pass
        elif name in last and current == last[name]:
            changed.append(name)
        else:
            result.kept.append(f"{label}: {name} was changed by an editor, kept")
            continue
        if last.get(name, _UNSET) != _as_json(value):
            remember[name] = value
    _remember(obj, remember)
    return changed


_UNSET = object()


def _remember(obj: Model, values: dict[str, Any]) -> None:
    for name, value in values.items():
        ReferenceValue.objects.update_or_create(
            model=obj._meta.label_lower,
            object_id=obj.pk,
            field=name,
            defaults={"value": _as_json(value)},
        )


def _as_json(value: Any) -> Any:
    """A field value as stored in ReferenceValue (and compared with it)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _add_aliases(
    model: type[Model], owner_field: str, owner: Model, aliases: list, result: ReferenceResult
) -> None:
    for alias in aliases:
        if isinstance(alias, str):
            alias = {"text": alias}
        text, exact = alias["text"], alias.get("exact", False)
        kind, note = alias.get("kind", EntityAlias.Kind.NAME), alias.get("note", "")
        clash = EntityAlias if model is InitiativeAlias else InitiativeAlias
        current = model.objects.filter(text__iexact=text).first()
        if current is not None:
            if getattr(current, f"{owner_field}_id") != owner.pk:
                result.skipped.append(f"alias {text!r} already belongs to another record")
                continue
            # Kind and note are filled in, never overwritten: an editor's word stands.
            changed = []
            if current.kind == EntityAlias.Kind.NAME and kind != current.kind:
                current.kind = kind
                changed.append("kind")
            if note and not current.note:
                current.note = note
                changed.append("note")
            if changed:
                current.save(update_fields=[*changed, "updated_at"])
                result.count("alias", "updated")
            continue
        if clash.objects.filter(text__iexact=text).exists():
            result.skipped.append(f"alias {text!r} is already used by another kind of record")
            continue
        model.objects.create(**{owner_field: owner}, text=text, exact=exact, kind=kind, note=note)
        result.count("alias", "created")


def _former_names(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"text": text, "kind": EntityAlias.Kind.FORMER} for text in row.get("former_names", [])]


def _reference_entity(row: dict[str, Any], result: ReferenceResult) -> Entity:
    entity = _upsert(
        Entity,
        row,
        refreshed=("description",),
        filled=("name", "kind", "country", "website", "wikidata_id"),
        result=result,
        kind="entity",
    )
    aliases = [*row.get("aliases", []), *_former_names(row)]
    _add_aliases(EntityAlias, "entity", entity, aliases, result)
    return entity


def _reference_initiative(
    row: dict[str, Any], entities: dict[str, Entity], result: ReferenceResult
) -> Initiative:
    initiative = _upsert(
        Initiative,
        row,
        refreshed=("summary",),
        filled=(
            "name",
            "acronym",
            "kind",
            "status",
            "official_url",
            "announced_on",
            "launched_on",
            "ended_on",
        ),
        initial=("patterns",),
        result=result,
        kind="initiative",
    )
    missing = [p for p in row.get("patterns", []) if p not in initiative.patterns]
    if missing:
        initiative.patterns = [*initiative.patterns, *missing]
        initiative.full_clean()
        initiative.save(update_fields=["patterns", "updated_at"])
        result.count("initiative", "updated")
    _add_aliases(InitiativeAlias, "initiative", initiative, row.get("aliases", []), result)
    for sponsor in row.get("sponsors", []):
        _, created = InitiativeSponsor.objects.get_or_create(
            initiative=initiative,
            entity=entities[sponsor["entity"]],
            role=sponsor.get("role", InitiativeSponsor.Role.LEAD),
        )
        if created:
            result.count("sponsor", "created")
    have = set(initiative.jurisdictions.values_list("slug", flat=True))
    wanted = [entities[slug] for slug in row.get("jurisdictions", []) if slug not in have]
    if wanted:
        initiative.jurisdictions.add(*wanted)
        result.count("jurisdiction", "created")
    for fact in row.get("facts", []):
        _reference_fact(initiative, fact, result)
    return initiative


def _reference_fact(initiative: Initiative, fact: dict[str, Any], result: ReferenceResult) -> None:
    values = {
        "value": Decimal(str(fact["value"])) if fact.get("value") is not None else None,
        "unit": fact.get("unit", ""),
        "note": fact.get("note", ""),
        "as_of": date.fromisoformat(fact["as_of"]) if fact.get("as_of") else None,
        "source_url": fact.get("source_url", ""),
    }
    current = InitiativeFact.objects.filter(initiative=initiative, label=fact["label"]).first()
    if current is None:
        InitiativeFact(initiative=initiative, label=fact["label"], **values).full_clean()
        created = InitiativeFact.objects.create(
            initiative=initiative, label=fact["label"], **values
        )
        _remember(created, values)
        result.count("fact", "created")
        return
    label = f"fact {fact['label']!r} of initiative {initiative.slug!r}"
    changed = _refresh(current, values, label=label, result=result)
    if changed:
        for name in changed:
            setattr(current, name, values[name])
        current.full_clean()
        current.save(update_fields=changed)
        result.count("fact", "updated")


def _reference_topic(
    row: dict[str, Any],
    entities: dict[str, Entity],
    initiatives: dict[str, Initiative],
    result: ReferenceResult,
) -> None:
    topic = _upsert(
        Topic,
        row,
        refreshed=("description",),
        filled=("name",),
        initial=("min_keyword_hits", "keywords"),
        result=result,
        kind="topic",
    )
    known = {normalize(k) for k in topic.keywords}
    missing = [k for k in row.get("keywords", []) if normalize(k) not in known]
    if missing:
        topic.keywords = [*topic.keywords, *missing]
        topic.full_clean()
        topic.save(update_fields=["keywords", "updated_at"])
        result.count("topic", "updated")
    for relation, targets, pool in (
        (topic.entities, row.get("entities", []), entities),
        (topic.initiatives, row.get("initiatives", []), initiatives),
    ):
        have = set(relation.values_list("slug", flat=True))
        wanted = [pool[slug] for slug in targets if slug not in have]
        if wanted:
            relation.add(*wanted)
            result.count("topic rule", "created")

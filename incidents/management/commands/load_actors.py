"""Loads the actor seed (incidents/data/actors.json): canonical names, kinds, aliases and umbrella groups."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from incidents.models import Actor

SEED = Path(__file__).resolve().parents[2] / "data" / "actors.json"


class Command(BaseCommand):
    help = "Creates or updates the seeded actors; re-running changes nothing, and curators' extra aliases are kept."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SEED), help="JSON list of {name, kind, aliases, parent}")

    def handle(self, *args, file: str, **options):
        try:
            rows = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        kinds = set(Actor.Kind.values)
        created = updated = 0
        with transaction.atomic():
            by_name: dict[str, Actor] = {}
            for row in rows:
                name = (row.get("name") or "").strip()
                if not name:
                    self.stderr.write(f"skipped an actor without a name: {row!r}")
                    continue
                kind = row.get("kind") if row.get("kind") in kinds else Actor.Kind.OTHER
                actor = Actor.objects.filter(name=name).first()
                is_new = actor is None
                if is_new:
                    actor = Actor(name=name)
                # Union, so an alias a curator added in admin survives a reload.
                aliases = list(dict.fromkeys([*actor.aliases, *row.get("aliases", [])]))
                changed = is_new or actor.kind != kind or actor.aliases != aliases
                if row.get("description") and actor.description != row["description"]:
                    actor.description = row["description"]
                    changed = True
                actor.kind, actor.aliases = kind, aliases
                actor.refresh_search_names()
                if changed:
                    actor.save()
                    created += is_new
                    updated += not is_new
                by_name[name] = actor
            for row in rows:
                actor, parent_name = by_name.get(row.get("name")), row.get("parent")
                if actor is None or not parent_name:
                    continue
                parent = by_name.get(parent_name) or Actor.objects.filter(name=parent_name).first()
                if parent is None:
                    self.stderr.write(f"{actor.name}: unknown parent {parent_name!r}")
                elif actor.parent_id != parent.pk:
                    actor.parent = parent
                    actor.save(update_fields=["parent", "updated_at"])
        self.stdout.write(f"actors: {created} created, {updated} updated, {len(rows) - created - updated} unchanged")

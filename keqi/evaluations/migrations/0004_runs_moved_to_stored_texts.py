"""Existing runs moved to texts stored once per distinct text.

Existing runs are converted in place: every entry's facts text and every verdict's
JSON text moves into FactsText / VerdictText (one row per distinct text, keyed by
its BLAKE2b-128 digest, zlib compressed without a sample: new runs compress
against a sample of their kind), and the rows point at them. The texts are
unchanged byte for byte, so old verdicts still reproduce.
"""

import hashlib
import zlib

from django.db import migrations

BATCH = 2000


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _ids(model, texts):
    """Row id per digest, creating the missing rows."""
    found = dict(
        model.objects.filter(digest__in=list(texts)).values_list("digest", "pk")
    )
    missing = [d for d in texts if d not in found]
    model.objects.bulk_create(
        [model(digest=d, body=zlib.compress(texts[d].encode(), 6)) for d in missing]
    )
    found |= dict(model.objects.filter(digest__in=missing).values_list("digest", "pk"))
    return found


def _convert(model, text_model, old, new, apps):
    rows = model.objects.order_by("pk").only("pk", old)
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        texts = {_digest(getattr(r, old)): getattr(r, old) for r in batch}
        ids = _ids(text_model, texts)
        for row in batch:
            setattr(row, new, ids[_digest(getattr(row, old))])
        model.objects.bulk_update(batch, [new])
        last = batch[-1].pk


def _unpack(stored):
    body = bytes(stored.body)
    if stored.dictionary_id is None:
        return zlib.decompress(body).decode()
    unpacker = zlib.decompressobj(-15, zdict=bytes(stored.dictionary.body))
    return (unpacker.decompress(body) + unpacker.flush()).decode()


def texts_to_digests(apps, schema_editor):
    entry = apps.get_model("evaluations", "EvaluatedEnterprise")
    verdict = apps.get_model("evaluations", "StoredVerdict")
    facts = apps.get_model("evaluations", "FactsText")
    texts = apps.get_model("evaluations", "VerdictText")
    _convert(entry, facts, "facts", "facts_text_id", apps)
    _convert(verdict, texts, "result", "text_id", apps)


def digests_to_texts(apps, schema_editor):
    entry = apps.get_model("evaluations", "EvaluatedEnterprise")
    verdict = apps.get_model("evaluations", "StoredVerdict")
    for model, old, rel in ((entry, "facts", "facts_text"), (verdict, "result", "text")):
        rows = model.objects.select_related(rel, f"{rel}__dictionary").order_by("pk")
        last = 0
        while True:
            batch = list(rows.filter(pk__gt=last)[:BATCH])
            if not batch:
                break
            for row in batch:
                setattr(row, old, _unpack(getattr(row, rel)))
            model.objects.bulk_update(batch, [old])
            last = batch[-1].pk
    entries = {
        (e.run_id, e.enterprise_id): e.pk for e in entry.objects.only("pk", "run_id", "enterprise_id")
    }
    rows = verdict.objects.order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        for row in batch:
            row.entry_id = entries[(row.run_id, row.enterprise_id)]
        verdict.objects.bulk_update(batch, ["entry_id"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("evaluations", "0003_texts_stored_once_by_digest"),
    ]

    operations = [
        migrations.RunPython(texts_to_digests, digests_to_texts),
    ]

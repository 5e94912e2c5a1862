"""What a user sees of an installation: row counts per table and the main pages.

Run in the test process for the source and, as `python -m
keqi.core.tests.backup_probe`, in a subprocess pointed at the restored target;
the two answers must be equal.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|csrf-token" content=")[^"]+')


def probe() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from keqi.accounts.models import User
    from keqi.campaign.models import ReportAttachment
    from keqi.core.models import GeneratedReport
    from keqi.registry.models import Enterprise

    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    client = Client()
    client.force_login(User.objects.get(username="hq"))
    enterprise = Enterprise.objects.order_by("pk").first()
    report = GeneratedReport.objects.order_by("pk").first()
    attachment = ReportAttachment.objects.order_by("pk").first()
    urls = [
        "/enterprises/",
        f"/enterprises/{enterprise.pk if enterprise else 0}/",
        "/dashboard/",
        "/campaign/",
        "/reports/",
        f"/reports/{report.pk if report else 0}/",
        f"/campaign/attachments/{attachment.pk if attachment else 0}/",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        pages[url] = [response.status_code, _fingerprint(CSRF.sub(rb"\1-", body))]
    return {"counts": counts, "pages": pages}


def new_row_numbered_after() -> bool:
    """A row added after a restore gets a number above the restored ones (on
    PostgreSQL this needs the sequences reset after loading)."""
    from django.db.models import Max

    from keqi.core.models import AuditEvent

    highest = AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    row = AuditEvent.objects.create(action="probe", target_type="probe", target_id="1")
    return row.pk > highest


def _fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


if __name__ == "__main__":
    import django

    django.setup()
    result = probe()
    result["new_row_numbered_after_restored_rows"] = new_row_numbered_after()
    print(json.dumps(result, ensure_ascii=False))

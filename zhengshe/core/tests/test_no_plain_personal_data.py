"""The scan of issue 11: after ``zhengshe demo`` and edits through the real services, the database's raw bytes
(the SQLite file image; on PostgreSQL the output of ``pg_dump``) hold no plain mobile number and no plain ID number.

A plain value is a run of digits bounded by neither a digit nor a letter (hashes and ciphertexts are hex or
base64url, where a digit run is always glued to letters); an ID number also has to pass GB 11643 (credit codes are
18 digits too, and fail it). Every phone the demo holds is also looked for as it is, anywhere in the bytes.
"""

import io
import os
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from zhengshe.utilities.identifiers import resident_id_error

MOBILE = re.compile(rb"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
ID_NUMBER = re.compile(rb"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


def raw_database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.serialize()  # the file image SQLite would write, byte for byte
    db = connection.settings_dict
    pg_dump = shutil.which("pg_dump")
    if not pg_dump:
        pytest.skip("pg_dump is not on PATH")
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = [pg_dump, "--data-only", "-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
            "-U", db.get("USER") or "postgres", db["NAME"]]
    return subprocess.run(args, env=env, capture_output=True, check=True).stdout


def plain_personal_data(data: bytes) -> tuple[list[bytes], list[bytes]]:
    mobiles = MOBILE.findall(data)
    ids = [m for m in ID_NUMBER.findall(data) if resident_id_error(m.decode()) is None]
    return mobiles, ids


def test_scanner_finds_what_it_looks_for():
    data = b'{"contact_phone":"13812345678"}\x00 11010519491231002X | 52320585000005872X | ab13812345678cd'
    assert plain_personal_data(data) == ([b"13812345678"], [b"11010519491231002X"])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_plain_phone_or_id_number_after_the_demo():
    from zhengshe.accounts.models import User
    from zhengshe.organizations import services
    from zhengshe.organizations.models import Organization

    call_command("demo", stdout=io.StringIO())
    admin = User.objects.get(username="mzj")
    org = Organization.objects.exclude(contact_phone="").order_by("pk").first()
    services.organization_update(actor=admin, org=org, data={"contact_phone": "13911112222"}, version=org.version)
    phones = {o.contact_phone for o in Organization.objects.exclude(contact_phone="")}
    assert len(phones) > 400 and "13911112222" in phones  # the demo's register, decrypted through the ORM

    data = raw_database_bytes()
    assert len(data) > 1_000_000 and b"zs1:" in data
    mobiles, ids = plain_personal_data(data)
    assert mobiles == [] and ids == []
    assert [p for p in phones if p.encode() in data] == []

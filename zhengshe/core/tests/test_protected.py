"""Protected personal data: SM4-GCM at rest, blind index, key ring and rotation, file modes, validators."""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection

from zhengshe.core import protected
from zhengshe.organizations.models import Organization
from zhengshe.utilities import crypto
from zhengshe.utilities.identifiers import (
    mobile_error,
    phone_error,
    resident_id_error,
    validate_mobile,
    validate_resident_id,
)
from zhengshe.utilities.masking import mask_id_number, mask_phone

PURPOSE = "organizations.organization.contact_phone"
KEY_A, KEY_B = "a1" * 32, "b2" * 32


def _raw_phone(org) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone, contact_phone_index FROM organizations_organization WHERE id = %s",
                       [org.pk])
        return cursor.fetchone()


@pytest.fixture
def key_file(settings, tmp_path):
    """A key ring of its own in a temporary data directory (the file the settings create, mode 0600)."""
    path = tmp_path / "data.key"
    crypto.write_key_file(path, [KEY_A])
    settings.DATA_KEY = ""
    settings.DATA_KEY_FILE = path
    return path


def test_round_trip_with_a_fresh_nonce_each_time(key_file):
    one, two = crypto.encrypt("13812345678", PURPOSE), crypto.encrypt("13812345678", PURPOSE)
    assert one != two  # a random nonce per value: equal phones give unrelated ciphertexts
    assert crypto.decrypt(one, PURPOSE) == crypto.decrypt(two, PURPOSE) == "13812345678"
    version, key_id, payload = one.split(":")
    assert version == "zs1" and key_id == crypto.DataKey.from_hex(KEY_A).id
    assert "13812345678" not in one
    nonces = {crypto._unb64(crypto.encrypt("x", PURPOSE).split(":")[2])[:12] for _ in range(200)}
    assert len(nonces) == 200


def test_wrong_key_tampering_and_another_column_fail_cleanly(key_file, settings):
    sealed = crypto.encrypt("13812345678", PURPOSE)
    with pytest.raises(crypto.DecryptError, match="密文使用的数据密钥"):
        crypto.decrypt(sealed, PURPOSE, ring=crypto.parse_keys(KEY_B, "test"))
    other = crypto.DataKey.from_hex(KEY_B)
    forged = sealed.replace(sealed.split(":")[1], other.id)  # the right key id, the wrong key
    with pytest.raises(crypto.DecryptError, match="解密失败"):
        crypto.decrypt(forged, PURPOSE, ring=crypto.parse_keys(KEY_B, "test"))
    payload = bytearray(crypto._unb64(sealed.split(":")[2]))
    payload[14] ^= 1
    with pytest.raises(crypto.DecryptError, match="篡改"):
        crypto.decrypt(f"zs1:{sealed.split(':')[1]}:{crypto._b64(bytes(payload))}", PURPOSE)
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt(sealed, "people.person.id_number")  # bound to its column
    with pytest.raises(crypto.DecryptError, match="不是本系统的密文"):
        crypto.decrypt("13812345678", PURPOSE)
    settings.DATA_KEY = "not-hex"
    with pytest.raises(crypto.DataKeyError, match="64 位十六进制"):
        crypto.keyring()


def test_the_field_stores_ciphertext_and_a_blind_index(world, key_file):
    org = world.org_a
    org.contact_phone = "138 1234 5678"
    org.save()
    raw, index = _raw_phone(org)
    assert raw.startswith("zs1:") and "13812345678" not in raw
    assert Organization.objects.get(pk=org.pk).contact_phone == "138 1234 5678"
    assert index == crypto.blind_index("13812345678", PURPOSE)
    found = Organization.objects.filter(protected.protected_q(Organization, "contact_phone", "13812345678"))
    assert list(found) == [org]  # the spaces are normalised away for the look-up
    assert not Organization.objects.filter(protected.protected_q(Organization, "contact_phone", "13812345679"))
    with pytest.raises(FieldError, match="不能按明文查询"):
        list(Organization.objects.filter(contact_phone="13812345678"))
    assert Organization.objects.filter(contact_phone="").exclude(pk=org.pk).count() == Organization.objects.exclude(
        pk=org.pk).count()
    org.contact_phone = ""
    org.save()
    assert _raw_phone(org) == ("", "")


def test_bulk_create_encrypts_and_indexes_too(world, key_file):
    Organization.objects.bulk_create([Organization(name=f"批量{i}", region=world.county_a,
                                                   contact_phone=f"1391234567{i}") for i in range(3)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone, contact_phone_index FROM organizations_organization WHERE name LIKE %s",
                       ["批量%"])
        rows = cursor.fetchall()
    assert len(rows) == 3 and all(r[0].startswith("zs1:") and len(r[1]) == 43 for r in rows)
    assert Organization.objects.filter(protected.protected_q(Organization, "contact_phone", "13912345672")).exists()


def test_rotation_re_encrypts_in_batches_and_lookups_work_throughout(world, key_file, settings):
    for i in range(5):
        Organization.objects.create(name=f"轮换{i}", region=world.county_a, contact_phone=f"1370000000{i}")
    old_id = crypto.keyring().current.id
    call_command("datakey", "rotate", "--batch-size", "2")
    ring = crypto.keyring()
    assert ring.current.id != old_id and [k.id for k in ring.keys[1:]] == [old_id]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    usage = protected.key_usage()[PURPOSE]
    assert usage == {ring.current.id: 5}
    assert Organization.objects.get(name="轮换3").contact_phone == "13700000003"
    assert Organization.objects.filter(protected.protected_q(Organization, "contact_phone", "13700000003")).exists()
    from zhengshe.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="datakey.rotate").exists()
    assert AuditEntry.objects.filter(action="datakey.reencrypt").exists()
    call_command("datakey", "retire")
    assert [k.id for k in crypto.keyring().keys] == [ring.current.id]
    assert Organization.objects.get(name="轮换1").contact_phone == "13700000001"


def test_during_a_rotation_old_values_still_decrypt_and_match(world, settings):
    settings.DATA_KEY = KEY_A
    org = Organization.objects.create(name="旧密钥", region=world.county_a, contact_phone="13600000001")
    settings.DATA_KEY = f"{KEY_B},{KEY_A}"  # the operator put the new key first
    assert Organization.objects.get(pk=org.pk).contact_phone == "13600000001"
    assert Organization.objects.filter(protected.protected_q(Organization, "contact_phone", "13600000001")).exists()
    with pytest.raises(Exception, match="仍有数据使用"):
        call_command("datakey", "retire")
    call_command("datakey", "reencrypt")
    assert _raw_phone(org)[0].split(":")[1] == crypto.DataKey.from_hex(KEY_B).id
    settings.DATA_KEY = KEY_A  # the old key alone no longer opens it, and status says so
    with pytest.raises(crypto.DecryptError):
        Organization.objects.get(pk=org.pk)
    with pytest.raises(Exception, match="不在密钥环中"):
        call_command("datakey", "status", stdout=io.StringIO())


def test_encrypting_an_existing_plain_column(world, key_file):
    """The data migration's step: plain phones written before the field was protected are encrypted in place."""
    org = world.org_b
    with connection.cursor() as cursor:
        cursor.execute("UPDATE organizations_organization SET contact_phone = %s WHERE id = %s", ["13500000009", org.pk])
    assert protected.key_usage()[PURPOSE].get("plain") == 1
    assert protected.encrypt_existing(Organization, "contact_phone") == 1
    raw, index = _raw_phone(org)
    assert raw.startswith("zs1:") and index == crypto.blind_index("13500000009", PURPOSE)
    assert Organization.objects.get(pk=org.pk).contact_phone == "13500000009"
    assert protected.encrypt_existing(Organization, "contact_phone") == 0  # already done: nothing touched


def test_data_directory_key_file_and_sqlite_file_are_private_from_creation(tmp_path):
    data = tmp_path / "fresh" / "data"
    env = {**os.environ, "ZHENGSHE_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    env.pop("ZHENGSHE_DATA_KEY", None)
    env.pop("DATABASE_URL", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=Path(__file__).resolve().parents[3],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "data.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "audit.key").stat().st_mode) == 0o600
    assert Path(out) == data / "zhengshe.sqlite3" and stat.S_IMODE(Path(out).stat().st_mode) == 0o600
    assert crypto.key_lines((data / "data.key").read_text()) != crypto.key_lines((data / "audit.key").read_text())
    import sqlite3

    db = sqlite3.connect(out)  # the empty file is a valid database; its WAL files take its mode
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    db.commit()
    assert stat.S_IMODE(Path(out + "-wal").stat().st_mode) == 0o600
    db.close()


def test_sqlite_connections_zero_deleted_content(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("value, error", [
    ("11010519491231002X", None),
    ("110105194912310021", "校验位"),
    ("11010519491331002X", "出生日期不存在"),
    ("1101051949123100", "18 位"),
    ("110105199912310022", None),
    ("110105299912310020", "晚于今天"),
])
def test_resident_id_numbers_gb11643(value, error):
    found = resident_id_error(value)
    assert (found is None) if error is None else (error in found)


def test_mobile_and_fixed_line_numbers():
    assert mobile_error("13812345678") is None and mobile_error("19912345678") is None
    assert mobile_error("16612345678") is None  # 16x and 19x are real prefixes
    assert "11 位" in mobile_error("12812345678") and mobile_error("1381234567")
    assert phone_error("0512-53512345") is None and phone_error("138-1234-5678") is None
    assert "固定电话" in phone_error("12345")
    with pytest.raises(ValidationError, match="校验位"):
        validate_resident_id("110105194912310021")
    with pytest.raises(ValidationError, match="手机号码"):
        validate_mobile("12345678901")


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("320585199001011234") == "320***********1234"


def test_a_protected_field_declares_itself_for_every_app():
    field = Organization._meta.get_field("contact_phone")
    assert field.purpose == PURPOSE and field.mask("13812345678") == "138****5678"
    assert (Organization, field, Organization._meta.get_field("contact_phone_index")) in protected.fields()
    assert not field.check() and not Organization._meta.get_field("contact_phone_index").check()

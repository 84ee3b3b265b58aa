"""S3 rules the emulator keeps as AWS documents them (emulator/s3_rules.py, docs/emulator-fidelity.md)."""

import base64
import binascii

import emulator  # noqa: F401  pylint: disable=unused-import  # the emulator's packages (awscrt) on the path
from awscrt import checksums  # noqa: E402  pylint: disable=wrong-import-order


def crc64nvme(body):
    return base64.b64encode(checksums.crc64nvme(body).to_bytes(8, "big")).decode()


def test_an_object_uploaded_without_a_checksum_gets_the_default_crc64nvme_and_one_with_a_checksum_keeps_its_own(emulator, world):
    bucket = world["buckets"]["100"]
    # An SDK from before December 2024 sends no checksum: S3 adds its default, a full-object CRC64NVME.
    old_sdk = emulator.client("s3", request_checksum_calculation="when_required")
    new_sdk = emulator.client("s3")
    body = b"checksum probe\n"
    try:
        old_sdk.put_object(Bucket=bucket, Key="s3-rules/no-checksum.txt", Body=body)
        new_sdk.put_object(Bucket=bucket, Key="s3-rules/crc32.txt", Body=body)  # today's SDK default: CRC32
        plain = new_sdk.head_object(Bucket=bucket, Key="s3-rules/no-checksum.txt", ChecksumMode="ENABLED")
        own = new_sdk.head_object(Bucket=bucket, Key="s3-rules/crc32.txt", ChecksumMode="ENABLED")
    finally:
        new_sdk.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "s3-rules/no-checksum.txt"}, {"Key": "s3-rules/crc32.txt"}]})
    assert plain.get("ChecksumCRC64NVME") == crc64nvme(body), plain
    assert own.get("ChecksumCRC32") == base64.b64encode(binascii.crc32(body).to_bytes(4, "big")).decode()
    assert "ChecksumCRC64NVME" not in own

"""S3 rules AWS documents that moto does not keep.

Default checksum: since December 2024 S3 stores a full-object CRC64NVME checksum with every object uploaded without a
checksum of its own ("Checking object integrity" in the S3 user guide; the API reference's ``Checksum``:
``ChecksumCRC64NVME`` "is present if the object was uploaded with the CRC64NVME checksum algorithm, or if the object
was uploaded without a checksum (and Amazon S3 added the default checksum, CRC64NVME)"). moto stores none, so an object
written by an older SDK, or by the emulator's own AWS Backup restore, had no checksum to prove its identity with.
``install()`` wraps moto's ``S3Backend.put_object``: a new object without a checksum gets the CRC64NVME one, computed
with awscrt (as S3 computes it; moto itself falls back to a CRC32 under that name when awscrt is missing).
"""

from __future__ import annotations

import base64

from awscrt import checksums
from moto.s3.models import S3Backend

DEFAULT_ALGORITHM = "CRC64NVME"


def crc64nvme(body):
    """The base64 of the CRC64NVME of BODY, as S3 reports it."""
    return base64.b64encode(checksums.crc64nvme(bytes(body or b"")).to_bytes(8, "big")).decode()


def install():
    """Wrap S3Backend.put_object once; returns whether it was wrapped now."""
    original = S3Backend.put_object
    if getattr(original, "restorekit_default_checksum", False):
        return False

    def put_object(self, bucket_name, key_name, value, *args, **kwargs):
        key = original(self, bucket_name, key_name, value, *args, **kwargs)
        if key.checksum_value is None and kwargs.get("multipart") is None:
            key.checksum_algorithm = DEFAULT_ALGORITHM
            key.checksum_value = crc64nvme(value)
            key.checksum_type = "FULL_OBJECT"
        return key

    put_object.restorekit_default_checksum = True
    S3Backend.put_object = put_object
    return True

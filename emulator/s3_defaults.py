"""S3's defaults for new buckets (April 2023) and what a bucket with ACLs disabled refuses, which moto does not keep.

Since April 2023 S3 creates every bucket with Object Ownership ``BucketOwnerEnforced`` (ACLs disabled) unless
CreateBucket's ``x-amz-object-ownership`` asks for another, and with all four Block Public Access settings on (S3 user
guide, "Controlling ownership of objects and disabling ACLs for your bucket", "Blocking public access to your Amazon S3
storage"; AWS's "Heads-up: Amazon S3 security changes are coming in April of 2023"). moto 5 keeps the header's ownership
but gives a bucket made without it no ownership controls (ACLs enabled) and no Block Public Access.

With ACLs disabled S3 refuses to set or change an ACL (user guide, "Troubleshooting" of Object Ownership):
``PutObject``, ``CopyObject`` and ``CreateMultipartUpload`` take no ACL or only ``bucket-owner-full-control`` (or the
same grant spelled as a header), ``PutObjectAcl`` and ``PutBucketAcl`` fail, all with ``400
AccessControlListNotSupported`` "The bucket does not allow ACLs"; a CreateBucket that disables ACLs and gives a bucket
ACL granting anyone but the owner fails with ``400 InvalidBucketAclWithObjectOwnership``, and so does a
PutBucketOwnershipControls to ``BucketOwnerEnforced`` while the bucket ACL grants others. Reading ACLs still works.

With ``BlockPublicAcls`` on (the bucket's or the account's), S3 refuses a public ACL: ``PutObject``/``CopyObject``/
``CreateMultipartUpload`` with one, and ``PutObjectAcl``/``PutBucketAcl`` setting one, fail with ``403 AccessDenied``
(``PublicAccessBlockConfiguration.BlockPublicAcls`` in the API reference).

``install()`` wraps moto's ``S3Response`` request handlers; AWS Backup's own restore (drivers.py) writes through moto's
backend and sets its new bucket's settings itself, so it is not affected.
"""

from __future__ import annotations

from moto.s3.exceptions import S3AccessDeniedError, S3ClientError
from moto.s3.models import OWNER, PublicAccessBlock
from moto.s3.responses import S3Response
from moto.s3control.models import s3control_backends

ACLS_DISABLED = "BucketOwnerEnforced"
DEFAULT_OWNERSHIP = ACLS_DISABLED
OWNER_ONLY_OBJECT_ACLS = ("bucket-owner-full-control",)  # "specify bucket owner full control ACLs or not specify an ACL"
OWNER_ONLY_BUCKET_ACLS = ("private",)  # a bucket ACL that gives full control to the bucket owner only
PUBLIC_CANNED_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
OBJECT_SUBRESOURCES = ("tagging", "retention", "legal-hold", "uploadId", "partNumber")


class AclNotSupported(S3ClientError):
    """400 AccessControlListNotSupported: the bucket's Object Ownership is BucketOwnerEnforced."""

    code = "AccessControlListNotSupported"

    def __init__(self):
        super().__init__("AccessControlListNotSupported", "The bucket does not allow ACLs")


class InvalidBucketAclWithObjectOwnership(S3ClientError):
    """400 InvalidBucketAclWithObjectOwnership: a CreateBucket that disables ACLs and gives a bucket ACL."""

    code = "InvalidBucketAclWithObjectOwnership"

    def __init__(self):
        super().__init__("InvalidBucketAclWithObjectOwnership",
                         "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")


def _grant_headers(headers):
    """{x-amz-grant-*: value} of a request (lower-case names)."""
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-amz-grant-")}


def acl_given(headers):
    """Whether a request carries an ACL in its headers (a canned one or grants)."""
    return bool(headers.get("x-amz-acl") or _grant_headers(headers))


def owner_only(headers, canned_allowed):
    """Whether the headers' ACL grants full control to the bucket owner only (or there is none)."""
    canned = headers.get("x-amz-acl")
    if canned:
        return canned in canned_allowed
    grants = _grant_headers(headers)
    if not grants:
        return True
    value = grants.get("x-amz-grant-full-control", "").replace('"', "").replace(" ", "")
    return set(grants) == {"x-amz-grant-full-control"} and value.lower() == ("id=%s" % OWNER).lower()


def public_acl(headers):
    """Whether the headers' ACL grants anything to AllUsers or AuthenticatedUsers ("The meaning of public")."""
    if headers.get("x-amz-acl") in PUBLIC_CANNED_ACLS:
        return True
    return any(uri in value for value in _grant_headers(headers).values() for uri in PUBLIC_GRANTEES)


def public_acl_body(body):
    """Whether an AccessControlPolicy XML body grants anything to a public group."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    return any(uri in text for uri in PUBLIC_GRANTEES)


def _bucket(response, name):
    """moto's bucket NAME, or None (moto answers a missing bucket itself)."""
    return response.backend.buckets.get(name)


def account_blocks_public_acls(response):
    """BlockPublicAcls of the account's Block Public Access (S3 Control)."""
    account = s3control_backends[response.current_account]["aws"].public_access_block
    return account is not None and bool(account.block_public_acls)


def blocks_public_acls(response, bucket):
    """BlockPublicAcls of the bucket or of its account (S3 applies the stricter)."""
    block = bucket.public_access_block
    return (block is not None and bool(block.block_public_acls)) or account_blocks_public_acls(response)


def check_write_acl(response, bucket, headers, body=None):
    """Refuse an ACL the bucket does not take: any but the owner's when ACLs are disabled, a public one under BPA."""
    if bucket is None:
        return
    if bucket.ownership_rule == ACLS_DISABLED and not owner_only(headers, OWNER_ONLY_OBJECT_ACLS):
        raise AclNotSupported()
    if blocks_public_acls(response, bucket) and (public_acl(headers) or (body is not None and public_acl_body(body))):
        raise S3AccessDeniedError()


def grants_others(acl):
    """Whether a moto ACL grants anything to anyone but the bucket owner."""
    return any(grantee.id != OWNER for grant in (acl.grants if acl else []) for grantee in grant.grantees)


def check_disabling_acls(bucket, body):
    """PutBucketOwnershipControls to BucketOwnerEnforced fails while the bucket ACL grants others."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    if bucket is not None and ACLS_DISABLED in text and grants_others(bucket.acl):
        raise InvalidBucketAclWithObjectOwnership()


def _create_bucket(original, response, request, bucket_name, querystring):
    """CreateBucket as S3 does since April 2023: ACLs disabled unless asked for, Block Public Access on."""
    ownership = request.headers.get("x-amz-object-ownership") or DEFAULT_OWNERSHIP
    existed = bucket_name in response.backend.buckets
    if not existed and ownership == ACLS_DISABLED and not owner_only(request.headers, OWNER_ONLY_BUCKET_ACLS):
        raise InvalidBucketAclWithObjectOwnership()
    if not existed and public_acl(request.headers) and account_blocks_public_acls(response):
        raise S3AccessDeniedError()  # "PUT Bucket calls fail if the request includes a public ACL"
    result = original(response, request, bucket_name, querystring)
    bucket = _bucket(response, bucket_name)
    if not existed and bucket is not None:
        bucket.ownership_rule = bucket.ownership_rule or DEFAULT_OWNERSHIP
        bucket.public_access_block = PublicAccessBlock(True, True, True, True)
    return result


def _wrap_bucket_put(original):
    def _bucket_response_put(self, request, bucket_name, querystring):
        if not querystring:
            return _create_bucket(original, self, request, bucket_name, querystring)
        if "ownershipControls" in querystring:  # PutBucketOwnershipControls
            check_disabling_acls(_bucket(self, bucket_name), self.body)
        if "acl" in querystring:  # PutBucketAcl
            bucket = _bucket(self, bucket_name)
            if bucket is not None and bucket.ownership_rule == ACLS_DISABLED:
                raise AclNotSupported()
            check_write_acl(self, bucket, request.headers, self.body)
        return original(self, request, bucket_name, querystring)
    return _bucket_response_put


def _wrap_key_put(original):
    def _key_response_put(self, query, key_name):
        bucket = _bucket(self, self.bucket_name)
        if "acl" in query:  # PutObjectAcl
            if bucket is not None and bucket.ownership_rule == ACLS_DISABLED:
                raise AclNotSupported()
            check_write_acl(self, bucket, self.headers, self.body)
        elif not any(sub in query for sub in OBJECT_SUBRESOURCES):  # PutObject, CopyObject
            check_write_acl(self, bucket, self.headers)
        return original(self, query, key_name)
    return _key_response_put


def _wrap_key_post(original):
    def _key_response_post(self, request, body, bucket_name, query, key_name):
        if "uploads" in query:  # CreateMultipartUpload
            check_write_acl(self, _bucket(self, bucket_name), request.headers)
        return original(self, request, body, bucket_name, query, key_name)
    return _key_response_post


def install():
    """Wrap moto's S3Response handlers once; returns whether they were wrapped now."""
    if getattr(S3Response._bucket_response_put, "restorekit_s3_defaults", False):
        return False
    for name, wrap in (("_bucket_response_put", _wrap_bucket_put), ("_key_response_put", _wrap_key_put),
                       ("_key_response_post", _wrap_key_post)):
        wrapped = wrap(getattr(S3Response, name))
        wrapped.restorekit_s3_defaults = True
        setattr(S3Response, name, wrapped)
    return True
